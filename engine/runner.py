"""The only module that imports ``durable``: facts in, matches out.

durable_rules 2.0.28 is C, unmaintained, and has real crash modes (design.md), so:
- rulesets are defined from dicts (a deep copy: ``set_rulesets`` mutates it), named
  by content hash, and actions resolved by overriding ``Host.get_action``;
- its background timer threads are never started;
- every fact has a unique, kind-prefixed id; centers are evaluated in batches, one session
  per batch, deleted after it, so memory stays flat;
- it runs in a pool of worker processes with a timeout: a crash or a hang costs
  that center an ``error`` status, never the report or the process.

``durable`` is imported inside the worker only, so the parent process (CLI, API)
never loads the C extension.

Batches (measured on the bench's 10k national-mix centers, one core, ``sjz-proposed``, identical
matches: one center per session ≈ 80 µs a center, batches ≈ 43 µs, a center alone now ≈ 72 µs):
- every rule of a compiled ruleset reads one fact (``{"all": [{"m": …}]}``), so the matches of a
  fact do not depend on the other facts of its session: the centers of a batch share one session,
  each fact's id prefixed with the center's place in the batch (``"3|mat:0"``). A ruleset with a
  join is evaluated one center per session. A session costs ≈ 10 µs to create and delete
  (durable clears a few hundred kB for it), a large part of a village's evaluation;
- rules get ``cap``: one message carries every match of a rule in the batch, instead of one
  message (and one call) per match;
- the catch-all ``$sink`` still takes every fact (a fact no rule takes is refused) but never fires
  (``count`` past any batch's size): it was one message per fact;
- a ``$probe`` fact, asserted alone first, opens the session and its rule fires, so the session
  always has an action started before ``delete_state``: durable leaves a new session's action
  context uninitialised, and deleting a session that never started an action frees a garbage
  pointer (a segfault seen with a duplicate fact id, which raised before draining);
- the batch is one ``assert_facts`` call, written with orjson; what orjson writes otherwise than
  ``facts_json`` (an exponent, NaN, a date …) goes through ``facts_json``. durable's parser cannot
  read 1e-07, 1E5 or Infinity and then silently stops reading the whole call, later centers' facts
  too: a second probe, the batch's last fact, must match, or the batch fails;
- fact identity is a 32-bit hash of the id, per session: a collision in a batch, or any center
  the engine refuses, makes the batch fail, and its centers are evaluated again one by one, so
  only the refused center gets an error.
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

try:
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]

RULES_ENGINE = "durable_rules 2.0.28"
# a batch's clock starts when it is submitted, so it includes starting a worker process,
# importing durable_rules and registering rulesets: allow for that on a loaded machine
STARTUP_GRACE = 5.0

SID = "0"  # the session of a fact without "sid": one at a time, deleted after each batch
SINK = "$sink"
PROBE = "$probe"  # rule name and fact type of the probes, id of the first
_PROBE_FACTS = '[{"id":"$probe","t":"$probe"}]'
_END_FACT = '{"id":"$end","t":"$probe"}'  # the last fact of every batch
_END_MATCH = '{"$probe":{"m":{"id":"$end"'
# durable's count and cap are unsigned shorts: the sink fires only at this many facts, and a
# rule's message carries up to this many matches (more come in further messages)
_MANY = 65535
# batch bounds: the sink must not fire (< _MANY facts), and a fact-id hash collision, which
# sends a batch back one center at a time, stays rare (≈ n² / 2³³ for n facts: 0.8 % at 8,192)
MAX_BATCH_CENTERS = 256
MAX_BATCH_FACTS = 8192

Match = tuple[str, str]  # (durable rule name, fact id)
# a match frame, {"m":{"id":"<k>|<fact id>" as we write facts (compact, the prefixed id first);
# ("", "") for a frame written otherwise
_FRAME = re.compile(r'\{"m":(?:\{"id":"(\d+)\|([^"\\]*)")?')
# orjson writes 1e-07 and 1e+16 (escapes it writes as json.dumps does)
_EXPONENT = re.compile(rb"e[-+][0-9]")
_ORJSON_OPTIONS = (
    (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS)
    if orjson is not None
    else 0
)


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


def _single_fact(body: Any) -> bool:
    """A rule whose one condition reads one fact named ``m``: its matches do not depend on other facts."""
    if not isinstance(body, dict) or set(body) - {"all", "run", "pri", "count", "cap"}:
        return False
    conditions = body.get("all")
    return (
        isinstance(conditions, list)
        and len(conditions) == 1
        and isinstance(conditions[0], dict)
        and list(conditions[0]) == ["m"]
        and '"$s"' not in json.dumps(conditions)  # no reference to the session's state
    )


def engine_rules(definition: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A compiled ruleset's rules as this module gives them to durable, and whether its centers
    may share a session (every rule reads one fact)."""
    rules: dict[str, Any] = {}
    for rule, body in definition.items():
        rules[rule] = {k: v for k, v in body.items() if k != "run"}
        if "count" not in body and "cap" not in body:
            rules[rule]["count" if rule == SINK else "cap"] = _MANY
    rules[PROBE] = {"all": [{"m": {"t": PROBE}}]}
    return rules, all(_single_fact(body) for body in definition.values())


