"""Differential tests: durable_rules, the python evaluator and the norms reference agree.

Hypothesis generates batches of centers (strategies.py), each center with one or two as-of dates
per bundled standard. A batch goes through the real loader once (``parse_centers(load_document(...))``,
JSON being YAML), then, for every standard and date, through ``evaluate`` with
``engine="durable"`` (in-process, ``jobs=0``) and ``engine="python"``, and through
``reference.evaluate`` (written from norms.md). Each center must get the same clauses in the
same order from all three, for each clause the same ``(status, expected, actual)``, and — where
the clause is in force — the same severity (P-HAL-01: warning through 2018-12-31, error from
2019-01-01).

A difference fails the test with, for each clause that differs, the center reduced to the
fewest fields and items that still show it (``minimal_center``): hypothesis' own shrinking
is switched off in the profiles (conftest.py), as it spends minutes re-evaluating whole batches.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import reference
from hypothesis import given, settings
from strategies import CHECKED, STANDARD_IDS, Case, center_cases

from engine.center import CenterDoc, load_centers, parse_centers
from engine.check import Options, evaluate
from engine.errors import InputError
from engine.report import Report
from engine.rulebook import Rulebook, load_rulebook
from engine.source import load_document
from engine.standard import Standard, load_standard

STANDARDS = STANDARD_IDS
# the profiles are registered in conftest.py (loaded first); imported by name, as several conftest
# modules of this suite share the module name "conftest"
DIFFERENTIAL = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
ENGINES = ("durable", "python")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shijiazhuang"
REQUIRED = ("id", "name", "tier", "region_code")

Finding = tuple[str, str, Any, Any, str]  # clause, status, expected, actual, severity


@cache
def standard(standard_id: str) -> Standard:
    return load_standard(standard_id)


@cache
def rulebook() -> Rulebook:
    return load_rulebook()


def typed(value: Any) -> Any:
    """A comparable form that keeps types apart (True is not 1, 3000 is not "3000")."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), typed(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(typed(v) for v in value))
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", value)  # 3000 and 3000.0 are one number; the report renders both alike
    return (type(value).__name__, repr(value))


def findings(report: Report) -> dict[str, list[Finding]]:
    return {
        c.id: [(r.clause, r.status.value, r.expected, r.actual, r.severity.value) for r in c.results]
        for c in report.centers
    }


def centers_from(batch: list[dict[str, Any]]) -> list[CenterDoc]:
    """Through the real loader: JSON is YAML. One center uses ``center:``, several ``centers:``."""
    document = {"center": batch[0]} if len(batch) == 1 else {"centers": batch}
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return parse_centers(load_document(text, "gen.yaml"))


def run_engines(
    std: Standard, docs: list[CenterDoc], as_of: dt.date, durable_jobs: int = 0
) -> dict[str, dict[str, list[Finding]]]:
    """Both engines; durable_rules in this process unless ``durable_jobs`` asks for worker processes."""
    return {
        name: findings(
            evaluate(
                std,
                rulebook(),
                docs,
                {},
                Options(as_of=as_of, jobs=durable_jobs if name == "durable" else 0, engine=name),
            )
        )
        for name in ENGINES
    }


def differences(
    std: Standard, doc: CenterDoc, as_of: dt.date, by_engine: dict[str, dict[str, list[Finding]]]
) -> list[tuple[str, str]]:
    """(clause, description) for every way an engine's findings for ``doc`` differ from the reference's."""
    expected = reference.evaluate(std, doc.data, as_of)
    out: list[tuple[str, str]] = []
    for name, found in by_engine.items():
        results = found[doc.id]
        clauses = [r[0] for r in results]
        if clauses != list(expected):
            out.append(("*", f"{name}: clauses {clauses}, reference {list(expected)}"))
            continue
        for clause, status, exp, actual, severity in results:
            want = expected[clause]
            if typed((status, exp, actual)) != typed(want):
                out.append((clause, f"{name} gives {(status, exp, actual)!r}, reference {want!r}"))
            if want[0] != "not_applicable":
                want_severity = reference.severity(std.id, clause, as_of)
                if severity != want_severity:
                    out.append((clause, f"{name} severity {severity}, reference {want_severity}"))
    return out


def _paths(data: dict[str, Any]) -> list[tuple[str | int, ...]]:
    """Every removable part of a center, coarse first: optional top-level keys, list items, item fields."""
    top = [(k,) for k in data if k not in REQUIRED]
    items: list[tuple[str | int, ...]] = []
    fields: list[tuple[str | int, ...]] = []
    for key, value in data.items():
        if isinstance(value, list):
            items += [(key, i) for i in range(len(value))]
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    fields += [(key, i, f) for f in item if f != "id"]
        elif isinstance(value, dict):
            for sub, inner in value.items():
                fields.append((key, sub))
                if isinstance(inner, list):
                    items += [(key, sub, i) for i in range(len(inner))]
    return top + items + fields


