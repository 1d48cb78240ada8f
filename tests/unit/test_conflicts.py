"""``hallmark standards conflicts`` and lint's ``loosens_parent`` / ``conflicts_parent``.

The headline case (issue 5): the city's current rule (county centers no higher than
副科级, 事业单位 with 事业编制) cannot be met together with 中办发〔2011〕22号 as the source
paper reads it (正科级 行政机构) — encoded as sjz-proposed P-ORG-01/P-ORG-02, whose
source.document is 中办发〔2011〕22号.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from engine.conflicts import Domain, conflicts, find_conflicts, loosening_problems, render_text
from engine.lint import lint_files
from engine.rulebook import Rulebook, RuleSpec, load_rulebook
from engine.standard import RANKS, load_standard
from hallmark.cli import main

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- domains


def test_domains_intersect_and_compare() -> None:
    at_most = Domain.of(RANKS[: RANKS.index("deputy_section") + 1])
    exactly = Domain.of(["full_section"])
    assert at_most.intersect(exactly).is_empty()
    assert not at_most.intersect(Domain.of(["unit"])).is_empty()
    assert Domain("range", lo=3000).intersect(Domain("range", lo=2000)) == Domain("range", lo=3000)
    assert Domain("range", lo=3000).subset_of(Domain("range", lo=2000))
    assert not Domain("range", lo=2000).subset_of(Domain("range", lo=3000))
    assert Domain("range", lo=10, hi=10).intersect(Domain("range", lo=11)).is_empty()
    assert Domain.of(["monthly"]).subset_of(Domain.of(["monthly", "quarterly"]))
    assert not Domain.of(["monthly", "yearly"]).subset_of(Domain.of(["monthly", "quarterly"]))
    assert Domain.excluding(["none"], None).intersect(Domain.of(["none"])).is_empty()
    assert Domain.excluding(["none"], frozenset({"none", "integrated"})) == Domain.of(["integrated"])


# ---------------------------------------------------------------- the rank/nature conflict


@pytest.fixture(scope="module")
def current_vs_national():  # type: ignore[no-untyped-def]
    return conflicts("sjz-current", "cn-2011-22")


def test_current_rule_conflicts_with_22_as_cited_by_the_proposal(current_vs_national) -> None:  # type: ignore[no-untyped-def]
    found = {(c.tier, c.a.clause.id, c.b.clause.id): c for c in current_vs_national.conflicts}
    assert set(found) == {("county", "C-ORG-01", "P-ORG-02"), ("county", "C-ORG-02", "P-ORG-01")}
    rank = found[("county", "C-ORG-01", "P-ORG-02")]
    assert rank.hard and rank.fields == ["organization.rank"]
    assert rank.b.via == "sjz-proposed P-ORG-02" and rank.b.clause.source.document == "中办发〔2011〕22号"
    assert rank.since == dt.date(2017, 1, 1) and rank.until is None
    nature = found[("county", "C-ORG-02", "P-ORG-01")]
    assert nature.fields == ["organization.nature", "organization.staffing"]
    assert ("cn-2011-22", "sjz-proposed", "P-ORG-02") in current_vs_national.cited


def test_the_explanation_quotes_both_sources(current_vs_national) -> None:  # type: ignore[no-untyped-def]
    zh = render_text(current_vs_national)
    en = render_text(current_vs_national, lang="en")
    for text in (zh, en):
        assert "中办发〔2011〕22号 as cited by sjz-proposed P-ORG-02" in text
        assert "各县(市)区要设立政务服务中心,规格不高于副科级,核定事业编制" in text  # sjz-current's source
        assert "市级配备正处级,县级配备正科级" in text  # 22号 as the paper quotes it
        assert "在机构性质和人员编制上,定为行政机构" in text
    assert "副科级" in zh and "正科级（full_section）" in zh
    assert "同一中心无法同时满足两者" in zh
    assert "no center can satisfy both" in en
    data = json.loads(json.dumps(current_vs_national.to_json(), ensure_ascii=False))
    assert data["hard"] == 2
    assert data["conflicts"][0]["b"]["cited_by"] == {"standard": "sjz-proposed", "clause": "P-ORG-02"}


def test_the_current_rule_against_the_proposal_directly() -> None:
    report = conflicts("sjz-current", "sjz-proposed")
    assert {(c.a.clause.id, c.b.clause.id, c.b.via) for c in report.conflicts} == {
        ("C-ORG-01", "P-ORG-02", ""),
        ("C-ORG-02", "P-ORG-01", ""),
    }


def test_before_the_proposal_is_in_force_there_is_no_conflict() -> None:
    assert conflicts("sjz-current", "cn-2011-22", as_of=dt.date(2016, 12, 31)).conflicts == []
    assert len(conflicts("sjz-current", "cn-2011-22", as_of=dt.date(2017, 1, 1)).conflicts) == 2


def test_the_proposal_only_tightens_the_national_baseline() -> None:
    for report in (conflicts("sjz-proposed", "cn-2011-22"), conflicts("sjz-proposed", None)):
        assert report.b.id == "cn-2011-22"
        assert report.conflicts == []
        assert report.cited == []  # P-ORG-01/02 are sjz-proposed's own clauses: not added twice


def test_command_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["standards", "conflicts", "sjz-current", "cn-2011-22"]) == 1
    out = capsys.readouterr().out
    assert "C-ORG-01 ⟷ P-ORG-02" in out and "据 sjz-proposed P-ORG-02 所引" in out
    assert main(["standards", "conflicts", "sjz-proposed", "cn-2011-22"]) == 0
    assert main(["standards", "conflicts", "sjz-proposed"]) == 0
    assert main(["standards", "conflicts", "cn-2011-22"]) == 2  # extends nothing: two standards needed
    target = tmp_path / "c.json"
    assert (
        main(["standards", "conflicts", "sjz-current", "cn-2011-22", "--format", "json", "--output", str(target)]) == 1
    )
    assert json.loads(target.read_text(encoding="utf-8"))["hard"] == 2
    assert main(["standards", "conflicts", "sjz-current", "cn-2011-22", "--format", "html"]) == 2


# ---------------------------------------------------------------- list clauses: conditional and forced


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


HEAD = """\
    id: {id}
    version: 0.1.0
    title: {{zh: 草案, en: draft}}
    document: {{issuer: 某县, number: "", date: 2020-01-01, approximate: true, origin: seed}}
    in_force_from: 2020-01-01
    extends: {extends}
    sections:
