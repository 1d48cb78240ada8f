"""``hallmark check`` as a user runs it: exit codes 0/1/2, problems as file:line:column, never a traceback.

interfaces.md: 0 — no finding at or above ``--fail-on`` (default error); 1 — findings at
or above it; 2 — the input or the standard could not be read, every problem printed as
``file:line:column: code: message``. ``fail`` and ``error`` statuses count; ``not_declared``
counts only with ``--strict``; ``--output`` writes all or nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from hallmark.cli import main

ROOT = Path(__file__).resolve().parents[2]
HALLMARK = Path(sys.executable).with_name("hallmark")
BAD = ROOT / "tests" / "data" / "bad"
MODEL = "examples/shijiazhuang/county/130123-county.yaml"  # built to meet sjz-proposed (examples README)
FAILING = "examples/shijiazhuang/county/130105-county.yaml"  # 新华区: 副科级事业单位, short of the norms
COMPACT = ROOT / "tests" / "data" / "model" / "compliant-county.yaml"  # small, compliant: variants start here

PROBLEM_LINE = re.compile(r"^(?P<file>[^:\s][^:]*):(?P<line>\d+):(?P<column>\d+): (?P<code>[a-z][a-z0-9_]*): \S.*$")

# every bad-input class of tests/data/bad and the stable problem code it must produce
BAD_INPUTS = {
    "alias.yaml": "yaml_syntax",
    "ambiguous.yaml": "ambiguous_document",
    "area-as-string.yaml": "wrong_type",
    "bad-enum.yaml": "bad_value",
    "bad-region-code.yaml": "bad_format",
    "comment-only.yaml": "empty_document",
    "duplicate-center-id-across": "duplicate_center_id",
    "duplicate-center-id.yaml": "duplicate_center_id",
    "duplicate-key.yaml": "duplicate_key",
    "empty-centers.yaml": "no_center",
    "empty.yaml": "empty_document",
    "infinite-area.yaml": "wrong_type",
    "json-syntax.json": "json_syntax",
    "missing-field.yaml": "missing_field",
    "no-center.yaml": "no_center",
    "not-a-mapping.yaml": "no_center",
    "not-utf8.yaml": "bad_encoding",
    "several-errors.yaml": "wrong_type",
    "unknown-key.yaml": "unknown_key",
    "unknown-top-level-key.yaml": "unknown_key",
    "yaml-syntax.yaml": "yaml_syntax",
    "yaml11-boolean-area.yaml": "yaml11_boolean",
    "yaml11-boolean-id.yaml": "yaml11_boolean",
    "zero-area.yaml": "out_of_range",
}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def hallmark(*args: str, cwd: Path = ROOT) -> Run:
    """Run the installed console script in a real process; assert it never shows a traceback."""
    proc = subprocess.run([str(HALLMARK), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return Run(proc.returncode, proc.stdout, proc.stderr)


_CAPSYS: list[pytest.CaptureFixture[str]] = []


@pytest.fixture(autouse=True)
def _in_process(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(ROOT)
    _CAPSYS.append(capsys)
    yield
    _CAPSYS.pop()


def check(*args: str) -> Run:
    """``hallmark check ARGS`` through ``hallmark.cli.main`` in this process (fast). Any exception that
    escapes ``main`` — what a user would see as a traceback — fails the test. Evaluates in this
    process (``--jobs 0``) unless told otherwise: the pool has its own tests (tests/unit/engine/test_runner.py)."""
    capsys = _CAPSYS[-1]
    capsys.readouterr()
    jobs = () if "--jobs" in args else ("--jobs", "0")
    try:
        code = main(["check", *args, *jobs])
    except SystemExit as exc:  # argparse usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return Run(code, out, err)


def problem_lines(stderr: str) -> list[re.Match[str]]:
    """Every non-empty stderr line must be a problem line ``file:line:column: code: message``."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "exit code 2 must say what is wrong"
    matches = [PROBLEM_LINE.match(line) for line in lines]
    assert all(matches), f"not file:line:column: code: message:\n{stderr}"
    return [m for m in matches if m]


def write_center(path: Path, center: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"center": center}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def compliant_center() -> dict[str, Any]:
    """The compact compliant county (130199-county), as data to vary."""
    data: dict[str, Any] = yaml.safe_load(COMPACT.read_text(encoding="utf-8"))["center"]
    return data


def json_report(proc: Run) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


