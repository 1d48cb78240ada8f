"""``--format sarif``: SARIF 2.1.0, validated against the official schema (tests/schemas/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from outputs_fixture import golden

from engine import outputs
from engine.outputs.fmt_sarif import file_uri
from engine.report import Report

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "sarif-schema-2.1.0.json"

# clause (one per status) → (kind, level)
TABLE = {
    "P-ORG-02": ("pass", "none"),
    "P-HAL-01": ("fail", "warning"),
    "P-ORG-03": ("notApplicable", "none"),
    "P-FUN-01": ("open", "none"),
    "P-DEP-01": ("fail", "error"),  # waived: a suppressed fail
    "N-TIM-01": ("review", "none"),
}


@pytest.fixture
def log(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(outputs.get("sarif").render(report))
    return data


def test_matches_golden(report: Report) -> None:
    out = outputs.get("sarif").render(report)
    assert out == golden("sarif", out)


def test_valid_against_the_official_schema(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(log)]
    assert errors == []


def test_one_rule_per_clause_with_source(log: dict[str, Any]) -> None:
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "hallmark" and driver["version"] == "0.1.0" and driver["informationUri"]
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == ["P-ORG-02", "P-ORG-03", "P-FUN-01", "P-HAL-01", "P-DEP-01", "N-TIM-01"]
    hall = rules["P-HAL-01"]
    assert hall["shortDescription"]["text"] == "大厅面积达到本层级下限"
    assert hall["fullDescription"]["text"] == "政务服务大厅面积应不低于本层级下限。"
    assert "从机构设置、职能定位、大厅面积" in hall["help"]["text"]
    assert hall["properties"]["strength"] == "应"
    assert hall["properties"]["tiers"] == ["city", "county", "township", "village"]
    assert hall["properties"]["source"]["document"] == "《关于加快全市政务服务中心规范化建设的思考和建议》"


@pytest.mark.parametrize(("clause", "expected"), TABLE.items())
def test_kind_and_level(log: dict[str, Any], clause: str, expected: tuple[str, str]) -> None:
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == clause]
    assert (result["kind"], result["level"]) == expected
    assert result["properties"]["center"] == "130105-county"
    assert ("suppressions" in result) == (clause == "P-DEP-01")


def test_physical_location_and_suppression(log: dict[str, Any]) -> None:
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    loc = results["P-HAL-01"]["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "centers/xinhua.yaml"}, "region": {"startLine": 19, "startColumn": 14}}
    (sup,) = results["P-DEP-01"]["suppressions"]
    assert sup["kind"] == "external" and sup["justification"].startswith("新址大厅 <2018> & 扩建（批准：市编办")
    assert results["P-HAL-01"]["properties"]["gap"] == "大厅面积 2,400 m² → 至少 3,000 m²：+600 m²"
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error" and log["runs"][0]["invocations"][0]["executionSuccessful"] is False


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("centers/xinhua.yaml", "centers/xinhua.yaml"),
        ("/srv/centers/a b.yaml", "file:///srv/centers/a%20b.yaml"),
        ("centers\\win.yaml", "centers/win.yaml"),
        ("中心/新华.yaml", "%E4%B8%AD%E5%BF%83/%E6%96%B0%E5%8D%8E.yaml"),
    ],
)
def test_file_uri(path: str, uri: str) -> None:
    assert file_uri(path) == uri