"""


def _clause(cid: str, section: str, tiers: str, params: str) -> str:
    return f"""\
      {section}:
        title: {{zh: 节, en: section}}
        {cid}:
          title: {{zh: 条款, en: clause}}
          text: {{zh: 条文, en: text}}
          strength: 应
          tiers: {tiers}
          source: {{document: 某县文件, section: 一, quote: "原文", origin: seed}}
          message: {{zh: "{{actual}}", en: "{{actual}}"}}
          remediation: {{zh: 改, en: fix}}
          parameters:
{textwrap.indent(textwrap.dedent(params), " " * 12)}"""


def _rulebook(**extra: dict) -> Rulebook:  # type: ignore[type-arg]
    base = load_rulebook()
    rules = dict(base.rules)
    for cid, spec in extra.items():
        rules[cid.replace("_", "-")] = RuleSpec(cid.replace("_", "-"), spec, base.rules["P-HAL-01"].location)
    return Rulebook(rules, "test")


def test_item_requirements_conflict_when_a_forced_item_falls_under_both(tmp_path: Path) -> None:
    body = HEAD.format(id="odd", extends="null") + _clause(
        "C-DEP-09",
        "departments",
        "[county]",
        "authorization:\n  values: {2020-01-01: {value: partial, reference: r}}\n",
    )
    odd = load_standard(str(_write(tmp_path, "odd", body)))
    rules = _rulebook(
        C_DEP_09={
            "kind": "all_items_where",
            "list": "departments",
            "where": {"resident": True},
            "field": "window_authorization",
            "parameter": "authorization",
        }
    )
    # against the baseline: N-DEP-01 wants full; both hold only while no department is resident
    loose = find_conflicts(odd, load_standard("cn-2011-22"), rules)
    assert [(c.a.clause.id, c.b.clause.id, c.hard) for c in loose.conflicts] == [("C-DEP-09", "N-DEP-01", False)]
    assert "条件性冲突" in render_text(loose, rules)
    # against the proposal: P-DEP-01 makes 16 departments resident, so no county center can satisfy both
    hard = find_conflicts(odd, load_standard("sjz-proposed"), rules)
    (c,) = [c for c in hard.conflicts if c.b.clause.id == "N-DEP-01"]
    assert c.hard and c.forced_by and c.forced_by[0][0].clause.id == "P-DEP-01"
    assert "civil_affairs" in c.forced_by[0][1]


# ---------------------------------------------------------------- lint: a standard that extends may only tighten

DRAFT_HALL = """\
min_area_m2:
  unit: m2
  city: {{values: {{2020-01-01: {{value: 10000, reference: r}}}}}}
  county: {{values: {{2020-01-01: {{value: {county}, reference: r}}}}}}
  township: {{values: {{2020-01-01: {{value: 200, reference: r}}}}}}
  village: {{values: {{2020-01-01: {{value: 50, reference: r}}}}}}