# ---------------------------------------------------------------- 0 and 1


def test_model_center_complies_with_sjz_proposed_in_2019_exit_0() -> None:
    proc = check(MODEL, "--standard", "sjz-proposed", "--as-of", "2019-01-01", "--format", "json")
    assert proc.returncode == 0, proc.stdout
    (center,) = json_report(proc)["centers"]
    assert center["summary"]["compliant"] is True
    statuses = {r["clause"]: r["status"] for r in center["results"]}
    assert set(statuses.values()) <= {"pass", "not_applicable"}, statuses
    assert statuses["P-ORG-03"] == "not_applicable"  # township only


def test_the_compact_compliant_county_exits_0_so_its_variants_show_one_change_each() -> None:
    proc = check(str(COMPACT.relative_to(ROOT)), "--as-of", "2019-01-01", "--format", "json")
    assert proc.returncode == 0
    (center,) = json_report(proc)["centers"]
    assert {r["status"] for r in center["results"]} == {"pass", "not_applicable"}


def test_failing_center_exit_1() -> None:
    proc = check(FAILING, "--standard", "sjz-proposed", "--as-of", "2019-01-01")
    assert proc.returncode == 1
    assert proc.stdout.strip()


def test_text_report_is_the_default_and_names_the_failing_clauses() -> None:
    proc = check(FAILING, "--standard", "sjz-proposed", "--as-of", "2019-01-01", "--lang", "en")
    assert proc.returncode == 1
    assert "P-ORG-02" in proc.stdout and "130105-county" in proc.stdout


# ---------------------------------------------------------------- 2: bad input


def test_every_bad_input_file_has_an_expected_code() -> None:
    present = {p.name for p in BAD.iterdir()}
    assert present == set(BAD_INPUTS), "a new file in tests/data/bad needs its code here"


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_file_line_column_and_code(name: str) -> None:
    target = f"tests/data/bad/{name}"
    proc = check(target, "--as-of", "2019-01-01")
    assert proc.returncode == 2, proc.stdout
    assert proc.stdout == "", "no report, not even a partial one, on bad input"
    problems = problem_lines(proc.stderr)
    assert all(m["file"].startswith(target) for m in problems), proc.stderr
    assert all(int(m["line"]) >= 1 and int(m["column"]) >= 1 for m in problems)
    assert BAD_INPUTS[name] in {m["code"] for m in problems}, proc.stderr


def test_every_problem_of_a_file_is_reported_not_just_the_first() -> None:
    proc = check("tests/data/bad/several-errors.yaml", "--as-of", "2019-01-01")
    assert proc.returncode == 2
    codes = [m["code"] for m in problem_lines(proc.stderr)]
    assert len(codes) >= 8
    assert {"wrong_type", "bad_value", "missing_field", "bad_format", "unknown_key"} <= set(codes)


