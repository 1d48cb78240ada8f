"""``hallmark standards coverage``: every clause of every bundled standard has a passing and a
failing scenario in features/; deleting one (on a copy, ``--features DIR``) makes it exit 1."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from engine.coverage import check_coverage, read_feature, read_features
from engine.errors import InputError
from engine.report import Status
from engine.standard import bundled_ids, load_standard
from hallmark.cli import main

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "features"
AREAS = ("org", "fun", "hal", "dep", "mat", "net", "sup", "per", "tim")
NORMS_CLAUSES = {
    "N-MAT-01", "N-MAT-02", "N-DEP-01", "N-DEP-02", "N-SUP-01", "N-TIM-01",
    "C-ORG-01", "C-ORG-02",
    "P-ORG-01", "P-ORG-02", "P-ORG-03", "P-FUN-01", "P-HAL-01", "P-HAL-02", "P-DEP-01", "P-MAT-01",
    "P-NET-01", "P-NET-02", "P-NET-03", "P-NET-04", "P-PER-01", "P-PER-02",
}  # fmt: skip


@pytest.fixture
def features(tmp_path: Path) -> Path:
    copy = tmp_path / "features"
    shutil.copytree(FEATURES, copy)
    return copy


def _cut(path: Path, title_start: str) -> None:
    """Delete the scenario whose title starts with ``title_start`` (with its tag line)."""
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=  @)", text)
    kept = [b for b in blocks if not re.search(rf"(?m)^  场景(大纲)?: {re.escape(title_start)}", b)]
    assert len(kept) == len(blocks) - 1, f"no single scenario titled {title_start}…"
    path.write_text("".join(kept), encoding="utf-8")


def test_bundled_features_cover_every_clause_with_a_pass_and_a_fail() -> None:
    report = check_coverage()
    assert report.ok, "\n".join(p.render() for p in report.problems)
    covered = {cc.clause.id for _, rows in report.standards for cc in rows}
    assert covered == NORMS_CLAUSES
    for _, rows in report.standards:
        for cc in rows:
            outcomes = cc.outcomes()
            assert outcomes.get(Status.PASS) and outcomes.get(Status.FAIL), cc.clause.id


def test_one_feature_file_per_area_in_chinese() -> None:
    files, scenarios = read_features(FEATURES)
    chinese = [f for f in files if Path(f).parent == Path("features")]
    assert sorted(Path(f).stem for f in chinese) == sorted(AREAS)
    assert [f for f in files if f not in chinese] == ["features/en/org.feature"]  # the English mirror
    for f in chinese:
        assert (ROOT / f).read_text(encoding="utf-8").startswith("# language: zh-CN\n"), f
    assert {s.language for s in scenarios} == {"zh-CN", "en"}
    for s in scenarios:
        assert s.keyword in (("场景", "场景大纲") if s.language == "zh-CN" else ("Scenario", "Scenario Outline")), (
            s.name
        )
        assert any(s.name.startswith(c) for c in s.clauses), s.name
        area = Path(s.file).stem
        assert area in s.tags, f"{s.name}: the feature's area tag @{area}"


def test_every_clause_of_every_bundled_standard_is_listed_with_its_scenarios(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["standards", "coverage"]) == 0
    out = capsys.readouterr().out
    for sid in bundled_ids():
        assert sid in out
        for clause in load_standard(sid).own_clauses:
            assert f"✓ {clause.id}" in out
    assert "features/org.feature:" in out and "P-ORG-02 县级中心为副科级时不通过" in out
    assert main(["standards", "coverage", "--summary"]) == 0
    assert "features/org.feature:" not in capsys.readouterr().out


def test_deleting_the_only_scenario_of_a_clause_fails(features: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _cut(features / "net.feature", "P-NET-02 ")
    assert main(["standards", "coverage", "--features", str(features)]) == 1
    out = capsys.readouterr().out
    assert "uncovered_clause" in out and "P-NET-02" in out
    assert "✗ P-NET-02" in out


def test_deleting_the_failing_scenarios_of_a_clause_fails(features: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _cut(features / "per.feature", "P-PER-01 电子政务纳入市、县两级政府绩效考核")
    _cut(features / "per.feature", "P-PER-01 电子政务未纳入考核的中心不合规")
    assert main(["standards", "coverage", "--features", str(features)]) == 1
    out = capsys.readouterr().out
    assert "uncovered_clause" in out  # both P-PER-01 scenarios are gone


def test_a_clause_without_a_failing_scenario_fails(features: Path) -> None:
    path = features / "tim.feature"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\| 不通过 \|", "| 通过   |", text).replace(
        "那么 条款 N-TIM-01 不通过，", "那么 条款 N-TIM-01 通过，"
    )
    path.write_text(text, encoding="utf-8")
    report = check_coverage(features=str(features))
    problems = [(p.code, p.message.en) for p in report.problems]
    assert ("missing_outcome", "cn-2011-22 clause N-TIM-01 has no scenario asserting that it is 'fail'") in problems


def test_a_tag_naming_no_clause_fails(features: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = features / "hal.feature"
    text = path.read_text(encoding="utf-8").replace("  @P-HAL-02\n", "  @P-HAL-02 @P-HAL-09\n", 1)
    path.write_text(text, encoding="utf-8")
    assert main(["standards", "coverage", "--features", str(features), "--summary"]) == 1
    out = capsys.readouterr().out
    assert re.search(r"hal\.feature:\d+:\d+: unknown_clause_tag: .*@P-HAL-09", out)


def test_scenarios_must_carry_the_tags_of_what_they_assert(tmp_path: Path) -> None:
    feature = tmp_path / "x.feature"
    feature.write_text(
        "# language: zh-CN\n功能: 试验\n\n"
        "  @P-ORG-02\n  场景: 县级中心为副科级\n    那么 条款 P-ORG-02 不通过\n    并且 条款 P-ORG-01 通过\n\n"
        "  场景: P-HAL-01 没有标签\n    那么 条款 P-HAL-01 通过\n",
        encoding="utf-8",
    )
    report = check_coverage(["sjz-current"], str(tmp_path))
    codes = sorted(p.code for p in report.problems)
    assert codes == [
        "title_not_led_by_clause",
        "uncovered_clause",
        "uncovered_clause",
        "untagged_assertion",
        "untagged_assertion",
        "untagged_scenario",
    ]


def test_outline_outcomes_come_from_the_examples() -> None:
    scenarios = read_feature(FEATURES / "hal.feature")
    outline = next(s for s in scenarios if s.name.startswith("P-HAL-01 大厅面积不低于本层级下限"))
    assert outline.keyword == "场景大纲"
    assert outline.outcomes == {"P-HAL-01": {Status.PASS, Status.FAIL}}
    assert outline.examples[0][0] == ["层级", "面积", "结果"]


def test_unreadable_features_are_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standards", "coverage", "--features", str(tmp_path / "none")]) == 2
    (tmp_path / "bad.feature").write_text("# language: zh-CN\n功能: x\n  场景: P-ORG-02 y\n    那么 z\n  乱写\n")
    with pytest.raises(InputError) as exc:
        read_features(tmp_path)
    assert exc.value.problems[0].code == "feature_syntax"
    assert exc.value.problems[0].location.line == 5
    assert main(["standards", "coverage", "--features", str(tmp_path)]) == 2
    assert "feature_syntax" in capsys.readouterr().err


def test_json_format(tmp_path: Path) -> None:
    out = tmp_path / "coverage.json"
    assert main(["standards", "coverage", "--format", "json", "--output", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["ok"] is True and data["problems"] == []
    clauses = {c["clause"]: c for s in data["standards"] for c in s["clauses"]}
    assert set(clauses) == NORMS_CLAUSES
    assert clauses["P-ORG-02"]["outcomes"]["fail"] >= 1 and clauses["P-ORG-02"]["scenarios"]