def _without(data: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node: Any = out
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return out


def minimal_center(
    std: Standard, data: dict[str, Any], as_of: dt.date, clause: str, durable_jobs: int = 0
) -> dict[str, Any]:
    """``data`` with every field and item removed that is not needed to keep ``clause`` differing."""

    def still_differs(candidate: dict[str, Any]) -> bool:
        try:
            docs = centers_from([candidate])
        except InputError:
            return False
        found = run_engines(std, docs, as_of, durable_jobs)
        return any(c in (clause, "*") for c, _ in differences(std, docs[0], as_of, found))

    current = copy.deepcopy(data)
    shrinking = True
    while shrinking:
        shrinking = False
        for path in _paths(current):
            candidate = _without(current, path)
            if still_differs(candidate):
                current, shrinking = candidate, True
                break
    return current


def assert_engines_match_reference(std: Standard, docs: list[CenterDoc], as_of: dt.date, durable_jobs: int = 0) -> None:
    by_engine = run_engines(std, docs, as_of, durable_jobs)
    problems: list[str] = []
    first_of_clause: dict[str, CenterDoc] = {}
    for doc in docs:
        for clause, text in differences(std, doc, as_of, by_engine):
            problems.append(f"{doc.id} {clause}: {text}")
            first_of_clause.setdefault(clause, doc)
        CHECKED["centers"] += 1
        CHECKED["results"] += len(by_engine["durable"][doc.id])
        CHECKED["distinct"].add(json.dumps({**doc.data, "id": ""}, sort_keys=True, ensure_ascii=False))
    if problems:
        minimal = [
            f"{clause}: {json.dumps(minimal_center(std, doc.data, as_of, clause, durable_jobs), ensure_ascii=False)}"
            for clause, doc in list(first_of_clause.items())[:5]
        ]
        raise AssertionError(
            f"standard {std.id}, as of {as_of}: {len(problems)} difference(s)\n"
            + "\n".join(problems[:30])
            + "\nsmallest centers still showing each differing clause:\n"
            + "\n".join(minimal)
        )


@DIFFERENTIAL
@given(cases=center_cases())
def test_generated_centers_get_the_same_findings_from_all_three(cases: list[Case]) -> None:
    """A batch is read once, then evaluated under every bundled standard on each center's own dates."""
    docs = centers_from([center for center, _ in cases])
    for standard_id in STANDARDS:
        by_date: dict[dt.date, list[CenterDoc]] = defaultdict(list)
        for doc, (_, dates) in zip(docs, cases, strict=True):
            for as_of in dates[standard_id]:
                by_date[as_of].append(doc)
        for as_of, group in sorted(by_date.items()):
            assert_engines_match_reference(standard(standard_id), group, as_of)


@pytest.mark.parametrize("as_of", [dt.date(2016, 6, 30), dt.date(2019, 1, 1)], ids=str)
@pytest.mark.parametrize("standard_id", STANDARDS)
def test_bundled_examples_get_the_same_findings_from_all_three(standard_id: str, as_of: dt.date) -> None:
    docs = load_centers([str(EXAMPLES)])
    assert len(docs) == 51
    assert_engines_match_reference(standard(standard_id), docs, as_of)


@pytest.mark.parametrize("area", [1e-05, 1.5e-07, 1e-300], ids=repr)
def test_areas_written_with_an_exponent_get_the_same_findings_from_all_three(area: float) -> None:
    """Valid areas that JSON writes in exponent notation (1e-05). durable_rules runs in a worker
    process here: should it crash on one, the center gets ``error`` and the test fails, instead of
    the crash taking the test session with it (which is why the generated centers avoid them)."""
    center = {"id": "c1", "name": "中心", "tier": "township", "region_code": "130105001", "hall": {"area_m2": area}}
    docs = centers_from([center])
    assert_engines_match_reference(standard("sjz-proposed"), docs, dt.date(2019, 1, 1), durable_jobs=1)


@pytest.mark.parametrize(
    ("as_of", "severity"),
    [("2017-01-01", "warning"), ("2018-12-31", "warning"), ("2019-01-01", "error"), ("2026-11-25", "error")],
)
def test_hall_area_shortfall_is_a_warning_through_2018_and_an_error_from_2019(as_of: str, severity: str) -> None:
    docs = centers_from(
        [{"id": "c1", "name": "中心", "tier": "county", "region_code": "130105", "hall": {"area_m2": 2999.5}}]
    )
    for engine in ENGINES:
        options = Options(as_of=dt.date.fromisoformat(as_of), jobs=0, engine=engine)
        report = evaluate(standard("sjz-proposed"), rulebook(), docs, {}, options)
        (hal,) = [r for r in report.centers[0].results if r.clause == "P-HAL-01"]
        assert (hal.status.value, hal.severity.value, hal.expected, hal.actual) == ("fail", severity, 3000, 2999.5)


@pytest.mark.parametrize("standard_id", STANDARDS)
def test_bundled_standards_hold_the_norms_tables(standard_id: str) -> None:
    """The reference transcribes norms.md; the YAML must say the same (else every difference is data)."""
    std = standard(standard_id)
    table = reference.clause_table(standard_id)
    assert [c.id for c in std.clauses] == list(table)
    for clause in std.clauses:
        tiers, strength, since = table[clause.id]
        assert (clause.id, clause.tiers, clause.strength, clause.in_force_from) == (clause.id, tiers, strength, since)
    regs = std.registries
    if reference.has_registry(standard_id):
        departments = {k: (v["zh"], tuple(v.get("aliases") or ())) for k, v in regs.departments.items()}
        assert departments == reference.DEPARTMENTS
    else:
        assert regs.departments == {}
    if reference.has_catalogue(standard_id):
        matters = {k: (v["zh"], v["department"], v["type"], tuple(v["tiers"])) for k, v in regs.matters.items()}
        assert matters == reference.CATALOGUE
        assert list(regs.matters) == list(reference.CATALOGUE)
    else:
        assert regs.matters == {}