"""


def _draft(tmp_path: Path, county_area: int, frequencies: str) -> Path:
    body = (
        HEAD.format(id="sjz-draft", extends="sjz-proposed")
        + _clause("P-HAL-01", "hall", "[city, county, township, village]", DRAFT_HALL.format(county=county_area))
        + "\n"
        + _clause(
            "P-PER-02",
            "performance",
            "[city, county]",
            f"frequencies:\n  values: {{2020-01-01: {{value: {frequencies}, reference: r}}}}\n",
        )
    )
    return _write(tmp_path, "sjz-draft", body)


def test_lowering_a_minimum_or_widening_an_enum_loosens_the_parent(tmp_path: Path) -> None:
    problems = lint_files([str(_draft(tmp_path, 2000, "[monthly, quarterly, yearly]"))])
    codes = sorted((p.code, p.message.en.split()[0]) for p in problems)
    assert codes == [("loosens_parent", "P-HAL-01"), ("loosens_parent", "P-PER-02")], [p.render() for p in problems]
    hall = next(p for p in problems if p.message.en.startswith("P-HAL-01"))
    assert "≥ 2000" in hall.message.en and "≥ 3000" in hall.message.en and "county" in hall.message.en
    assert hall.location.line > 0


def test_tightening_the_parent_is_fine(tmp_path: Path) -> None:
    assert lint_files([str(_draft(tmp_path, 4000, "[monthly]"))]) == []


def test_the_bundled_standards_do_not_loosen_what_they_extend() -> None:
    std = load_standard("sjz-proposed")
    assert loosening_problems(std, load_rulebook()) == []


def test_a_new_clause_that_contradicts_an_inherited_one_is_reported(tmp_path: Path) -> None:
    body = HEAD.format(id="sjz-odd", extends="sjz-proposed") + _clause(
        "P-ORG-09",
        "organization",
        "[county]",
        "max_rank:\n  county: {values: {2020-01-01: {value: deputy_section, reference: r}}}\n",
    )
    std = load_standard(str(_write(tmp_path, "sjz-odd", body)))
    rules = _rulebook(P_ORG_09={"kind": "rank_at_most", "field": "organization.rank", "parameter": "max_rank"})
    (problem,) = loosening_problems(std, rules)
    assert problem.code == "conflicts_parent"
    assert "P-ORG-02" in problem.message.en and "no center can satisfy both" in problem.message.en
