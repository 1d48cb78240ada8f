"""``--format text``: grouped by center, fails first, counts, colour only when asked (a terminal)."""

from __future__ import annotations

import re

from outputs_fixture import golden

from engine import outputs
from engine.outputs.fmt_text import TextOutput
from engine.report import Report


def test_matches_golden(report: Report) -> None:
    out = outputs.get("text").render(report)
    assert out == golden("txt", out)


def test_parses_back_fails_first_with_counts_and_gap(report: Report) -> None:
    lines = TextOutput(verbose=True).render(report).splitlines()
    assert lines[0].startswith("hallmark — 标准 sjz-proposed 1.0.0，基准日 2017-06-01，中心 1 个")
    head = next(line for line in lines if line.startswith("石家庄市新华区政务服务中心"))
    assert "不合规" in head
    for word in ("通过 1", "不通过 1", "不适用 1", "未申报 1", "已豁免 1", "评估出错 1"):
        assert word in head
    clauses = [m.group(1) for line in lines if (m := re.match(r"\s+\S+\s+([NCP]-[A-Z]{3}-\d\d)\b", line))]
    assert clauses == ["N-TIM-01", "P-HAL-01", "P-FUN-01", "P-DEP-01", "P-ORG-02", "P-ORG-03"]
    assert "         → 大厅面积 2,400 m² → 至少 3,000 m²：+600 m²" in lines
    assert lines[-1] == "合规 0/1；“应”条款不通过 0 项"


def test_colour_only_when_asked(report: Report) -> None:
    assert "\x1b[" not in TextOutput().render(report)
    assert "\x1b[31m" in TextOutput(colour=True).render(report)


def test_english(report: Report) -> None:
    out = TextOutput(lang="en").render(report)
    assert "NOT compliant" in out and "fail 1" in out and "hall area 2,400 m² → at least 3,000 m²: +600 m²" in out
