"""``hallmark impact``: counts on the bundled Shijiazhuang centers, git versions, --as-of, formats, exit codes.

The expected numbers are checked two ways: against the raw example YAML for the simple
scalar clauses (rank, nature, hall area — an oracle that never touches the engine), and
against two separate ``check`` runs for compliance (the demo's 46/51 → 6/51 on 2019-01-01).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.center import CenterDoc, load_centers
from engine.check import Options, evaluate
from engine.errors import InputError
from engine.impact import ImpactReport, compare_standards, impact, parse_git_ref, render_markdown, render_text
from engine.rulebook import load_rulebook
from engine.standard import RANKS, load_standard
from hallmark.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "shijiazhuang"
AS_OF = dt.date(2019, 1, 1)
MODEL = str(EXAMPLES / "county" / "130123-county.yaml")
MIN_AREA = {"city": 10000, "county": 3000, "township": 200, "village": 50}  # norms.md, bundled draft values
RANK = {"city": "full_division", "county": "full_section"}  # P-ORG-02


@cache
def _centers() -> list[dict[str, Any]]:
    out = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        out.append(yaml.safe_load(path.read_text(encoding="utf-8"))["center"])
    return out


@pytest.fixture(scope="module")
def report() -> ImpactReport:
    return impact([str(EXAMPLES)], "sjz-current", "sjz-proposed", Options(as_of=AS_OF, jobs=0))


@pytest.fixture(scope="module")
def loaded() -> list[CenterDoc]:
    return load_centers([str(EXAMPLES)])


def test_every_bundled_center_is_compared_on_one_day(report: ImpactReport) -> None:
    assert len(report.centers) == 51
    assert report.as_of == AS_OF
    assert report.from_standard["id"] == "sjz-current" and report.to_standard["id"] == "sjz-proposed"


def test_counts_by_tier_match_the_bundled_data(report: ImpactReport) -> None:
    assert report.by_tier() == {
        "city": {
            "centers": 1,
            "changed": 1,
            "compliant_before": 1,
            "compliant_after": 0,
            "newly_non_compliant": 1,
            "newly_compliant": 0,
        },
        "county": {
            "centers": 22,
            "changed": 22,
            "compliant_before": 17,
            "compliant_after": 2,
            "newly_non_compliant": 17,
            "newly_compliant": 2,
        },
        "township": {
            "centers": 14,
            "changed": 14,
            "compliant_before": 14,
            "compliant_after": 2,
            "newly_non_compliant": 12,
            "newly_compliant": 0,
        },
        "village": {
            "centers": 14,
            "changed": 14,
            "compliant_before": 14,
            "compliant_after": 3,
            "newly_non_compliant": 11,
            "newly_compliant": 0,
        },
        "all": {
            "centers": 51,
            "changed": 51,
            "compliant_before": 46,
            "compliant_after": 7,
            "newly_non_compliant": 41,
            "newly_compliant": 2,
        },
    }


def test_regressions_and_improvements_agree_with_two_separate_checks(
    report: ImpactReport, loaded: list[CenterDoc]
) -> None:
    rulebook = load_rulebook()
    before = evaluate(load_standard("sjz-current"), rulebook, loaded, {}, Options(as_of=AS_OF, jobs=0))
    after = evaluate(load_standard("sjz-proposed"), rulebook, loaded, {}, Options(as_of=AS_OF, jobs=0))
    was = {c.id for c in before.centers if c.compliant}
    now = {c.id for c in after.centers if c.compliant}
    assert {c.id for c in report.regressions} == was - now
    assert {c.id for c in report.improvements} == now - was
    assert {c.id for c in report.improvements} == {"130123-county", "130181-county"}


def test_rank_clauses_change_as_the_raw_yaml_says(report: ImpactReport) -> None:
    by_clause = report.by_clause()
    centers = _centers()
    # C-ORG-01 (county, no higher than deputy_section) leaves: its fails and passes become "absent"
    county = [c for c in centers if c["tier"] == "county"]
    too_high = sum(1 for c in county if RANKS.index(c["organization"]["rank"]) > RANKS.index("deputy_section"))
    assert by_clause["C-ORG-01"]["transitions"] == {"pass → absent": 22 - too_high, "fail → absent": too_high}
    assert too_high == 4
    # P-ORG-02 arrives for city and county: pass where the rank is exactly the tier's, else fail
    ranked = [c for c in centers if c["tier"] in RANK]
    exact = sum(1 for c in ranked if c["organization"].get("rank") == RANK[c["tier"]])
    assert by_clause["P-ORG-02"]["transitions"] == {"absent → fail": len(ranked) - exact, "absent → pass": exact}
    assert by_clause["P-ORG-02"]["tiers"] == {"city": 1, "county": 22}


def test_nature_clauses_change_as_the_raw_yaml_says(report: ImpactReport) -> None:
    county = [c for c in _centers() if c["tier"] == "county"]
    career_body = sum(
        1
        for c in county
        if c["organization"]["nature"] == "public_institution" and c["organization"]["staffing"] == "career"
    )
    assert report.by_clause()["C-ORG-02"]["transitions"] == {
        "pass → absent": career_body,
        "fail → absent": 22 - career_body,
    }


def test_hall_area_changes_as_the_raw_yaml_says(report: ImpactReport) -> None:
    centers = _centers()
    short = Counter(c["tier"] for c in centers if c["hall"]["area_m2"] < MIN_AREA[c["tier"]])
    big_enough = Counter(c["tier"] for c in centers if c["hall"]["area_m2"] >= MIN_AREA[c["tier"]])
    p_hal = report.by_clause()["P-HAL-01"]
    assert p_hal["transitions"] == {"absent → pass": sum(big_enough.values()), "absent → fail": sum(short.values())}
    assert p_hal["centers"] == 51
    per_center = {c.id: {ch.clause: ch for ch in c.changes} for c in report.centers}
    for c in centers:
        want = "fail" if c["hall"]["area_m2"] < MIN_AREA[c["tier"]] else "pass"
        assert per_center[c["id"]]["P-HAL-01"].after.value == want, c["id"]


def test_a_new_clause_that_does_not_apply_is_no_change(report: ImpactReport) -> None:
    for c in report.centers:
        clauses = {ch.clause for ch in c.changes}
        if c.tier in ("township", "village"):
            assert not clauses & {"P-ORG-01", "P-ORG-02", "P-FUN-01", "N-MAT-01", "C-ORG-01"}, c.id
        if c.tier != "township":
            assert "P-ORG-03" not in clauses, c.id


def test_as_of_applies_to_both_sides(loaded: list[CenterDoc]) -> None:
    a, b = load_standard("sjz-current"), load_standard("sjz-proposed")
    early = compare_standards(loaded, a, b, Options(as_of=dt.date(2016, 12, 31), jobs=0))
    assert early.as_of == dt.date(2016, 12, 31)
    clauses = set(early.by_clause())
    assert not {c for c in clauses if c.startswith("P-")}, "P-* clauses are in force from 2017-01-01"
    assert {"N-MAT-01", "C-ORG-01"} <= clauses


def test_same_standard_changes_nothing() -> None:
    files = [str(EXAMPLES / "county" / "130105-county.yaml"), str(EXAMPLES / "village")]
    same = impact(files, "sjz-proposed", "sjz-proposed", Options(as_of=AS_OF, jobs=0))
    assert not any(c.changes for c in same.centers)
    assert same.by_clause() == {}
    assert same.by_tier()["all"]["changed"] == 0


def test_renderers(report: ImpactReport) -> None:
    text = render_text(report)
    assert "sjz-current → sjz-proposed" in text and "2019-01-01" in text
    assert "由合规转为不合规的中心（41）" in text and "由不合规转为合规的中心（2）" in text
    assert "130123-county" in text
    english = render_text(report, "en")
    assert "centers that become non-compliant (41)" in english
    md = render_markdown(report)
    assert md.startswith("# 政策影响") and "| P-ORG-02 |" in md
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["summary"]["by_tier"]["all"]["newly_non_compliant"] == 41
    assert sorted(data["summary"]["newly_compliant"]) == ["130123-county", "130181-county"]
    assert len(data["centers"]) == 51


# ---------------------------------------------------------------- two versions of one standard (git)


def test_git_references_are_recognised(tmp_path: Path) -> None:
    assert parse_git_ref("git:HEAD~1:standards/sjz-proposed.yaml") == ("HEAD~1", "standards/sjz-proposed.yaml")
    assert parse_git_ref("abc123:standards/x.yaml") == ("abc123", "standards/x.yaml")
    assert parse_git_ref("sjz-proposed") is None
    real = tmp_path / "a:b.yaml"
    real.write_text("x")
    assert parse_git_ref(str(real)) is None
    with pytest.raises(InputError) as exc:
        parse_git_ref("git:HEAD")
    assert exc.value.problems[0].code == "bad_git_ref"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose last commit lowers the county hall minimum from 3000 to 2500 m² (and cn-2011-22 as was)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tmp_path / "standards").mkdir()
    for sid in ("cn-2011-22", "sjz-proposed"):
        shutil.copy(ROOT / "standards" / f"{sid}.yaml", tmp_path / "standards" / f"{sid}.yaml")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "v1")
    std = tmp_path / "standards" / "sjz-proposed.yaml"
    text = std.read_text(encoding="utf-8")
    assert text.count("2017-01-01: {value: 3000,") == 1
    std.write_text(text.replace("2017-01-01: {value: 3000,", "2017-01-01: {value: 2500,"), encoding="utf-8")
    _git(tmp_path, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qam", "v2: county 2500")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_two_versions_of_one_standard_from_git(repo: Path) -> None:
    counties = [c for c in _centers() if c["tier"] == "county"]
    between = sum(1 for c in counties if 2500 <= c["hall"]["area_m2"] < 3000)
    assert between > 0
    for old in ("git:HEAD~1:standards/sjz-proposed.yaml",):
        rep = impact([str(EXAMPLES / "county")], old, "standards/sjz-proposed.yaml", Options(as_of=AS_OF, jobs=0))
        assert rep.by_clause() == {
            "P-HAL-01": {
                "title": rep.by_clause()["P-HAL-01"]["title"],
                "centers": between,
                "transitions": {"fail → pass": between},
                "tiers": {"county": between},
            }
        }
        assert rep.from_standard["extends"] == ["cn-2011-22"]


def test_a_file_missing_at_the_reference_is_an_input_error(repo: Path) -> None:
    with pytest.raises(InputError) as exc:
        impact([MODEL], "git:HEAD~1:standards/nope.yaml", "sjz-proposed", Options(as_of=AS_OF, jobs=0))
    assert exc.value.problems[0].code == "git_show_failed"


# ---------------------------------------------------------------- the command


def test_command_formats_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    county = str(EXAMPLES / "county")
    args = ["impact", county, "--from", "sjz-current", "--to", "sjz-proposed", "--as-of", "2019-01-01", "--jobs", "0"]
    out = tmp_path / "impact.json"
    assert main([*args, "--format", "json", "--output", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["by_tier"]["county"]["newly_non_compliant"] == 17
    two = [str(EXAMPLES / "county" / f) for f in ("130105-county.yaml", "130123-county.yaml")]
    args = ["impact", *two, "--from", "sjz-current", "--to", "sjz-proposed", "--as-of", "2019-01-01", "--jobs", "0"]
    assert main([*args, "--format", "markdown"]) == 0
    assert "| 县级 | 2 | 2 | 1 | 1 | 1 | 1 |" in capsys.readouterr().out
    assert main([*args, "--fail-on-regression"]) == 1
    assert main(["impact", two[1], "--from", "sjz-current", "--to", "sjz-proposed", "--fail-on-regression"]) == 0
    assert main([*args, "--format", "yaml"]) == 2
    assert main(["impact", county, "--from", "no-such-standard", "--to", "sjz-proposed"]) == 2
    assert "unknown_standard" in capsys.readouterr().err
