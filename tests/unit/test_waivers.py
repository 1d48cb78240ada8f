"""Waivers (interfaces.md): an approved, justified, expiring exception to one clause for one center.

The center under test is the compact compliant county 130199-county
(tests/data/model/compliant-county.yaml, it meets every sjz-proposed clause) with its hall
shrunk to 2400 m²: from 2019-01-01 its only error finding is P-HAL-01. The waiver files live
in tests/data/waivers/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.check import Options, check
from engine.report import Report, Result
from hallmark.cli import main

ROOT = Path(__file__).resolve().parents[2]
WAIVERS = ROOT / "tests" / "data" / "waivers"
MODEL = ROOT / "tests" / "data" / "model" / "compliant-county.yaml"
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<column>\d+): (?P<code>[a-z][a-z0-9_]*): \S.*$")


@pytest.fixture(autouse=True)
def _from_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture
def small_hall(tmp_path: Path) -> str:
    data: dict[str, Any] = yaml.safe_load(MODEL.read_text(encoding="utf-8"))
    data["center"]["hall"]["area_m2"] = 2400
    path = tmp_path / "130199-county.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def waiver(name: str) -> str:
    return str((WAIVERS / name).relative_to(ROOT))


def run(center: str, waivers: str | None, as_of: str | None = "2019-01-01") -> Report:
    options = Options(as_of=dt.date.fromisoformat(as_of) if as_of else None, jobs=0)
    return check([center], "sjz-proposed", waivers, options)


def result(report: Report, clause: str) -> Result:
    (center,) = report.centers
    (found,) = [r for r in center.results if r.clause == clause]
    return found


def exit_code(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", *args, "--jobs", "0"])
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, err


# ---------------------------------------------------------------- the baseline


def test_without_a_waiver_the_small_hall_is_the_only_error_finding(
    small_hall: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run(small_hall, None)
    (center,) = report.centers
    blocking = [(r.clause, r.status.value) for r in center.results if r.status.value in ("fail", "error")]
    assert blocking == [("P-HAL-01", "fail")]
    assert result(report, "P-HAL-01").severity.value == "error"
    assert exit_code(capsys, small_hall, "--as-of", "2019-01-01")[0] == 1


# ---------------------------------------------------------------- a valid waiver


def test_a_valid_waiver_turns_the_fail_into_waived_and_keeps_the_finding(small_hall: str) -> None:
    report = run(small_hall, waiver("valid.yaml"))
    r = result(report, "P-HAL-01")
    assert r.status.value == "waived"
    assert (r.expected, r.actual) == (3000, 2400), "a waived finding is still shown"
    assert r.waiver is not None
    assert r.waiver["expired"] is False
    assert r.waiver["justification"] == "新址大厅2019年底投入使用"
    assert r.waiver["approved_by"] == "市编办"
    assert r.waiver["expires"] == "2019-12-31"
    assert "新址大厅2019年底投入使用" in r.message.zh


def test_a_waived_finding_counts_in_the_summary_as_waived_not_fail(small_hall: str) -> None:
    (center,) = run(small_hall, waiver("valid.yaml")).centers
    counts = center.counts()
    assert (counts["waived"], counts["fail"]) == (1, 0)
    assert center.compliant is True


def test_a_valid_waiver_of_the_only_error_finding_gives_exit_code_0(
    small_hall: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_code(capsys, small_hall, "--as-of", "2019-01-01", "--waivers", waiver("valid.yaml"))[0] == 0


def test_a_waiver_still_waives_on_its_expiry_day(small_hall: str) -> None:
    r = result(run(small_hall, waiver("valid.yaml"), as_of="2019-12-31"), "P-HAL-01")
    assert r.status.value == "waived"
    assert r.waiver is not None and r.waiver["expired"] is False


def test_a_waiver_only_covers_its_own_center(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data: dict[str, Any] = yaml.safe_load(MODEL.read_text(encoding="utf-8"))
    data["center"]["id"] = "130199-county-copy"
    data["center"]["hall"]["area_m2"] = 2400
    other = tmp_path / "copy.yaml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = result(run(str(other), waiver("valid.yaml")), "P-HAL-01")
    assert r.status.value == "fail"
    assert r.waiver is None


# ---------------------------------------------------------------- an expired waiver


def test_an_expired_waiver_does_not_waive_and_says_it_expired(small_hall: str) -> None:
    r = result(run(small_hall, waiver("expired.yaml")), "P-HAL-01")
    assert r.status.value == "fail"
    assert r.waiver is not None
    assert r.waiver["expired"] is True
    assert r.waiver["expires"] == "2018-12-31"
    assert "expired" in r.message.en
    assert "到期" in r.message.zh
    assert "2018-12-31" in r.message.en


def test_a_waiver_expires_the_day_after_its_expiry_date(small_hall: str) -> None:
    r = result(run(small_hall, waiver("valid.yaml"), as_of="2020-01-01"), "P-HAL-01")
    assert r.status.value == "fail"
    assert r.waiver is not None and r.waiver["expired"] is True


def test_an_expired_waiver_leaves_exit_code_1(small_hall: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code(capsys, small_hall, "--as-of", "2019-01-01", "--waivers", waiver("expired.yaml"))[0] == 1


def test_without_as_of_expiry_is_compared_with_today(small_hall: str) -> None:
    report = run(small_hall, waiver("valid.yaml"), as_of=None)
    assert report.as_of > dt.date(2019, 12, 31), "the tests assume today is after 2019"
    r = result(report, "P-HAL-01")
    assert r.status.value == "fail"
    assert r.waiver is not None and r.waiver["expired"] is True


# ---------------------------------------------------------------- a waiver for a passing clause


def test_a_waiver_for_a_passing_clause_leaves_it_pass(small_hall: str) -> None:
    report = run(small_hall, waiver("passing-clause.yaml"))
    assert result(report, "P-ORG-01").status.value == "pass"
    assert result(report, "P-HAL-01").status.value == "fail"
    (center,) = report.centers
    assert center.counts()["waived"] == 0


# ---------------------------------------------------------------- invalid waiver files: exit 2


@pytest.mark.parametrize(
    ("name", "code", "place", "named"),
    [
        ("no-justification.yaml", "missing_field", "2:5", "justification"),
        ("blank-justification.yaml", "bad_format", "4:20", "justification"),
        ("no-expires.yaml", "missing_field", "2:5", "expires"),
        ("no-approved-by.yaml", "missing_field", "2:5", "approved_by"),
        ("impossible-date.yaml", "bad_date", "6:14", "2019-02-30"),
    ],
)
def test_an_incomplete_waiver_is_an_input_error_with_its_place(
    name: str, code: str, place: str, named: str, small_hall: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = exit_code(capsys, small_hall, "--as-of", "2019-01-01", "--waivers", waiver(name))
    assert status == 2
    lines = [line for line in err.splitlines() if line.strip()]
    matches = [PROBLEM_LINE.match(line) for line in lines]
    assert lines and all(matches), err
    (problem,) = [m for m in matches if m]
    assert (problem["file"], f"{problem['line']}:{problem['column']}", problem["code"]) == (waiver(name), place, code)
    assert named in err


def test_two_waivers_for_one_center_and_clause_are_an_input_error(
    small_hall: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = exit_code(capsys, small_hall, "--as-of", "2019-01-01", "--waivers", waiver("duplicate.yaml"))
    assert code == 2
    assert f"{waiver('duplicate.yaml')}:8:" in err


def test_a_missing_waivers_file_is_an_input_error(small_hall: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = exit_code(capsys, small_hall, "--waivers", "tests/data/waivers/no-such-file.yaml")
    assert code == 2
    assert "no-such-file.yaml" in err


def test_an_input_error_in_a_waiver_writes_no_report(
    small_hall: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "report.json"
    args = ("--as-of", "2019-01-01", "--waivers", waiver("no-expires.yaml"), "--format", "json", "--output", str(out))
    code, _ = exit_code(capsys, small_hall, *args)
    assert code == 2
    assert not out.exists()
