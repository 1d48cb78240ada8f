"""The only module that imports ``durable``: facts in, matches out.

durable_rules 2.0.28 is C, unmaintained, and has real crash modes (design.md), so:
- rulesets are defined from dicts (a deep copy: ``set_rulesets`` mutates it), named
  by content hash, and actions resolved by overriding ``Host.get_action``;
- its background timer threads are never started;
- every fact has a unique, kind-prefixed id; one fixed session id per worker and
  ``delete_state`` after each center, so memory stays flat;
- it runs in a pool of worker processes with a timeout: a crash or a hang costs
  that center an ``error`` status, never the report or the process.

``durable`` is imported inside the worker only, so the parent process (CLI, API)
never loads the C extension.
"""

from __future__ import annotations

import decimal
import importlib
import json
import multiprocessing
import os
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

SESSION = "hallmark"
RULES_ENGINE = "durable_rules 2.0.28"
# a batch's clock starts when it is submitted, so it includes starting a worker process,
# importing durable_rules and registering rulesets: allow for that on a loaded machine
STARTUP_GRACE = 5.0

Match = tuple[str, str]  # (durable rule name, fact id)
_MATCH = re.compile(r'\{"([^"\\]*)":\{"m":\{"id": ?"([^"\\]*)"')


@dataclass(frozen=True)
class Task:
    """One center to evaluate against one ruleset."""

    key: int
    label: str  # the center id, for messages and fault injection
    ruleset: str
    facts: list[dict[str, Any]]


@dataclass(frozen=True)
class TaskResult:
    key: int
    matches: list[Match] | None
    error: str | None = None


class EngineError(RuntimeError):
    """durable_rules refused a batch (a fact no rule takes, a fact asserted twice …)."""


class DurableEvaluator:
    """durable_rules' engine, driven directly: evaluates one center at a time in a fixed session.

    The rulesets are created from their JSON with ``create_ruleset``; after ``assert_facts``
    the matches are drained with ``start_action_for_state`` / ``complete_and_start_action``,
    reading only each match's rule name and fact id. durable's Python ``Host`` (actions
    through promises and closures, timer threads) is not used: it costs ~25 µs a match
    and runs background threads (design.md).
    """

    def __init__(self) -> None:
        # the only import of durable in hallmark: its C extension
        self._engine: Any = importlib.import_module("durable_rules_engine")
        self._handles: dict[str, int] = {}

    def register(self, name: str, definition: dict[str, Any]) -> None:
        if name in self._handles:
            return
        if not definition:
            raise EngineError(f"ruleset {name} has no rules")  # durable_rules crashes on an empty ruleset
        rules = {rule: {k: v for k, v in body.items() if k != "run"} for rule, body in definition.items()}
        self._handles[name] = self._engine.create_ruleset(name, json.dumps(rules, ensure_ascii=False))

    def evaluate(self, name: str, facts: list[dict[str, Any]]) -> list[Match]:
        handle = self._handles[name]
        engine = self._engine
        # the batch as JSON we write ourselves: durable_rules' parser crashes on exponents (1e-05)
        text = facts_json([{**f, "sid": SESSION} for f in facts])
        matches: list[Match] = []
        try:
            code, state = engine.assert_facts(handle, text)
            if code == 1:
                raise EngineError("a fact was taken by no rule (MessageNotHandled)")
            if code == 2:
                raise EngineError("a fact was asserted twice (MessageObserved)")
            if code == 3:
                return matches
            started = engine.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                # a match is {"<rule>":{"m":{"id": "<fact id>", …}}}: read the two names without
                # parsing the whole fact (json.loads was 40 % of evaluation); anything else is parsed
                head = _MATCH.match(message)
                if head is not None and message.count('{"m":') == 1:
                    if head.group(1) != "$sink":
                        matches.append((head.group(1), head.group(2)))
                else:
                    for rule, match in json.loads(message).items():
                        if rule != "$sink":
                            matches.append((rule, match["m"]["id"]))
                message = engine.complete_and_start_action(handle, state)
        finally:
            try:
                engine.delete_state(handle, SESSION)
            except Exception:
                pass
        return matches


def _number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    return format(decimal.Decimal(text), "f") if "e" in text or "E" in text else text


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return _number(value)
    return json.dumps(value, ensure_ascii=False)


def facts_json(facts: list[dict[str, Any]]) -> str:
    """Flat facts as JSON with every number written positionally (1e-05 → 0.00001)."""
    if not any(isinstance(v, float) and "e" in repr(v) for f in facts for v in f.values()):
        return json.dumps(facts, ensure_ascii=False)
    return (
        "["
        + ",".join(
            "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_scalar(v)}" for k, v in f.items()) + "}"
            for f in facts
        )
        + "]"
    )


# ---------------------------------------------------------------- worker process

_WORKER: DurableEvaluator | None = None


