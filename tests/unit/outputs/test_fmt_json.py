"""``--format json``: the ``hallmark/v1`` report of interfaces.md, also the API's body."""

from __future__ import annotations

import json

from outputs_fixture import golden

from engine import outputs
from engine.report import Report

RESULT_KEYS = {
    "clause", "status", "severity", "title", "expected", "actual",
    "message", "remediation", "source", "location", "waiver", "gap", "next_severity",
}  # fmt: skip


def test_matches_golden(report: Report) -> None:
    out = outputs.get("json").render(report)
    assert out == golden("json", out)


def test_parses_back_to_the_model(report: Report) -> None:
    data = json.loads(outputs.get("json").render(report))
    assert data == json.loads(json.dumps(report.to_json()))
    assert data["report"] == "hallmark/v1"
    (center,) = data["centers"]
    assert center["summary"] == {
        "pass": 1, "fail": 1, "not_applicable": 1, "not_declared": 1, "waived": 1, "error": 1, "compliant": False,
    }  # fmt: skip
    for r in center["results"]:
        assert set(r) >= RESULT_KEYS
    hall = next(r for r in center["results"] if r["clause"] == "P-HAL-01")
    assert hall["gap"]["zh"] == "大厅面积 2,400 m² → 至少 3,000 m²：+600 m²"
    assert hall["next_severity"] == {"date": "2019-01-01", "severity": "error"}
