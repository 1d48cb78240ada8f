"""Policy cases in OpenFisca style: tests/data/cases/<area>.yaml, reviewable without Python.

Each file is a list of cases::

    - name: P-ORG-02 县级中心为副科级时不合规        # the pytest id
      standard: sjz-proposed
      as_of: 2019-01-01
      center: {id: c, name: 中心, tier: county, region_code: "130123", organization: {rank: deputy_section}}
      expect:
        P-ORG-02: {status: fail, expected: full_section, actual: deputy_section, severity: error}
        P-ORG-03: not_applicable                       # a bare status
      notices: [duplicate_department]                  # optional: the notice codes, exactly

Lists in ``expected``/``actual`` are compared as multisets (order is presentation,
a department reported twice is not). Every clause named must appear exactly once in
the center's results, and no clause of a valid center may end in ``error``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.center import parse_centers
from engine.check import Options, evaluate
from engine.report import Report
from engine.rulebook import Rulebook, load_rulebook
from engine.source import load_document
from engine.standard import Standard, bundled_ids, load_standard

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"
AREAS = ("org", "fun", "hal", "dep", "mat", "net", "sup", "per", "tim")
STATUSES = {"pass", "fail", "not_applicable", "not_declared", "waived", "error"}
CASE_KEYS = {"name", "standard", "as_of", "center", "expect", "notices"}
EXPECT_KEYS = {"status", "expected", "actual", "severity"}


def _load_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for area in AREAS:
        file = CASES / f"{area}.yaml"
        for case in yaml.safe_load(file.read_text(encoding="utf-8")):
            out.append((area, case))
    return out


ALL_CASES = _load_cases()


@cache
def _standard(sid: str) -> Standard:
    return load_standard(sid)


@cache
def _rulebook() -> Rulebook:
    return load_rulebook()


def _as_of(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def run_case(case: dict[str, Any]) -> Report:
    text = json.dumps({"center": case["center"]}, ensure_ascii=False, default=str)
    centers = parse_centers(load_document(text, f"{case['name']}.yaml"))
    options = Options(as_of=_as_of(case["as_of"]), jobs=0)
    return evaluate(_standard(case["standard"]), _rulebook(), centers, {}, options)


def _normal(value: Any) -> Any:
    """Lists as sorted multisets (of their JSON text, so mixed items sort); everything else as is."""
    if isinstance(value, list):
        return sorted(json.dumps(_normal(v), ensure_ascii=False, sort_keys=True) for v in value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


def _expectation(raw: Any) -> dict[str, Any]:
    return {"status": raw} if isinstance(raw, str) else dict(raw)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["name"]) for _, c in ALL_CASES])
def test_policy_case(case: dict[str, Any]) -> None:
    report = run_case(case)
    (center,) = report.centers
    by_clause: dict[str, list[Any]] = {}
    for r in center.results:
        by_clause.setdefault(r.clause, []).append(r)
    errors = [f"{r.clause}: {r.message.en}" for r in center.results if r.status.value == "error"]
    assert not errors, f"a valid center must not end in error: {errors}"

    mismatches = []
    for clause_id, raw in case["expect"].items():
        want = _expectation(raw)
        found = by_clause.get(clause_id, [])
        assert len(found) == 1, f"{clause_id} appears {len(found)} times in the results"
        r = found[0]
        got = {
            "status": r.status.value,
            "severity": r.severity.value,
            "expected": r.expected,
            "actual": r.actual,
        }
        for key, value in want.items():
            if _normal(got[key]) != _normal(value):
                mismatches.append(f"{clause_id}.{key}: expected {value!r}, got {got[key]!r} ({r.message.en})")
    assert not mismatches, "\n".join(mismatches)

    if "notices" in case:
        assert Counter(n.code for n in center.notices) == Counter(case["notices"])


# ---------------------------------------------------------------- the case files themselves


def test_case_files_are_well_formed() -> None:
    names = Counter(c["name"] for _, c in ALL_CASES)
    assert not [n for n, k in names.items() if k > 1], "case names are pytest ids: they must be unique"
    for area, case in ALL_CASES:
        assert set(case) <= CASE_KEYS, (case["name"], set(case) - CASE_KEYS)
        assert {"name", "standard", "as_of", "center", "expect"} <= set(case), case.get("name")
        assert case["standard"] in bundled_ids(), case["name"]
        assert case["expect"], case["name"]
        clause_ids = {c.id for c in _standard(case["standard"]).clauses}
        for clause_id, raw in case["expect"].items():
            assert clause_id in clause_ids, f"{case['name']}: {clause_id} is not a clause of {case['standard']}"
            want = _expectation(raw)
            assert set(want) <= EXPECT_KEYS and "status" in want, (case["name"], clause_id)
            assert want["status"] in STATUSES, (case["name"], clause_id)
        # the case sits in the file of one of the areas it checks
        assert area in {cid.split("-")[1].lower() for cid in case["expect"]}, (area, case["name"])


def test_every_clause_of_every_bundled_standard_has_a_passing_and_a_failing_case() -> None:
    seen: dict[str, set[str]] = {}
    for _, case in ALL_CASES:
        for clause_id, raw in case["expect"].items():
            seen.setdefault(clause_id, set()).add(_expectation(raw)["status"])
    missing = []
    for sid in bundled_ids():
        for clause in _standard(sid).clauses:
            lacking = {"pass", "fail"} - seen.get(clause.id, set())
            if lacking:
                missing.append(f"{sid} {clause.id}: no {' / '.join(sorted(lacking))} case")
    assert not missing, "\n".join(missing)


def test_every_clause_has_a_not_applicable_and_a_not_declared_case() -> None:
    seen: dict[str, set[str]] = {}
    for _, case in ALL_CASES:
        for clause_id, raw in case["expect"].items():
            seen.setdefault(clause_id, set()).add(_expectation(raw)["status"])
    missing = []
    for sid in bundled_ids():
        for clause in _standard(sid).clauses:
            for status in ("not_applicable", "not_declared"):
                if status not in seen.get(clause.id, set()):
                    missing.append(f"{clause.id}: no {status} case")
    assert not missing, "\n".join(missing)
