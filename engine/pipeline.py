"""Streaming check for bulk input: ``--format json`` and ``--format jsonl`` written as centers finish.

``check()`` (engine.check) reads every center, then evaluates, then builds one ``Report`` in
memory: right for a city, not for a country (641,000 centers ≈ 15 GB of JSON). ``check_stream``
gives the same bytes with memory that does not grow with the input:

- the input is cut into *units* (a YAML or JSON file; a JSON Lines file in slices of whole
  lines), and each unit goes to a worker process that reads it (engine.fastload, the strict
  loader for what the fast path declines), validates, builds facts, evaluates (durable_rules,
  or the python evaluator), builds the center reports and serialises them. The parent only
  writes the bytes, in unit order;
- crash isolation is kept: a unit whose worker dies or outlives its time is run again in the
  parent's safe mode — read here, evaluated by ``runner.evaluate_pooled`` with its per-center
  retry — so a crash or hang costs that center an ``error`` status and nothing else;
- input problems are all reported, as ``check()`` reports them: once one is found, the remaining
  units are only read and validated, the partial output is removed and one ``InputError`` with
  every problem is raised (duplicate center ids across files included);
- order: ``json`` lists centers by id, as ``check()`` does. Centers go to a spool file in input
  order; when their ids come in ascending order (the bench's data, any sorted export) the spool is
  the report, else it is copied out in id order through an index kept on disk. ``jsonl`` keeps the
  input order (files as a folder walk sorts them, centers in file order): one line of report header,
  then one line per center.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import pyeval, runner
from engine.center import CenterDoc
from engine.encode import CenterEncoder
from engine.errors import InputError, Location, Problem
from engine.fastload import Unit, load_unit, plan_units, strict_jsonl_line
from engine.report import CenterReport, Report, Severity, Status, engine_receipt
from engine.rulebook import Rulebook
from engine.standard import Standard
from engine.validate import problem
from engine.waivers import Waiver

try:
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]

STREAM_FORMATS = ("json", "jsonl")
JSONL_SLICE = 512 * 1024  # bytes of JSON Lines per unit
UNIT_BYTES_PER_TIMEOUT = 64 * 1024  # a unit may take one more --timeout per this many bytes


@dataclass
class UnitResult:
    """A unit's reports, serialised, and what the parent needs of them — per unit, not per center.

    ``text``: the reports joined as the output has them (json: ",\n" between centers; jsonl: a
    newline after each), so one bytes object crosses the process boundary and is written with one
    call. ``index``: a JSON list of ``[id, offset in text, length, file, line, column, base path]``
    per center, the parent's index of the output (for id order and duplicate ids) once it adds
    the unit's own offset. ``first``/``last``/``ascending``: the ids' order; ``error``,
    ``fail_rank``, ``nd_rank``: the exit-code facts (ranks -1: none).
    """

    centers: int = 0
    text: bytes = b""
    part: str = ""  # or: the file in ``Job.spool`` that holds ``text`` (the parent moves it into the output)
    index: bytes = b"[]"
    first: str = ""
    last: str = ""
    ascending: bool = True
    error: bool = False
    fail_rank: int = -1
    nd_rank: int = -1
    problems: list[Problem] = field(default_factory=list)
    evaluated: bool = True


def _unit_result(centers: list[CenterDoc], texts: list[bytes], reports: list[CenterReport], fmt: str) -> UnitResult:
    """``texts`` (one per center; empty when not evaluated) and the reports' statuses, summed up."""
    out = UnitResult(centers=len(centers), evaluated=bool(reports))
    index: list[list[Any]] = []
    offset, sep = 0, (1 if fmt == "jsonl" else 2)
    last = None
    for center, text in zip(centers, texts, strict=True):
        loc = center.location(("id",))
        index.append([center.id, offset, len(text), loc.file, loc.line, loc.column, list(center.base)])
        offset += len(text) + sep
        if last is not None and center.id <= last:
            out.ascending = False
        last = center.id
    for report in reports:
        for r in report.results:
            status = r.status
            if status is Status.NOT_APPLICABLE or status is Status.PASS:
                continue  # most of them: two identity tests, not three comparisons
            if status == Status.ERROR:
                out.error = True
            elif status == Status.FAIL:
                out.fail_rank = max(out.fail_rank, r.severity.rank)
            elif status == Status.NOT_DECLARED:
                out.nd_rank = max(out.nd_rank, r.severity.rank)
    if centers:
        out.first, out.last = centers[0].id, centers[-1].id
    out.index = _dumps(index)
    return out