def _inject_fault(label: str) -> None:
    """Test hook: HALLMARK_FAULT=crash:<center id> or hang:<center id> (see tests/unit/engine/test_runner.py)."""
    fault = os.environ.get("HALLMARK_FAULT", "")
    mode, _, target = fault.partition(":")
    if target and target == label:
        if mode == "crash":
            os._exit(139)
        if mode == "hang":
            time.sleep(3600)


def _work(definitions: dict[str, dict[str, Any]], tasks: list[Task]) -> list[TaskResult]:
    global _WORKER
    if _WORKER is None:
        _WORKER = DurableEvaluator()
    out = []
    for name, definition in definitions.items():
        _WORKER.register(name, definition)
    for task in tasks:
        _inject_fault(task.label)
        try:
            out.append(TaskResult(task.key, _WORKER.evaluate(task.ruleset, task.facts)))
        except Exception as exc:
            out.append(TaskResult(task.key, None, f"{type(exc).__name__}: {exc}"))
    return out


def evaluate_in_process(definitions: dict[str, dict[str, Any]], tasks: Sequence[Task]) -> list[TaskResult]:
    """No pool: for tests and ``--jobs 0`` (a crash in the engine takes the process with it)."""
    return _work(definitions, list(tasks))


# ---------------------------------------------------------------- pool


def _new_pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("forkserver"))


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers and wait for its manager thread (crash, hang, or done)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        try:
            proc.kill()
        except Exception:
            pass
    # wait: its manager thread must close its wake-up pipe before the interpreter exits, or
    # concurrent.futures' atexit hook may write to the closed pipe ("Bad file descriptor" traceback)
    pool.shutdown(wait=True, cancel_futures=True)


def _run_chunks(
    definitions: dict[str, dict[str, Any]],
    chunks: list[list[Task]],
    jobs: int,
    timeout: float,
    results: dict[int, TaskResult],
    final: bool,
    progress: Callable[[int], None] | None = None,
) -> list[Task]:
    """Run chunks in a fresh pool. Returns the tasks of chunks whose worker died or hung
    (all of them suspects: a dead worker breaks every future in flight). With ``final``,
    those get error results instead."""
    queue: deque[list[Task]] = deque(chunks)
    suspects: list[Task] = []
    while queue:
        pool = _new_pool(jobs)
        running: dict[Future[list[TaskResult]], tuple[list[Task], float]] = {}
        try:
            while queue or running:
                while queue and len(running) < jobs:
                    part = queue.popleft()
                    running[pool.submit(_work, definitions, part)] = (part, time.monotonic())
                done, _ = wait(list(running), timeout=0.1, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    part, _started = running.pop(fut)
                    try:
                        for r in fut.result():
                            results[r.key] = r
                        if progress is not None:
                            progress(len(part))
                    except BrokenProcessPool:
                        broken = True
                        suspects.extend(part)
                    except Exception as exc:
                        for t in part:
                            results[t.key] = TaskResult(t.key, None, f"{type(exc).__name__}: {exc}")
                now = time.monotonic()
                hung = [f for f, (part, started) in running.items() if now - started > timeout + STARTUP_GRACE]
                for f in hung:
                    part = running.pop(f)[0]
                    if len(part) == 1:  # a hang is its own future's: a center alone that hangs is the culprit
                        results[part[0].key] = TaskResult(
                            part[0].key, None, f"timeout: the rules engine gave no verdict within {timeout:g} s"
                        )
                    else:
                        suspects.extend(part)
                if broken or hung:
                    # the pool is gone or must be killed: what was still in flight runs again as it was
                    queue.extendleft(part for part, _ in running.values())
                    running.clear()
                    break
        finally:
            kill_pool(pool)
    if final:
        for t in suspects:
            results[t.key] = TaskResult(
                t.key, None, f"the rules engine crashed or gave no verdict within {timeout:g} s on this center"
            )
        return []
    return suspects


def evaluate_pooled(
    definitions: dict[str, dict[str, Any]],
    tasks: Sequence[Task],
    jobs: int,
    timeout: float = 60.0,
    chunk: int = 64,
    progress: Callable[[int], None] | None = None,
) -> list[TaskResult]:
    """Evaluate in ``jobs`` worker processes. The centers of a chunk whose worker dies or
    outlives ``timeout`` seconds per center are retried alone, one at a time, in a fresh
    worker; a center that fails alone gets an error result. Results come in task order."""
    results: dict[int, TaskResult] = {}
    chunks = [list(tasks[i : i + chunk]) for i in range(0, len(tasks), chunk)]
    suspects = _run_chunks(definitions, chunks, max(1, jobs), timeout, results, final=False, progress=progress)
    if suspects:
        _run_chunks(definitions, [[t] for t in suspects], 1, timeout, results, final=True, progress=progress)
    return [results[t.key] for t in tasks]
