"""``--format csv``: one row per (center, clause), utf-8-sig, CRLF, formulas defused."""

from __future__ import annotations

import csv
import io
import json

import pytest
from outputs_fixture import golden

from engine import outputs
from engine.outputs.fmt_csv import COLUMNS, cell
from engine.report import Report


def test_matches_golden(report: Report) -> None:
    out = outputs.get("csv").render(report)
    assert out == golden("csv", out)


def test_parses_back(report: Report) -> None:
    raw = outputs.get("csv").render(report).encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf"), "utf-8-sig: Excel needs the BOM to show Chinese"
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["clause"], r["status"]) for r in rows] == [
        ("P-ORG-02", "pass"),
        ("P-ORG-03", "not_applicable"),
        ("P-FUN-01", "not_declared"),
        ("P-HAL-01", "fail"),
        ("P-DEP-01", "waived"),
        ("N-TIM-01", "error"),
    ]
    hall = rows[3]
    assert (hall["expected"], hall["actual"], hall["line"], hall["column"]) == ("3000", "2400", "19", "14")
    assert hall["gap"] == "大厅面积 2,400 m² → 至少 3,000 m²：+600 m²"
    assert hall["next_severity_date"] == "2019-01-01"
    dep = rows[4]
    assert json.loads(dep["actual"]) == ["environmental_protection", "water"]
    assert (dep["waiver_expires"], dep["waiver_justification"]) == ("2018-12-31", "新址大厅 <2018> & 扩建")
    assert {r["center_name"] for r in rows} == {"石家庄市新华区政务服务中心"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (True, "true"),
        (3000, 3000),
        (2.5, "2.5"),
        ("正常", "正常"),
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        (["a", "b"], '["a", "b"]'),
    ],
)
def test_cell(value: object, expected: object) -> None:
    assert cell(value) == expected