def _pieces(texts: list[bytes], fmt: str) -> list[bytes]:
    """The centers' bytes with what the output puts between them (json: ",\n"; jsonl: "\n" after each)."""
    sep = b"\n" if fmt == "jsonl" else b",\n"
    pieces = [sep] * (2 * len(texts))
    pieces[::2] = texts
    return pieces if fmt == "jsonl" else pieces[:-1]


# ---------------------------------------------------------------- evaluating and serialising


_ENCODERS: dict[str, CenterEncoder] = {}


def _dumps(value: Any) -> bytes:
    """One index line (orjson when it can: the parent writes one per center)."""
    if orjson is not None:
        try:
            return bytes(orjson.dumps(value))
        except TypeError:  # a lone surrogate in a file name: json escapes it
            pass
    return json.dumps(value).encode()


def center_json(report: CenterReport, fmt: str) -> bytes:
    """One center as ``JsonOutput`` writes it inside ``"centers": [...]`` (json), or as one line (jsonl)."""
    encoder = _ENCODERS.get(fmt)
    if encoder is None:
        encoder = _ENCODERS[fmt] = CenterEncoder(fmt)
    return encoder.encode(report)


@dataclass
class Job:
    """What every unit is checked against (sent once to each worker)."""

    standard: Standard
    rulebook: Rulebook
    waivers: dict[tuple[str, str], Waiver]
    as_of: dt.date
    engine: str
    fmt: str
    spool: str = ""  # a folder beside the output: a unit's bytes are left there, not sent back


def evaluate_centers(job: Job, centers: list[CenterDoc], results: list[runner.TaskResult] | None = None) -> UnitResult:
    """Reports of ``centers``; evaluated here (durable_rules in this process) unless ``results`` are given."""
    from engine.check import _center_report
    from engine.compiler import compile_standard
    from engine.facts import build_facts

    registries = job.standard.registries
    prepared = []
    for i, center in enumerate(centers):
        facts = build_facts(center, registries)
        ruleset = compile_standard(job.standard, job.rulebook, center.tier, job.as_of)
        prepared.append((i, center, facts, ruleset))
    if results is None:
        if job.engine == "python":
            results = [runner.TaskResult(i, pyeval.evaluate(rs, f.facts)) for i, _, f, rs in prepared]
        else:
            definitions = {rs.name: rs.definition for _, _, _, rs in prepared}
            tasks = [runner.Task(i, c.id, rs.name, f.facts) for i, c, f, rs in prepared]
            results = runner.evaluate_in_process(definitions, tasks)
    reports = [
        _center_report(center, facts, ruleset, result, job.waivers, job.as_of)
        for (_, center, facts, ruleset), result in zip(prepared, results, strict=True)
    ]
    texts = [center_json(r, job.fmt) for r in reports]
    result = _unit_result(centers, texts, reports, job.fmt)
    pieces = _pieces(texts, job.fmt)
    if not job.spool or not pieces:
        result.text = b"".join(pieces)
        return result
    # the bytes go to the output through the file system (the parent asks the kernel to copy them:
    # os.copy_file_range), not through the pool's pipe and two more copies in Python; written
    # with writev, not joined first
    fd, result.part = tempfile.mkstemp(dir=job.spool, suffix=".part")
    try:
        for k in range(0, len(pieces), 1024):  # IOV_MAX
            chunk = pieces[k : k + 1024]
            done = os.writev(fd, chunk) if hasattr(os, "writev") else 0
            rest = memoryview(b"".join(chunk))[done:] if done < sum(map(len, chunk)) else b""
            while rest:  # a short write (or no writev): the rest the plain way
                rest = rest[os.write(fd, rest) :]
    finally:
        os.close(fd)
    return result


_JOB: Job | None = None