class DurableEvaluator:
    """durable_rules' engine, driven directly: evaluates batches of centers, one session a batch.

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
        self._shared: dict[str, bool] = {}  # ruleset → its centers may share a session

    def register(self, name: str, definition: dict[str, Any]) -> None:
        if name in self._handles:
            return
        if not definition:
            raise EngineError(f"ruleset {name} has no rules")  # durable_rules crashes on an empty ruleset
        if PROBE in definition:
            raise EngineError(f"ruleset {name} has a rule named {PROBE}")
        rules, shared = engine_rules(definition)
        self._handles[name] = self._engine.create_ruleset(name, json.dumps(rules, ensure_ascii=False))
        self._shared[name] = shared

    def shares_sessions(self, name: str) -> bool:
        """Whether centers of ruleset ``name`` (registered) may be evaluated in one session."""
        return self._shared.get(name, False)

    def evaluate(self, name: str, facts: list[dict[str, Any]]) -> list[Match]:
        """One center's matches."""
        return self.evaluate_batch(name, [facts])[0]

    def evaluate_batch(self, name: str, batch: Sequence[list[dict[str, Any]]]) -> list[list[Match]]:
        """The matches of each center of ``batch``, in one session. Raises (``EngineError`` or
        durable's own error) when the engine refuses any fact of the batch: retry the centers
        one by one to find which. A ruleset with a join takes one center at a time."""
        handle = self._handles[name]
        if len(batch) > 1 and not self._shared[name]:
            raise EngineError(f"ruleset {name} has a rule joining facts: one center per session")
        engine = self._engine
        text = batch_json(batch)
        out: list[list[Match]] = [[] for _ in batch]
        code, state = engine.assert_facts(handle, _PROBE_FACTS)
        if code != 0:  # a session left behind: clear it and open a new one
            self._close(handle, state)
            code, state = engine.assert_facts(handle, _PROBE_FACTS)
            if code != 0:
                self._close(handle, state)
                raise EngineError(f"durable_rules could not open a session (code {code})")
        try:
            code = engine.assert_facts(handle, text)[0]
            if code == 1:
                raise EngineError("a fact was taken by no rule (MessageNotHandled)")
            if code == 2:
                raise EngineError("a fact was asserted twice (MessageObserved)")
            if code != 0:
                raise EngineError(f"durable_rules deferred the facts (code {code})")
            ended = False
            started = engine.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                if message.startswith(_END_MATCH):
                    ended = True
                else:
                    _collect(message, out)
                message = engine.complete_and_start_action(handle, state)
            if not ended:
                # durable stops reading a batch at a value its parser cannot read (Infinity, 1e-07 …),
                # silently: the facts after it, other centers' too, are not evaluated
                raise EngineError("durable_rules stopped reading the facts early: a value it cannot read")
        finally:
            self._close(handle, state)
        return out

    def _close(self, handle: int, state: int) -> None:
        """Delete the session. The probe's action is there until drained, so the session has an
        action to start: starting one sets the context durable frees on delete (module notes)."""
        engine = self._engine
        try:
            engine.start_action_for_state(handle, state)
        except Exception:
            pass
        try:
            engine.delete_state(handle, SID)
        except Exception:
            pass


def _collect(message: str, out: list[list[Match]]) -> None:
    """One action's matches, {"<rule>":[{"m":{"id":"<k>|<fact id>",…}},…]}, into ``out[k]``."""
    rule = message[2 : message.find('"', 2)]
    if rule in (SINK, PROBE):
        return
    if "\\" not in message:
        # no escape anywhere: the rule name is as read, and every {"m": opens a frame; a frame of a fact
        # we wrote starts with its prefixed id. Reading ids with a regex spares parsing every fact
        found = _FRAME.findall(message)
        if found and ("", "") not in found:
            for k, fact_id in found:
                out[int(k)].append((rule, fact_id))
            return
    for rule, frames in json.loads(message).items():
        if rule in (SINK, PROBE):
            continue
        for frame in frames if isinstance(frames, list) else [frames]:
            k, sep, fact_id = frame["m"]["id"].partition("|")
            if not sep or not k.isdigit() or int(k) >= len(out):
                raise EngineError(f"a match of {rule} on a fact not of the batch: {frame['m']['id']!r}")
            out[int(k)].append((rule, fact_id))


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
    """Flat facts as compact JSON with every number written positionally (1e-05 → 0.00001)."""
    if not any(isinstance(v, float) and "e" in repr(v) for f in facts for v in f.values()):
        return json.dumps(facts, ensure_ascii=False, separators=(",", ":"))
    return (
        "["
        + ",".join(
            "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_scalar(v)}" for k, v in f.items()) + "}"
            for f in facts
        )
        + "]"
    )


