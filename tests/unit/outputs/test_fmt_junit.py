"""``--format junit``: validated against the JUnit XSDs CI servers use (tests/schemas/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from outputs_fixture import golden

from engine import outputs
from engine.report import Report

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
XSDS = ("jenkins-junit-10.xsd", "windyroad-junit.xsd")

# status → (child element of <testcase> or None, its attributes as expected)
TABLE = {
    "P-ORG-02": (None, {}),
    "P-HAL-01": ("failure", {"type": "warning", "message": "大厅面积 2400 m²，低于本层级下限 3000 m²"}),
    "N-TIM-01": ("error", {"type": "evaluation_error", "message": "规则引擎未给出确定结论：timeout"}),
    "P-ORG-03": ("skipped", {"message": "not applicable: 本条款适用于 township 层级"}),
    "P-FUN-01": ("skipped", {"message": "not declared: 未申报 organization.functions"}),
    "P-DEP-01": ("skipped", {"message": "waived until 2018-12-31: 新址大厅 <2018> & 扩建 (approved by 市编办)"}),
}


@pytest.fixture
def xml(report: Report) -> etree._Element:
    return etree.fromstring(outputs.get("junit").render(report).encode("utf-8"))


def test_matches_golden(report: Report) -> None:
    out = outputs.get("junit").render(report)
    assert out == golden("xml", out)


@pytest.mark.parametrize("xsd", XSDS)
def test_valid_against_ci_schema(xml: etree._Element, xsd: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / xsd)))
    assert schema.validate(xml), schema.error_log


def test_one_suite_per_center_with_counts(xml: etree._Element) -> None:
    (suite,) = xml.findall("testsuite")
    assert suite.get("name") == "130105-county"
    counts = [suite.get(k) for k in ("tests", "failures", "errors", "skipped")]
    assert counts == ["6", "1", "1", "3"]
    assert suite.get("timestamp") == "2026-11-25T10:00:00"
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["center.name"] == "石家庄市新华区政务服务中心" and props["compliant"] == "false"


@pytest.mark.parametrize(("clause", "expected"), TABLE.items())
def test_one_testcase_per_clause(xml: etree._Element, clause: str, expected: tuple[str | None, dict[str, str]]) -> None:
    tag, attrs = expected
    (case,) = [c for c in xml.iter("testcase") if c.get("name").startswith(clause + " ")]
    assert case.get("classname") == "130105-county"
    children = list(case)
    if tag is None:
        assert children == []
        return
    (child,) = children
    assert child.tag == tag
    assert {k: child.get(k) for k in attrs} == attrs


def test_failure_carries_source_location_and_gap(xml: etree._Element) -> None:
    failure = next(xml.iter("failure"))
    text = failure.text or ""
    assert "差距：大厅面积 2,400 m² → 至少 3,000 m²：+600 m²" in text
    assert "依据：《关于加快全市政务服务中心规范化建设的思考和建议》 二、(一)：“从机构设置" in text
    assert "位置：centers/xinhua.yaml:19:14" in text
    assert "严重程度：warning（自 2019-01-01 起为 error）" in text


def test_control_characters_do_not_break_the_xml(report: Report) -> None:
    report.centers[0].results[0].message = report.centers[0].results[0].message.__class__("a\x00b\x1bc", "x")
    etree.fromstring(outputs.get("junit").render(report).encode("utf-8"))
