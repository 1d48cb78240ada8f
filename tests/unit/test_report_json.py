"""The JSON report (``--format json``) is the ``hallmark/v1`` contract of interfaces.md.

Checked on the bundled Shijiazhuang centers, exactly as a user runs it:
``hallmark check examples/shijiazhuang --standard sjz-proposed --as-of 2019-01-01 --format json``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hallmark
from engine.standard import load_standard

ROOT = Path(__file__).resolve().parents[2]
HALLMARK = Path(sys.executable).with_name("hallmark")
COMMAND = ["check", "examples/shijiazhuang", "--standard", "sjz-proposed", "--as-of", "2019-01-01", "--format", "json"]

STATUSES = ("pass", "fail", "not_applicable", "not_declared", "waived", "error")
SEVERITIES = ("error", "warning", "info")
SJZ_PROPOSED_CLAUSES = {
    "N-MAT-01", "N-MAT-02", "N-DEP-01", "N-DEP-02", "N-SUP-01", "N-TIM-01",
    "P-ORG-01", "P-ORG-02", "P-ORG-03", "P-FUN-01", "P-HAL-01", "P-HAL-02", "P-DEP-01", "P-MAT-01",
    "P-NET-01", "P-NET-02", "P-NET-03", "P-NET-04", "P-PER-01", "P-PER-02",
}  # fmt: skip
RESULT_KEYS = {
    "clause", "status", "severity", "title", "expected", "actual",
    "message", "remediation", "source", "location", "waiver",
}  # fmt: skip
GENERATED_AT = re.compile(rb'"generated_at":\s*"[^"]*"')


def run_check() -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(HALLMARK), *COMMAND], cwd=ROOT, capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def runs() -> tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]]:
    return run_check(), run_check()


@pytest.fixture(scope="module")
def report(runs: tuple[subprocess.CompletedProcess[bytes], ...]) -> dict[str, Any]:
    first = runs[0]
    assert b"Traceback" not in first.stderr, first.stderr.decode()
    assert first.returncode == 1, "the bundled centers include failing ones: exit code 1"
    data: dict[str, Any] = json.loads(first.stdout)
    return data


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_top_level_keys_and_receipts(report: dict[str, Any]) -> None:
    assert {"report", "generated_at", "as_of", "standard", "engine", "centers"} <= set(report)
    assert report["report"] == "hallmark/v1"
    assert report["as_of"] == "2019-01-01"
    generated = dt.datetime.fromisoformat(report["generated_at"])
    assert generated.tzinfo is not None, "generated_at carries its UTC offset"


def test_standard_receipt_names_the_exact_file(report: dict[str, Any]) -> None:
    std = report["standard"]
    assert std["id"] == "sjz-proposed"
    assert std["version"] == load_standard("sjz-proposed").version == "1.0.0"
    assert std["sha256"] == sha256_file(ROOT / "standards" / "sjz-proposed.yaml")
    assert std["extends"] == ["cn-2011-22"]


def test_standard_receipt_lists_every_file_of_the_chain_the_same_way(report: dict[str, Any]) -> None:
    """``standard.files`` (an added field) names the standard and the one it extends alike — as the
    bundled ``standards/<id>.yaml`` — so the receipt does not depend on where hallmark is installed."""
    files = report["standard"].get("files")
    if files is None:
        pytest.skip("the report has no standard.files")
    assert [f["id"] for f in files] == ["sjz-proposed", "cn-2011-22"]
    for f in files:
        assert f["file"] == f"standards/{f['id']}.yaml", f
        assert f["sha256"] == sha256_file(ROOT / f["file"]), f


def test_engine_receipt(report: dict[str, Any]) -> None:
    engine = report["engine"]
    assert engine["name"] == "hallmark"
    assert engine["version"] == hallmark.__version__
    assert engine["rules_engine"] == "durable_rules 2.0.28"


def test_every_center_file_is_reported_with_its_sha256(report: dict[str, Any]) -> None:
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples" / "shijiazhuang").rglob("*.yaml"))
    reported = sorted(c["source"]["file"] for c in report["centers"])
    assert reported == files
    for c in report["centers"]:
        assert set(c) >= {"id", "name", "tier", "source", "summary", "results"}
        assert c["tier"] in ("city", "county", "township", "village")
        assert c["source"]["sha256"] == sha256_file(ROOT / c["source"]["file"]), c["id"]


def test_centers_are_ordered_by_id(report: dict[str, Any]) -> None:
    ids = [c["id"] for c in report["centers"]]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) == 51


def test_every_clause_of_the_standard_appears_exactly_once_per_center(report: dict[str, Any]) -> None:
    standard_clauses = [c.id for c in load_standard("sjz-proposed").clauses]
    assert set(standard_clauses) == SJZ_PROPOSED_CLAUSES and len(standard_clauses) == 20
    for c in report["centers"]:
        clauses = [r["clause"] for r in c["results"]]
        assert sorted(clauses) == sorted(SJZ_PROPOSED_CLAUSES), c["id"]


def test_every_result_has_the_fields_of_the_contract(report: dict[str, Any]) -> None:
    for c in report["centers"]:
        for r in c["results"]:
            where = f"{c['id']} {r['clause']}"
            assert set(r) >= RESULT_KEYS, where
            assert r["status"] in STATUSES, where
            assert r["severity"] in SEVERITIES, where
            assert set(r["title"]) >= {"zh", "en"} and r["title"]["zh"] and r["title"]["en"], where
            assert set(r["message"]) >= {"zh", "en"} and r["message"]["zh"] and r["message"]["en"], where
            if r["status"] in ("fail", "not_declared"):
                assert set(r["remediation"]) >= {"zh", "en"}, where
            else:
                assert r["remediation"] is None or set(r["remediation"]) >= {"zh", "en"}, where
            assert set(r["source"]) >= {"document", "section", "quote"}, where
            assert r["source"]["document"] and r["source"]["quote"], where
            loc = r["location"]
            assert set(loc) >= {"file", "line", "column"}, where
            assert loc["file"] == c["source"]["file"], where
            assert isinstance(loc["line"], int) and loc["line"] >= 1, where
            assert isinstance(loc["column"], int) and loc["column"] >= 1, where
            assert r["waiver"] is None, where


def test_summary_counts_equal_the_results(report: dict[str, Any]) -> None:
    for c in report["centers"]:
        summary = c["summary"]
        assert set(summary) == {*STATUSES, "compliant"}, c["id"]
        for status in STATUSES:
            assert summary[status] == sum(r["status"] == status for r in c["results"]), (c["id"], status)
        blocking = [r for r in c["results"] if r["status"] in ("fail", "error") and r["severity"] == "error"]
        assert summary["compliant"] is (not blocking), c["id"]


def test_the_model_centers_are_compliant_and_the_paper_districts_are_not(report: dict[str, Any]) -> None:
    compliant = {c["id"]: c["summary"]["compliant"] for c in report["centers"]}
    for model in ("130123-county", "130181-county", "130123100-township", "130181100-township"):
        assert compliant[model] is True, model
    for district in ("130102-county", "130104-county", "130105-county", "130108-county"):
        assert compliant[district] is False, district


def test_no_clause_ends_in_error_on_the_bundled_centers(report: dict[str, Any]) -> None:
    errors = [(c["id"], r["clause"]) for c in report["centers"] for r in c["results"] if r["status"] == "error"]
    assert not errors


def test_the_same_input_gives_the_same_bytes_except_generated_at(
    runs: tuple[subprocess.CompletedProcess[bytes], subprocess.CompletedProcess[bytes]],
) -> None:
    first, second = (GENERATED_AT.sub(b'"generated_at": ""', r.stdout) for r in runs)
    assert len(GENERATED_AT.findall(runs[0].stdout)) == 1
    assert first == second