def _init_worker(job: Job) -> None:
    global _JOB
    _JOB = job
    # what the worker holds for its whole life (the standard, compiled rulesets, durable_rules'
    # rulesets, caches) is frozen out of the collector's passes, and young collections come 100×
    # less often: a unit makes ≈ 10⁶ short-lived objects, nearly all freed by reference counting.
    # Measured on 100k YAML centers, --jobs 2: worker CPU -9 %, wall -7 %, peak RSS unchanged.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def _read(job: Job, unit: Unit, evaluate: bool) -> list[CenterDoc] | UnitResult:
    """The unit's centers to evaluate, or all it gives without evaluating: its input problems, or
    (``evaluate`` false: a problem was found elsewhere) its centers' ids and places for the index."""
    try:
        centers = load_unit(unit)
    except InputError as exc:
        return UnitResult(problems=list(exc.problems), evaluated=False)
    if not evaluate:
        return _unit_result(centers, [b""] * len(centers), [], job.fmt)
    return centers


def run_unit(unit: Unit, evaluate: bool, job: Job | None = None) -> UnitResult:
    job = job or _JOB
    assert job is not None
    centers = _read(job, unit, evaluate)
    return centers if isinstance(centers, UnitResult) else evaluate_centers(job, centers)


def _safe_unit(job: Job, unit: Unit, evaluate: bool, jobs: int, timeout: float) -> UnitResult:
    """A unit whose worker died or hung: read here, each center evaluated in the isolating pool."""
    centers = _read(job, unit, evaluate)
    if isinstance(centers, UnitResult):
        return centers
    from engine.compiler import compile_standard
    from engine.facts import build_facts

    definitions: dict[str, dict[str, Any]] = {}
    tasks = []
    for i, center in enumerate(centers):
        ruleset = compile_standard(job.standard, job.rulebook, center.tier, job.as_of)
        definitions.setdefault(ruleset.name, ruleset.definition)
        tasks.append(runner.Task(i, center.id, ruleset.name, build_facts(center, job.standard.registries).facts))
    results = runner.evaluate_pooled(definitions, tasks, jobs, timeout)
    return evaluate_centers(job, centers, results)


# ---------------------------------------------------------------- the parent


@dataclass
class Outcome:
    """What ``check_stream`` found: the exit-code facts of every center, and how many there were."""

    centers: int = 0
    error: bool = False
    fail_rank: int = -1
    nd_rank: int = -1

    def add(self, unit: UnitResult) -> None:
        self.centers += unit.centers
        self.error = self.error or unit.error
        self.fail_rank = max(self.fail_rank, unit.fail_rank)
        self.nd_rank = max(self.nd_rank, unit.nd_rank)

    def worst(self, fail_on: str, strict: bool = False) -> bool:
        """``Report.worst`` of the report written."""
        if fail_on == "never":
            return False
        floor = Severity(fail_on).rank
        return self.error or self.fail_rank >= floor or (strict and self.nd_rank >= floor)


def _pool(jobs: int, job: Job) -> ProcessPoolExecutor:
    # fork: the worker starts with the parent's modules already imported (≈ 0.1 s, not forkserver's
    # ≈ 0.4 s); the parent has not loaded durable_rules and runs no threads of its own
    # (a parent with threads of its own — a server, a test runner — gets forkserver, as runner.py uses)
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context(method), initializer=_init_worker, initargs=(job,)
    )


