"""``--format xlsx``: the csv rows in a workbook; binary, deterministic bytes."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from outputs_fixture import golden

from engine import outputs
from engine.outputs.base import is_binary, render_bytes
from engine.outputs.fmt_csv import COLUMNS, rows
from engine.report import Report


def test_matches_golden(report: Report) -> None:
    out = render_bytes(outputs.get("xlsx"), report)
    assert out == golden("xlsx", out)


def test_is_binary_and_deterministic(report: Report) -> None:
    out = outputs.get("xlsx")
    assert is_binary(out)
    assert render_bytes(out, report) == render_bytes(out, report)
    with pytest.raises(TypeError):
        out.render(report)


def test_parses_back_to_the_csv_rows(report: Report) -> None:
    wb = load_workbook(io.BytesIO(render_bytes(outputs.get("xlsx"), report)))
    assert wb.sheetnames == ["结果", "概要"]
    got = [["" if v is None else v for v in row] for row in wb["结果"].iter_rows(values_only=True)]
    assert got[0] == list(COLUMNS)
    assert got[1:] == rows(report)
    summary = list(wb["概要"].iter_rows(values_only=True))
    assert summary[1][:4] == ("130105-county", "石家庄市新华区政务服务中心", "county", "false")
    assert summary[1][4:] == (1, 1, 1, 1, 1, 1)
