"""``hallmark standards handbook ID``: the standard as a readable Chinese document."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest

from engine.coverage import read_features
from engine.handbook import center_fields, handbook, render, value_names, value_zh
from engine.rulebook import load_rulebook
from engine.standard import load_standard
from hallmark.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def markdown() -> str:
    return handbook("sjz-proposed", "markdown")


def test_clauses_in_the_standards_order_inherited_first(markdown: str) -> None:
    std = load_standard("sjz-proposed")
    found = re.findall(r"(?m)^### ([NCP]-[A-Z]{3}-\d{2}) ", markdown)
    assert found == [c.id for c in std.clauses]
    assert "## 事项进驻（继承自 cn-2011-22）" in markdown
    assert markdown.startswith("# 《关于加快全市政务服务中心规范化建设的思考和建议》")


def test_sources_are_quoted_with_their_document(markdown: str) -> None:
    section = markdown.split("### P-ORG-02 ")[1].split("\n### ")[0]
    assert "> 市级配备正处级,县级配备正科级" in section
    assert "> —— 中办发〔2011〕22号 一、(二)" in section
    assert "市级、县级" in section and "应（必须，error）" in section and "自 2017-01-01 起" in section
    assert "机构规格（organization.rank）应等于参数 rank" in section


def test_parameters_by_date_and_tier_with_references(markdown: str) -> None:
    hall = markdown.split("### P-HAL-01 ")[1].split("\n### ")[0]
    assert "| min_area_m2 | 县级 | 2017-01-01 | 3000 m² |" in hall
    assert "| severity | 全部层级 | 2017-01-01 | 警告（warning） |" in hall
    assert "| severity | 全部层级 | 2019-01-01 | 错误（error） |" in hall
    rank = markdown.split("### P-ORG-02 ")[1].split("\n### ")[0]
    assert "| rank | 县级 | 2017-01-01 | 正科级（full_section） |" in rank
    dep = markdown.split("### P-DEP-01 ")[1].split("\n### ")[0]
    assert (
        "（16 个）" in dep
        and "（18 个）" in dep
        and "| mandatory_departments | 村（社区） | 2017-01-01 | （无） |" in dep
    )
    mat = markdown.split("### P-MAT-01 ")[1].split("\n### ")[0]
    assert "| 取水许可 | water_intake_permit | 水务局 | 行政许可 | 市级、县级 |" in mat


def test_scenarios_are_the_worked_examples(markdown: str) -> None:
    rank = markdown.split("### P-ORG-02 ")[1].split("\n### ")[0]
    assert "#### 示例" in rank
    assert "场景：P-ORG-02 县级中心为副科级时不通过（features/org.feature:" in rank
    assert "假如 一个县级政务服务中心的机构规格为副科级" in rank
    assert "那么 条款 P-ORG-02 不通过，并提示应为正科级" in rank
    assert "| 县级 | 副科级 | 不通过 |" in rank  # the 场景大纲's 例子


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    out = tmp_path / "sjz-current.html"
    assert main(["standards", "handbook", "sjz-current", "--format", "html", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in text
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert "<h3>C-ORG-01 县级中心规格不高于副科级</h3>" in text
    assert "&lt;规格&gt;" in text  # outline placeholders are escaped, not tags

    class Tags(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in ("meta", "br"):
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.stack.pop() == tag

    parser = Tags()
    parser.feed(text)
    assert parser.stack == []


def test_render_is_pure_and_works_without_features() -> None:
    std = load_standard("cn-2011-22")
    text = render(std, load_rulebook(), [], "markdown")
    assert text.count("（尚无场景。）") == len(std.clauses)
    _, scenarios = read_features(ROOT / "features")
    assert render(std, load_rulebook(), scenarios) == render(std, load_rulebook(), scenarios)


def test_command_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standards", "handbook", "cn-2011-22"]) == 0
    assert capsys.readouterr().out.startswith("# 《关于深化政务公开加强政务服务的意见》")
    assert main(["standards", "handbook"]) == 2
    assert main(["standards", "handbook", "cn-2011-22", "--format", "pdf"]) == 2
    assert main(["standards", "handbook", "no-such"]) == 2


def test_glossary_comes_from_the_center_schema() -> None:
    fields = center_fields()
    assert fields["organization.rank"].values["full_section"] == "正科级"
    assert fields["departments.window_authorization"].values["partial"] == "部分授权"
    assert value_names("organization.staffing")["事业编制"] == "career"
    assert value_names("organization.functions")["指导下级"] == "guidance"
    assert value_zh(["monthly", "quarterly"], "performance.report_frequency") == "每月、每季度"
    assert value_zh(True) == "是"
