"""``--format markdown``: a 整改通知 per center — what fails, why, the regulation, what to change, by when."""

from __future__ import annotations

import re

import pytest
from outputs_fixture import golden

from engine import outputs
from engine.outputs.fmt_markdown import md
from engine.report import Report

# clause → its deadline line (整改期限)
DEADLINES = {
    "N-TIM-01": "—（评估出错，不作整改要求；请将本报告转交 hallmark 维护者）",
    "P-HAL-01": "2018-12-31 前完成（过渡期内按 warning 报告；自 2019-01-01 起按 error 处理）",
    "P-FUN-01": "下次申报时补充（基准日 2017-06-01）",
    "P-DEP-01": "豁免有效期至 2018-12-31，到期前完成整改",
}


def findings(text: str) -> dict[str, str]:
    """Each finding's block, by clause id, in document order."""
    parts = re.split(r"^### \d+\. ", text, flags=re.M)[1:]
    return {p.split(" ", 1)[0]: p.split("\n#", 1)[0] for p in parts}


def test_matches_golden(report: Report) -> None:
    out = outputs.get("markdown").render(report)
    assert out == golden("md", out)


def test_findings_in_order_errors_fails_undeclared_waived(report: Report) -> None:
    text = outputs.get("markdown").render(report)
    assert text.startswith("# 整改通知 — 标准 sjz-proposed 1.0.0\n")
    assert "## 石家庄市新华区政务服务中心（`130105-county`，县级）" in text
    assert "**结论：不合规**" in text
    assert list(findings(text)) == ["N-TIM-01", "P-HAL-01", "P-FUN-01", "P-DEP-01"]


@pytest.mark.parametrize(("clause", "deadline"), DEADLINES.items())
def test_each_finding_says_what_why_source_change_and_when(report: Report, clause: str, deadline: str) -> None:
    block = findings(outputs.get("markdown").render(report))[clause]
    for label in ("- **问题**：", "- **依据**：", "  > ", "- **整改期限**："):
        assert label in block
    assert f"- **整改期限**：{deadline}\n" in block


def test_gap_quote_and_escaping(report: Report) -> None:
    blocks = findings(outputs.get("markdown").render(report))
    assert "- **差距**：大厅面积 2,400 m² → 至少 3,000 m²：+600 m²" in blocks["P-HAL-01"]
    assert "  > 从机构设置、职能定位、大厅面积、入住部门及事项等统一明确" in blocks["P-HAL-01"]
    assert "- **位置**：`centers/xinhua.yaml:19:14`" in blocks["P-HAL-01"]
    assert "- **差距**：缺少入驻部门（2）：环境保护局、水务局" in blocks["P-DEP-01"]
    assert r"新址大厅 \<2018\> & 扩建" in blocks["P-DEP-01"] and "<2018>" not in blocks["P-DEP-01"]


def test_passes_and_not_applicable_close_the_notice(report: Report) -> None:
    text = outputs.get("markdown").render(report)
    assert "| P-ORG-02 | 机构规格市级正处、县级正科 | 通过 |" in text
    assert "| P-ORG-03 | 乡镇便民服务中心设立并核定编制 | 不适用 |" in text


def test_a_fail_without_transition_is_due_at_once(report: Report) -> None:
    report.centers[0].results[3].next_severity = None
    block = findings(outputs.get("markdown").render(report))["P-HAL-01"]
    assert "- **整改期限**：立即整改（基准日 2017-06-01 已适用）" in block


@pytest.mark.parametrize(("raw", "escaped"), [("a*b_c", r"a\*b\_c"), ("x | y", r"x \| y"), ("多\n行", "多 行")])
def test_md_escape(raw: str, escaped: str) -> None:
    assert md(raw) == escaped