def _run_units(
    job: Job,
    units: list[Unit],
    jobs: int,
    timeout: float,
    on_result: Callable[[int, UnitResult], bool],
) -> None:
    """Run every unit; ``on_result(i, result)`` is called in unit order and answers whether to keep evaluating."""
    evaluate = True
    done: dict[int, UnitResult] = {}
    written = 0

    def flush() -> None:
        nonlocal written, evaluate
        while written in done:
            evaluate = on_result(written, done.pop(written)) and evaluate
            written += 1

    if jobs == 0:
        for i, unit in enumerate(units):
            done[i] = run_unit(unit, evaluate, job)
            flush()
        return
    queue = list(range(len(units)))[::-1]  # a stack: pop() gives the next unit
    while queue:
        pool = _pool(jobs, job)
        running: dict[Future[UnitResult], tuple[int, float]] = {}
        suspects: list[int] = []
        try:
            while queue or running:
                while queue and len(running) < 2 * jobs and queue[-1] - written < 8 * jobs:
                    i = queue.pop()
                    running[pool.submit(run_unit, units[i], evaluate)] = (i, time.monotonic())
                finished, _ = wait(list(running), timeout=0.1, return_when=FIRST_COMPLETED)
                broken = False
                for fut in finished:
                    i, _ = running.pop(fut)
                    try:
                        done[i] = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        suspects.append(i)
                now = time.monotonic()
                for fut, (i, started) in list(running.items()):
                    size = os.path.getsize(units[i].file) if units[i].end < 0 else units[i].end - units[i].start
                    limit = timeout + runner.STARTUP_GRACE + timeout * (size // UNIT_BYTES_PER_TIMEOUT)
                    if now - started > limit:
                        running.pop(fut)
                        suspects.append(i)
                        broken = True
                if broken:
                    # the pool is gone or must go: the units still in flight run again as they were
                    queue.extend(sorted((i for i, _ in running.values()), reverse=True))
                    running.clear()
                    for i in sorted(suspects):
                        done[i] = _safe_unit(job, units[i], evaluate, jobs, timeout)
                    suspects.clear()
                    flush()
                    break
                flush()
        finally:
            runner.kill_pool(pool)
    flush()


class _Output:
    """The report file being written: a temporary file renamed into place at the end (or copied to stdout)."""

    def __init__(self, output: str | None) -> None:
        self.output = output if output and output != "-" else None
        if self.output is None:
            fd, self.tmp = tempfile.mkstemp(prefix="hallmark-", suffix=".tmp")
            self.fh = os.fdopen(fd, "wb")
            return
        target = Path(self.output)
        try:
            if target.is_dir():
                raise IsADirectoryError(21, "is a directory")
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as exc:
            raise InputError.one(
                "unwritable_output",
                f"无法写入报告文件：{exc.strerror or exc}",
                f"cannot write the report: {exc.strerror or exc}",
                Location(self.output),
                expected="a writable file path",
            ) from None
        self.fh = os.fdopen(fd, "wb")

    def finish(self) -> None:
        self.fh.close()
        if self.output is None:
            sys.stdout.flush()
            with open(self.tmp, "rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer, 1 << 20)
            sys.stdout.buffer.flush()
            os.unlink(self.tmp)
            return
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)
        os.replace(self.tmp, self.output)

    def discard(self) -> None:
        self.fh.close()
        Path(self.tmp).unlink(missing_ok=True)


def header(report: Report, fmt: str) -> tuple[bytes, bytes]:
    """The bytes before the first center and after the last (between centers: ``,\\n`` for json)."""
    if fmt == "jsonl":
        return json.dumps(report.header_json(), ensure_ascii=False, separators=(",", ":")).encode() + b"\n", b""
    text = json.dumps({**report.header_json(), "centers": []}, ensure_ascii=False, indent=2)
    cut = text.rindex('"centers": []') + len('"centers": [')
    return text[:cut].encode() + b"\n", b"\n  ]\n}\n"


def check_stream(
    paths: Sequence[str],
    standard: Standard,
    rulebook: Rulebook,
    waivers: dict[tuple[str, str], Waiver],
    fmt: str,
    output: str | None,
    as_of: dt.date | None = None,
    jobs: int | None = None,
    engine: str = "durable",
    timeout: float = 60.0,
    clock: Callable[[], dt.datetime] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Check ``paths`` and write the report as ``fmt`` (json or jsonl) to ``output`` (None: stdout)."""
    from engine.check import default_jobs

    now = (clock or (lambda: dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))))()
    day = as_of or now.date()
    units, problems = plan_units(paths)
    if problems:
        raise InputError(problems)
    shell = Report(
        generated_at=now,
        as_of=day,
        standard=standard.receipt(),
        engine=engine_receipt(engine),
        centers=[],
        rules_sha256=rulebook.sha256,
    )
    head, tail = header(shell, fmt)
    out = _Output(output)
    index = tempfile.TemporaryFile()  # id, offset, length, place of each center: for sorting and duplicates
    outcome = Outcome()
    state: dict[str, Any] = {"offset": 0, "last": None, "ascending": True, "units": 0}
    out.fh.write(head)
    state["offset"] = len(head)

    def on_result(i: int, result: UnitResult) -> bool:
        state["units"] += 1
        if progress is not None:
            progress(state["units"], len(units))
        problems.extend(result.problems)
        base = 0
        if result.centers and not problems and result.evaluated:
            if fmt == "json" and outcome.centers:
                out.fh.write(b",\n")
                state["offset"] += 2
            base = state["offset"]
            state["offset"] += _append(out.fh, result)
            outcome.add(result)
        elif result.part:
            os.unlink(result.part)
        if result.centers:
            if state["last"] is not None and result.first <= state["last"]:
                state["ascending"] = False
            state["ascending"] = state["ascending"] and result.ascending
            state["last"] = result.last
            index.write(b"[%d," % base + result.index + b"]\n")
        return not problems

    spool = tempfile.mkdtemp(prefix=".hallmark-", dir=os.path.dirname(out.tmp) or None)
    try:
        job = Job(standard, rulebook, waivers, day, engine, fmt, spool)
        _run_units(job, units, default_jobs() if jobs is None else jobs, timeout, on_result)
        if not state["ascending"]:
            problems.extend(_duplicates(index))
        if problems:
            raise InputError(problems)
        if not outcome.centers:
            out.fh.seek(0)
            out.fh.truncate()
            out.fh.write(
                json.dumps(shell.to_json(), ensure_ascii=False, indent=2).encode() + b"\n" if fmt == "json" else head
            )
        elif fmt == "json" and not state["ascending"]:
            out = _sorted_copy(out, output, index, head)
            out.fh.write(tail)
        else:
            out.fh.write(tail)
        out.finish()
    except BaseException:
        out.discard()
        raise
    finally:
        index.close()
        shutil.rmtree(spool, ignore_errors=True)
    return outcome


def _append(fh: Any, result: UnitResult) -> int:
    """Write a unit's bytes at the end of ``fh`` (from its part file, which is removed); their length."""
    if not result.part:
        fh.write(result.text)
        return len(result.text)
    fh.flush()
    with open(result.part, "rb") as src:
        size = os.fstat(src.fileno()).st_size
        done = 0
        try:
            while done < size:
                n = os.copy_file_range(src.fileno(), fh.fileno(), size - done)
                if n <= 0:
                    break
                done += n
        except (AttributeError, OSError):  # no copy_file_range here (not Linux, another file system …)
            pass
        if done < size:
            src.seek(done)
            shutil.copyfileobj(src, fh, 1 << 20)
            fh.flush()
    fh.seek(0, os.SEEK_END)  # the file object's idea of its place, after the kernel moved it
    os.unlink(result.part)
    return size


def _index_rows(index: Any) -> list[list[Any]]:
    """``[id, offset, length, file, line, column, base]`` of every center, in input order."""
    index.seek(0)
    rows = []
    for line in index:
        base, unit = json.loads(line)
        for row in unit:
            row[1] += base
            rows.append(row)
    return rows


def _duplicates(index: Any) -> list[Problem]:
    """duplicate_center_id problems, as ``load_centers`` gives them (the first in input order is the original)."""
    rows = _index_rows(index)
    order = sorted(range(len(rows)), key=lambda i: (rows[i][0], i))
    problems = []
    first = order[0] if order else 0
    for i in order:
        if rows[i][0] != rows[first][0]:
            first = i
            continue
        if i == first:
            continue
        cid, _, _, file, line, col, base = rows[i]
        where = Location(rows[first][3], rows[first][4], rows[first][5])
        problems.append(
            problem(
                "duplicate_center_id",
                f"中心标识 “{cid}” 重复（首次出现于 {where}）",
                f"duplicate center id '{cid}' (first at {where})",
                Location(file, line, col),
                (*base, "id"),
                expected="a unique center id",
            )
        )
    return problems


def _sorted_copy(spool: _Output, output: str | None, index: Any, head: bytes) -> _Output:
    """A new output with the spooled centers in id order."""
    spool.fh.flush()
    rows = _index_rows(index)
    rows.sort(key=lambda r: r[0])
    out = _Output(output)
    out.fh.write(head)
    with open(spool.tmp, "rb") as src:
        first = True
        for _, offset, length, *_rest in rows:
            src.seek(offset)
            text = src.read(length)
            out.fh.write(text if first else b",\n" + text)
            first = False
    spool.discard()
    return out


__all__ = ["STREAM_FORMATS", "Outcome", "Unit", "check_stream", "load_unit", "plan_units", "strict_jsonl_line"]