def test_one_bad_file_among_good_ones_stops_the_run_with_no_report() -> None:
    proc = check("tests/data/good/minimal.yaml", "tests/data/bad/area-as-string.yaml", "--format", "json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    (problem,) = problem_lines(proc.stderr)
    assert (problem["file"], problem["line"], problem["column"]) == ("tests/data/bad/area-as-string.yaml", "7", "14")


def test_unknown_standard_exits_2() -> None:
    proc = check(MODEL, "--standard", "sjz-imagined")
    assert proc.returncode == 2
    assert "unknown_standard" in proc.stderr
    assert proc.stdout == ""


def test_standard_file_that_does_not_exist_exits_2() -> None:
    proc = check(MODEL, "--standard", "standards/nowhere.yaml")
    assert proc.returncode == 2
    assert "unknown_standard" in proc.stderr


@pytest.mark.parametrize("as_of", ["2019-02-30", "yesterday", "2019/01/01", ""])
def test_bad_as_of_exits_2(as_of: str) -> None:
    proc = check(MODEL, "--as-of", as_of)
    assert proc.returncode == 2
    assert "bad_date" in proc.stderr
    assert proc.stdout == ""


def test_a_standard_given_as_a_file_gives_the_verdicts_of_its_bundled_id() -> None:
    by_id = check(FAILING, "--as-of", "2019-01-01", "--format", "json", "--standard", "sjz-proposed")
    by_file = check(FAILING, "--as-of", "2019-01-01", "--format", "json", "--standard", "standards/sjz-proposed.yaml")
    assert by_id.returncode == by_file.returncode == 1
    a, b = json_report(by_id), json_report(by_file)
    assert a["centers"] == b["centers"]
    assert (a["standard"]["id"], a["standard"]["sha256"]) == (b["standard"]["id"], b["standard"]["sha256"])


def test_unknown_format_exits_2_before_anything_runs() -> None:
    proc = check(MODEL, "--format", "pdf")
    assert proc.returncode == 2
    assert "unknown_format" in proc.stderr
    assert proc.stdout == ""


def test_missing_path_exits_2() -> None:
    proc = check("examples/shijiazhuang/county/no-such-center.yaml")
    assert proc.returncode == 2
    assert "missing_path" in proc.stderr
    assert "no-such-center.yaml" in proc.stderr


def test_folder_without_center_files_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing to check", encoding="utf-8")
    proc = check(str(tmp_path))
    assert proc.returncode == 2
    assert str(tmp_path) in proc.stderr


def test_usage_error_exits_2_without_traceback() -> None:
    proc = check(MODEL, "--fail-on", "sometimes")
    assert proc.returncode == 2
    proc = hallmark("check")
    assert proc.returncode == 2


# ---------------------------------------------------------------- --fail-on and --strict


@pytest.fixture
def warning_only_center(tmp_path: Path) -> Path:
    """The compliant county with a hall of 2400 m²: P-HAL-01 is a warning to 2018-12-31, an error from 2019-01-01."""
    center = compliant_center()
    center["hall"]["area_m2"] = 2400
    return write_center(tmp_path / "hall-2400.yaml", center)


def test_a_warning_does_not_fail_by_default(warning_only_center: Path) -> None:
    proc = check(str(warning_only_center), "--as-of", "2018-12-31", "--format", "json")
    assert proc.returncode == 0
    (center,) = json_report(proc)["centers"]
    hal = next(r for r in center["results"] if r["clause"] == "P-HAL-01")
    assert (hal["status"], hal["severity"]) == ("fail", "warning")


def test_fail_on_warning_counts_a_warning(warning_only_center: Path) -> None:
    assert check(str(warning_only_center), "--as-of", "2018-12-31", "--fail-on", "warning").returncode == 1


def test_the_same_shortfall_fails_by_default_after_the_transition(warning_only_center: Path) -> None:
    assert check(str(warning_only_center), "--as-of", "2019-01-01").returncode == 1


def test_fail_on_never_exits_0_even_with_errors() -> None:
    assert check(FAILING, "--as-of", "2019-01-01", "--fail-on", "never").returncode == 0


def test_fail_on_error_is_the_default() -> None:
    assert check(FAILING, "--as-of", "2019-01-01", "--fail-on", "error").returncode == 1


@pytest.fixture
def undeclared_performance(tmp_path: Path) -> Path:
    """The compliant county without ``performance``: P-PER-01 (应) and P-PER-02 (宜) are not_declared."""
    center = compliant_center()
    del center["performance"]
    return write_center(tmp_path / "no-performance.yaml", center)


def test_not_declared_does_not_count_without_strict(undeclared_performance: Path) -> None:
    proc = check(str(undeclared_performance), "--as-of", "2019-01-01", "--format", "json")
    assert proc.returncode == 0
    (center,) = json_report(proc)["centers"]
    statuses = {r["clause"]: r["status"] for r in center["results"]}
    assert statuses["P-PER-01"] == statuses["P-PER-02"] == "not_declared"


def test_strict_makes_not_declared_count(undeclared_performance: Path) -> None:
    assert check(str(undeclared_performance), "--as-of", "2019-01-01", "--strict").returncode == 1


def test_strict_with_fail_on_never_still_exits_0(undeclared_performance: Path) -> None:
    args = (str(undeclared_performance), "--as-of", "2019-01-01", "--strict", "--fail-on", "never")
    assert check(*args).returncode == 0


def test_strict_counts_a_not_declared_should_clause_only_at_fail_on_warning(tmp_path: Path) -> None:
    center = compliant_center()
    del center["performance"]["report_frequency"]  # P-PER-02 is 宜 (warning)
    path = write_center(tmp_path / "no-frequency.yaml", center)
    assert check(str(path), "--as-of", "2019-01-01", "--strict").returncode == 0
    assert check(str(path), "--as-of", "2019-01-01", "--strict", "--fail-on", "warning").returncode == 1


# ---------------------------------------------------------------- --output


def test_output_writes_the_report_to_the_file(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "report.json"
    proc = check(FAILING, "--as-of", "2019-01-01", "--format", "json", "--output", str(out))
    assert proc.returncode == 1
    assert proc.stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [c["id"] for c in report["centers"]] == ["130105-county"]
    assert [p.name for p in out.parent.iterdir()] == ["report.json"], "no temporary file left behind"


def test_output_on_exit_2_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = check("tests/data/bad/area-as-string.yaml", "--format", "json", "--output", str(out))
    assert proc.returncode == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], "no half-written or temporary file"


def test_output_on_exit_2_leaves_an_existing_report_untouched(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text('{"previous": true}', encoding="utf-8")
    proc = check(MODEL, "--standard", "no-such-standard", "--format", "json", "--output", str(out))
    assert proc.returncode == 2
    assert out.read_text(encoding="utf-8") == '{"previous": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_output_naming_a_folder_exits_2_without_traceback(tmp_path: Path) -> None:
    proc = hallmark("check", "tests/data/good/minimal.yaml", "--jobs", "0", "--output", str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert str(tmp_path) in proc.stderr
    assert list(tmp_path.iterdir()) == [], "no temporary file left behind"


def test_output_under_a_plain_file_exits_2_without_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    proc = hallmark("check", "tests/data/good/minimal.yaml", "--jobs", "0", "--output", str(blocker / "r.json"))
    assert proc.returncode == 2, proc.stderr
    assert "not-a-folder" in proc.stderr


# ---------------------------------------------------------------- inputs: folders and many centers


def test_a_folder_is_searched_recursively_for_yaml_yml_and_json(tmp_path: Path) -> None:
    base = compliant_center()
    for rel, cid in (("a/b/deep.yml", "deep-1"), ("top.json", "top-1"), ("a/mid.yaml", "mid-1")):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        center = {**base, "id": cid}
        if rel.endswith(".json"):
            path.write_text(json.dumps({"center": center}, ensure_ascii=False, default=str), encoding="utf-8")
        else:
            write_center(path, center)
    (tmp_path / "a" / "notes.txt").write_text("center: not a center file", encoding="utf-8")
    proc = check(str(tmp_path), "--as-of", "2019-01-01", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert [c["id"] for c in json_report(proc)["centers"]] == ["deep-1", "mid-1", "top-1"]


def test_many_centers_in_one_file_are_each_reported() -> None:
    proc = check("tests/data/good/many.yaml", "--as-of", "2019-01-01", "--format", "json")
    assert proc.returncode in (0, 1)
    centers = json_report(proc)["centers"]
    assert [c["id"] for c in centers] == ["130104-county", "130104001-township", "130104001001-village"]
    assert {c["source"]["file"] for c in centers} == {"tests/data/good/many.yaml"}
    assert all(len(c["results"]) == 20 for c in centers)


def test_several_paths_in_one_run() -> None:
    proc = check(MODEL, FAILING, "tests/data/good/minimal.json", "--as-of", "2019-01-01", "--format", "json")
    assert proc.returncode == 1
    assert [c["id"] for c in json_report(proc)["centers"]] == ["130100-city", "130105-county", "130123-county"]


# ---------------------------------------------------------------- the console script in a real process


def test_console_script_exit_codes_0_and_1() -> None:
    assert hallmark("check", MODEL, "--standard", "sjz-proposed", "--as-of", "2019-01-01").returncode == 0
    assert hallmark("check", FAILING, "--standard", "sjz-proposed", "--as-of", "2019-01-01").returncode == 1


def test_console_script_reports_every_bad_file_at_once_with_exit_2() -> None:
    proc = hallmark("check", "tests/data/bad", "--as-of", "2019-01-01")
    assert proc.returncode == 2
    assert proc.stdout == ""
    problems = problem_lines(proc.stderr)
    by_input: dict[str, set[str]] = {}
    for m in problems:
        rel = Path(m["file"]).relative_to("tests/data/bad").parts[0]
        by_input.setdefault(rel, set()).add(m["code"])
    for name, code in BAD_INPUTS.items():
        assert code in by_input.get(name, set()), (name, proc.stderr)


def test_console_script_usage_errors_exit_2() -> None:
    assert hallmark("check").returncode == 2
    assert hallmark("check", MODEL, "--jobs", "many").returncode == 2
    assert hallmark("check", MODEL, "--as-of", "2019-13-01").returncode == 2
