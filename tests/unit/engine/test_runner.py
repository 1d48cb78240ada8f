"""engine.runner: the worker pool isolates durable_rules — a crash or a hang costs that center an
``error`` on every clause it could evaluate (never a pass), never the other centers or the run;
and pooled evaluation gives exactly the report of in-process evaluation.

Faults are injected with the test hook ``HALLMARK_FAULT=crash:<center id>|hang:<center id>``,
read in the worker process. The pool's workers are forked from a forkserver that keeps the
environment it started with, so the variable is given to a fresh ``hallmark`` process rather
than set in this one (a forkserver already started by another test would never see it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from engine import runner
from engine.center import CenterDoc, load_centers
from engine.check import Options, evaluate
from engine.compiler import compile_standard
from engine.facts import build_facts
from engine.rulebook import Rulebook, load_rulebook
from engine.standard import Standard, load_standard

ROOT = Path(__file__).resolve().parents[3]
HALLMARK = Path(sys.executable).with_name("hallmark")
EXAMPLES = "examples/shijiazhuang"
AS_OF = "2019-01-01"
VICTIM = "130105-county"  # 新华区: many fails and passes, so an error is easy to tell from a verdict
SMALL = [
    "examples/shijiazhuang/city/130100-city.yaml",
    "examples/shijiazhuang/county/130105-county.yaml",
    "examples/shijiazhuang/township/130105001-township.yaml",
    "examples/shijiazhuang/village/130105001001-village.yaml",
]
FIXED_CLOCK = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _from_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("HALLMARK_FAULT", raising=False)


@pytest.fixture(scope="module")
def loaded() -> tuple[Standard, Rulebook, list[CenterDoc]]:
    """The examples, read once for the module (reading is the slow part, not evaluating)."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return load_standard("sjz-proposed"), load_rulebook(), load_centers([EXAMPLES])
    finally:
        os.chdir(cwd)


def evaluate_examples(loaded: tuple[Standard, Rulebook, list[CenterDoc]], jobs: int) -> dict[str, Any]:
    standard, rulebook, centers = loaded
    options = Options(as_of=dt.date.fromisoformat(AS_OF), jobs=jobs, clock=lambda: FIXED_CLOCK)
    report: dict[str, Any] = evaluate(standard, rulebook, centers, {}, options).to_json()
    return report


@pytest.fixture(scope="module")
def baseline(loaded: tuple[Standard, Rulebook, list[CenterDoc]]) -> dict[str, Any]:
    """Every example center evaluated in this process, no pool: the reference."""
    return evaluate_examples(loaded, jobs=0)


def only(report: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    files = set(paths)
    return {**report, "centers": [c for c in report["centers"] if c["source"]["file"] in files]}


def statuses(report_json: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {c["id"]: {r["clause"]: r["status"] for r in c["results"]} for c in report_json["centers"]}


def run_with_fault(fault: str, paths: list[str], *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "HALLMARK_FAULT": fault}
    argv = [str(HALLMARK), "check", *paths, "--as-of", AS_OF, "--format", "json", *extra]
    started = time.monotonic()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc, elapsed


def assert_only_victim_errs(got: dict[str, Any], baseline: dict[str, Any]) -> None:
    expected = statuses(baseline)
    actual = statuses(got)
    assert list(actual) == list(expected), "every center is still reported, in id order"
    for cid, clauses in expected.items():
        if cid != VICTIM:
            assert actual[cid] == clauses, f"{cid} must keep its normal statuses"
    victim = actual[VICTIM]
    assert victim.keys() == expected[VICTIM].keys()
    for clause, normal in expected[VICTIM].items():
        want = "not_applicable" if normal == "not_applicable" else "error"
        assert victim[clause] == want, f"{VICTIM} {clause}: {victim[clause]} (normally {normal})"
    assert "pass" in expected[VICTIM].values() and "fail" in expected[VICTIM].values()
    (center,) = [c for c in got["centers"] if c["id"] == VICTIM]
    assert center["summary"]["compliant"] is False
    for r in center["results"]:
        if r["status"] == "error":
            assert r["message"]["en"] and r["message"]["zh"]


# ---------------------------------------------------------------- faults


def test_a_crashing_center_gets_error_on_every_evaluable_clause_and_the_others_are_unharmed(
    baseline: dict[str, Any],
) -> None:
    proc, _ = run_with_fault(f"crash:{VICTIM}", [EXAMPLES], "--jobs", "2")
    assert proc.returncode == 1, "error statuses count for the exit code"
    assert_only_victim_errs(json.loads(proc.stdout), baseline)


def test_a_crash_with_a_single_worker_is_isolated_too(baseline: dict[str, Any]) -> None:
    proc, _ = run_with_fault(f"crash:{VICTIM}", SMALL, "--jobs", "1")
    assert proc.returncode == 1
    assert_only_victim_errs(json.loads(proc.stdout), only(baseline, SMALL))


def test_a_hanging_center_times_out_to_error_and_the_run_finishes(baseline: dict[str, Any]) -> None:
    proc, elapsed = run_with_fault(f"hang:{VICTIM}", SMALL, "--jobs", "2", "--timeout", "2")
    assert proc.returncode == 1
    assert elapsed < 60, f"the run must not wait for the hung worker ({elapsed:.1f} s)"
    assert_only_victim_errs(json.loads(proc.stdout), only(baseline, SMALL))


def test_an_error_status_counts_for_the_exit_code_whatever_fail_on_says_short_of_never() -> None:
    proc, _ = run_with_fault(f"crash:{VICTIM}", SMALL[1:2], "--jobs", "1", "--fail-on", "warning")
    assert proc.returncode == 1
    (center,) = json.loads(proc.stdout)["centers"]
    assert {r["status"] for r in center["results"]} == {"error", "not_applicable"}


# ---------------------------------------------------------------- pooled == in process


@pytest.mark.parametrize("jobs", [1, 2])
def test_pooled_evaluation_gives_the_same_report_as_in_process(
    jobs: int, loaded: tuple[Standard, Rulebook, list[CenterDoc]], baseline: dict[str, Any]
) -> None:
    assert evaluate_examples(loaded, jobs) == baseline


def test_pooled_runner_with_many_chunks_gives_the_matches_of_in_process(
    loaded: tuple[Standard, Rulebook, list[CenterDoc]],
) -> None:
    """evaluate_pooled splits the centers into chunks over the workers; the matches must not depend on it."""
    standard, rulebook, centers = loaded
    as_of = dt.date.fromisoformat(AS_OF)
    definitions: dict[str, Any] = {}
    tasks = []
    for key, center in enumerate(sorted(centers, key=lambda c: c.id)):
        ruleset = compile_standard(standard, rulebook, center.tier, as_of)
        definitions.setdefault(ruleset.name, ruleset.durable_definition())
        tasks.append(runner.Task(key, center.id, ruleset.name, build_facts(center, standard.registries).facts))
    reference = runner.evaluate_in_process(definitions, tasks)
    pooled = runner.evaluate_pooled(definitions, tasks, jobs=2, timeout=60, chunk=7)
    assert [r.key for r in pooled] == [t.key for t in tasks]
    assert all(r.error is None for r in pooled)
    assert [sorted(r.matches or []) for r in pooled] == [sorted(r.matches or []) for r in reference]
