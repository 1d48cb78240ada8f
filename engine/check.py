"""The façade: ``check()`` — centers + standard (+ waivers) → ``Report``.

Compile once per (standard, tier, as-of), build each center's facts, evaluate them
(durable_rules in worker processes by default), reduce the matches per clause and
dress them as results. Centers come out ordered by id, clauses in standard order.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine import pyeval, runner
from engine.center import CenterDoc, load_centers
from engine.compiler import CompiledRuleset, compile_standard
from engine.errors import InputError, Location
from engine.facts import build_facts
from engine.kinds import Outcome
from engine.pipeline import Outcome as StreamOutcome
from engine.pipeline import check_stream
from engine.report import CenterReport, Report, build_result, engine_receipt
from engine.rulebook import Rulebook, load_rulebook
from engine.standard import Standard, load_standard
from engine.waivers import Waiver, load_waivers

ENGINES = ("durable", "python")


@dataclass
class Options:
    as_of: dt.date | None = None
    jobs: int | None = None  # None: one per core; 0: in this process, no isolation
    engine: str = "durable"
    timeout: float = 60.0
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    # a long-lived pool (the API's): (definitions, tasks, timeout) -> results in task order; None: a pool per call
    pool: Callable[[dict[str, dict[str, Any]], Sequence[runner.Task], float], list[runner.TaskResult]] | None = None
    # called with (centers done, centers in all) as batches finish; the CLI draws a progress bar with it
    progress: Callable[[int, int], None] | None = None


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def parse_as_of(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError.one(
            "bad_date",
            f"--as-of 不是有效日期：{text}",
            f"--as-of is not a date: {text}",
            Location("--as-of"),
            expected="YYYY-MM-DD",
        ) from None


def evaluate(
    standard: Standard,
    rulebook: Rulebook,
    centers: Sequence[CenterDoc],
    waivers: dict[tuple[str, str], Waiver],
    options: Options,
) -> Report:
    now = options.clock()
    as_of = options.as_of or now.date()
    registries = standard.registries
    prepared = []
    definitions: dict[str, dict[str, Any]] = {}
    tasks = []
    for key, center in enumerate(sorted(centers, key=lambda c: c.id)):
        facts = build_facts(center, registries)
        ruleset = compile_standard(standard, rulebook, center.tier, as_of)
        definitions.setdefault(ruleset.name, ruleset.definition)
        prepared.append((center, facts, ruleset))
        tasks.append(runner.Task(key, center.id, ruleset.name, facts.facts))

    if options.engine == "python":
        results = [runner.TaskResult(t.key, pyeval.evaluate(prepared[t.key][2], t.facts)) for t in tasks]
    elif options.pool is not None:
        results = options.pool(definitions, tasks, options.timeout)
    elif options.jobs == 0:
        results = runner.evaluate_in_process(definitions, tasks)
    else:
        done = [0]

        def advance(n: int) -> None:
            done[0] += n
            if options.progress is not None:
                options.progress(done[0], len(tasks))

        results = runner.evaluate_pooled(
            definitions, tasks, options.jobs or default_jobs(), options.timeout, progress=advance
        )

    reports = []
    for (center, facts, ruleset), result in zip(prepared, results, strict=True):
        reports.append(_center_report(center, facts, ruleset, result, waivers, as_of))
    return Report(
        generated_at=now,
        as_of=as_of,
        standard=standard.receipt(),
        engine=engine_receipt(options.engine),
        centers=reports,
        rules_sha256=rulebook.sha256,
    )


def _center_report(center, facts, ruleset: CompiledRuleset, result: runner.TaskResult, waivers, as_of) -> CenterReport:  # type: ignore[no-untyped-def]
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rule_index = ruleset.rule_index
    for rule_name, fact_id in result.matches or []:
        clause_id, tag = rule_index[rule_name]
        seen[clause_id].append((tag, fact_id))
    out = []
    center_id = center.id
    registries = ruleset.standard.registries
    matches = result.matches
    for cc, clause_id, judged in ruleset.plan:
        outcome: Outcome | None = None
        if judged is not None:
            reduce, spec, compiled = judged
            if matches is None:
                outcome = Outcome("error", compiled.expected, None, detail=result.error or "")
            else:
                try:
                    outcome = reduce(spec, compiled, seen[clause_id], facts)
                except Exception as exc:
                    outcome = Outcome("error", compiled.expected, None, detail=f"{type(exc).__name__}: {exc}")
        waiver = waivers.get((center_id, clause_id)) if waivers else None
        out.append(build_result(cc, outcome, facts, registries, waiver, as_of))
    return CenterReport(center.id, center.name, center.tier, center.file, center.sha256, out, facts.notices)


def check_to(
    paths: Sequence[str],
    fmt: str,
    output: str | None,
    standard: str = "sjz-proposed",
    waivers_file: str | None = None,
    options: Options | None = None,
) -> StreamOutcome:
    """Check and write the report as json or jsonl to ``output`` (None: stdout) as centers finish,
    in memory that does not grow with the input (engine/pipeline.py). Returns the exit-code facts."""
    options = options or Options()
    problems = []
    try:
        loaded_standard = load_standard(standard)
    except InputError as exc:
        problems.extend(exc.problems)
    try:
        rulebook = load_rulebook()
    except InputError as exc:
        problems.extend(exc.problems)
    waivers: dict[tuple[str, str], Waiver] = {}
    if waivers_file:
        try:
            waivers = load_waivers(waivers_file)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        check(paths, standard, waivers_file, options)  # raises with every problem, the centers' included
        raise InputError(problems)
    return check_stream(
        paths,
        loaded_standard,
        rulebook,
        waivers,
        fmt,
        output,
        as_of=options.as_of,
        jobs=options.jobs,
        engine=options.engine,
        timeout=options.timeout,
        clock=options.clock,
        progress=options.progress,
    )


def check(
    paths: Sequence[str],
    standard: str = "sjz-proposed",
    waivers_file: str | None = None,
    options: Options | None = None,
) -> Report:
    """Load everything first (every input problem is reported before anything runs), then evaluate."""
    options = options or Options()
    problems = []
    loaded_standard = rulebook = None
    centers: list[CenterDoc] = []
    waivers: dict[tuple[str, str], Waiver] = {}
    for load in ("standard", "rules", "centers", "waivers"):
        try:
            if load == "standard":
                loaded_standard = load_standard(standard)
            elif load == "rules":
                rulebook = load_rulebook()
            elif load == "centers":
                centers = load_centers(paths)
            elif waivers_file:
                waivers = load_waivers(waivers_file)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    assert loaded_standard is not None and rulebook is not None
    return evaluate(loaded_standard, rulebook, centers, waivers, options)