def _slow_center_json(k: int, facts: list[dict[str, Any]]) -> bytes:
    """One center's facts through ``facts_json``, ids prefixed with ``k|``, without the brackets."""
    prefixed = []
    for fact in facts:
        fact_id = fact.get("id")
        if not isinstance(fact_id, str):
            raise EngineError(f"a fact without a string id: {fact_id!r}")
        prefixed.append({"id": f"{k}|{fact_id}", **{f: v for f, v in fact.items() if f not in ("id", "sid")}})
    return facts_json(prefixed)[1:-1].encode()


def _plain(blob: bytes, facts: int) -> bool:
    """Whether orjson's ``blob`` of ``facts`` facts, ids prefixed, is what durable must get: every "{"
    opens a fact (none nested, none in a string) and starts with a string id, so the ids and only
    they were prefixed; no exponent (durable misreads 1e-07 and drops the fact), no null (orjson's
    NaN and ±inf: json.dumps writes NaN), no "sid" (each fact would choose its session)."""
    return (
        blob.count(b"{") == facts
        and blob.count(b'{"id":"') == facts
        and b"null" not in blob
        and b'"sid":' not in blob
        and _EXPONENT.search(blob) is None
    )


def batch_json(batch: Sequence[list[dict[str, Any]]]) -> str:
    """The facts of a batch of centers as one JSON array, each center's in its order, ids prefixed
    with the center's place in the batch (``3|mat:0``), then the end probe. orjson writes them;
    what it would write otherwise than ``facts_json`` goes through ``facts_json``."""
    if orjson is None:  # pragma: no cover
        parts = [_slow_center_json(k, facts) for k, facts in enumerate(batch) if facts]
        return "[" + "".join(p.decode() + "," for p in parts) + _END_FACT + "]"
    blobs: list[bytes | None] = []
    for k, facts in enumerate(batch):
        try:
            blobs.append(orjson.dumps(facts, option=_ORJSON_OPTIONS)[1:-1].replace(b'{"id":"', b'{"id":"%d|' % k))
        except TypeError:  # what orjson refuses (a date, a subclass, a huge int): facts_json decides
            blobs.append(None)
    if None not in blobs:
        text = b",".join(blob for blob in blobs if blob)
        if _plain(text, sum(map(len, batch))):  # the batch looked at once: cheaper than center by center
            return "[" + text.decode() + ("," if text else "") + _END_FACT + "]"
    parts = [
        blob if blob is not None and _plain(blob, len(facts)) else _slow_center_json(k, facts)
        for k, (facts, blob) in enumerate(zip(batch, blobs, strict=True))
        if facts
    ]
    return "[" + "".join(p.decode() + "," for p in parts) + _END_FACT + "]"


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


def batches(tasks: Sequence[Task], shared: Callable[[str], bool]) -> list[list[int]]:
    """Task indexes in batches: one ruleset each, at most MAX_BATCH_CENTERS centers and
    MAX_BATCH_FACTS facts (a larger center alone); one center each where ``shared`` says no."""
    out: list[list[int]] = []
    filling: dict[str, tuple[list[int], int]] = {}  # ruleset → (its batch being filled, its facts)
    for i, task in enumerate(tasks):
        n = len(task.facts)
        current = filling.get(task.ruleset)
        if current is not None and (
            len(current[0]) >= MAX_BATCH_CENTERS or current[1] + n > MAX_BATCH_FACTS or not shared(task.ruleset)
        ):
            current = None
        if current is None:
            current = ([], 0)
            out.append(current[0])
        current[0].append(i)
        filling[task.ruleset] = (current[0], current[1] + n)
    return out


def _work(definitions: dict[str, dict[str, Any]], tasks: list[Task]) -> list[TaskResult]:
    global _WORKER
    if _WORKER is None:
        _WORKER = DurableEvaluator()
    worker = _WORKER
    for name, definition in definitions.items():
        worker.register(name, definition)
    results: list[TaskResult | None] = [None] * len(tasks)

    def one(i: int) -> None:
        task = tasks[i]
        try:
            results[i] = TaskResult(task.key, worker.evaluate(task.ruleset, task.facts))
        except Exception as exc:
            results[i] = TaskResult(task.key, None, f"{type(exc).__name__}: {exc}")

    faulty = bool(os.environ.get("HALLMARK_FAULT"))
    for batch in batches(tasks, worker.shares_sessions):
        if faulty:
            for i in batch:
                _inject_fault(tasks[i].label)
        if len(batch) == 1:
            one(batch[0])
            continue
        try:
            found = worker.evaluate_batch(tasks[batch[0]].ruleset, [tasks[i].facts for i in batch])
        except Exception:
            for i in batch:  # which center did the engine refuse? each alone says
                one(i)
            continue
        for i, matches in zip(batch, found, strict=True):
            results[i] = TaskResult(tasks[i].key, matches)
    done = [r for r in results if r is not None]
    assert len(done) == len(tasks), "every task has its result"
    return done


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
