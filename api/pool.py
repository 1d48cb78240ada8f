"""The API's long-lived pool of rules-engine worker processes.

``engine.runner.evaluate_pooled`` starts a fresh pool per call (≈0.4 s of process
start-up), which is right for one CLI run and wrong for a server answering many
small requests. ``WorkerPool`` keeps one pool for the life of the server and is
handed to ``engine.check.evaluate`` as ``Options.pool``:

- every request's centers go to the same worker processes (``runner.evaluate_in_process``
  inside the worker: durable_rules is imported there only, never in the server);
- a worker that dies (``BrokenProcessPool``) or holds a center longer than the
  timeout costs the pool, not the server: the pool is replaced, and the centers that
  were in flight are evaluated again one at a time, each in a fresh process (timeout
  plus the runner's start-up grace), so the culprit gets status ``error`` and every
  other center its real verdict;
- rulesets cannot be unregistered from a durable_rules host, so the pool is
  recycled after it has seen ``max_rulesets`` distinct rulesets (many ``as_of`` dates).

Thread-safe: request threads call it concurrently.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from engine import runner
from engine.check import default_jobs


class WorkerPool:
    def __init__(self, jobs: int | None = None, max_rulesets: int = 200, chunk: int = 16) -> None:
        self.jobs = max(1, jobs or default_jobs())
        self.max_rulesets = max_rulesets
        self.chunk = max(1, chunk)
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._rulesets: set[str] = set()
        self.restarts = 0  # pools replaced after a crash or a hang (for /v1/health and tests)
        self._closed = False

    # ------------------------------------------------------------------ pool life

    def _acquire(self, names: Sequence[str]) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is shut down")
            if self._pool is not None and len(self._rulesets | set(names)) > self.max_rulesets:
                old, self._pool = self._pool, None
                old.shutdown(wait=False)  # work in flight finishes; new work goes to a fresh pool
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.jobs, mp_context=multiprocessing.get_context("forkserver")
                )
                self._rulesets = set()
            self._rulesets.update(names)
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        """Kill a broken or hung pool (once, whoever notices first)."""
        with self._lock:
            if self._pool is not pool:
                return
            self._pool = None
            self.restarts += 1
        runner.kill_pool(pool)

    def warm_up(self) -> None:
        """Start the worker processes now rather than on the first request."""
        pool = self._acquire(())
        for fut in [pool.submit(runner.evaluate_in_process, {}, []) for _ in range(self.jobs)]:
            fut.result(timeout=60)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------------ evaluation

    def __call__(
        self, definitions: dict[str, dict[str, Any]], tasks: Sequence[runner.Task], timeout: float
    ) -> list[runner.TaskResult]:
        if not tasks:
            return []
        pool = self._acquire(list(definitions))
        size = max(1, min(self.chunk, -(-len(tasks) // self.jobs)))  # spread small requests over the workers
        parts = [list(tasks[i : i + size]) for i in range(0, len(tasks), size)]
        results: dict[int, runner.TaskResult] = {}
        suspects: list[runner.Task] = []
        running: dict[Future[list[runner.TaskResult]], tuple[list[runner.Task], float | None]] = {}
        try:
            for part in parts:
                running[pool.submit(runner.evaluate_in_process, definitions, part)] = (part, None)
        except (BrokenProcessPool, RuntimeError):
            # the pool broke (or was recycled) under us: whatever was not submitted is a suspect
            self._discard(pool)
            submitted = {t.key for p, _ in running.values() for t in p}
            suspects.extend(t for t in tasks if t.key not in submitted)
        while running:
            done, _ = wait(list(running), timeout=0.05, return_when=FIRST_COMPLETED)
            for fut in done:
                part, _started = running.pop(fut)
                try:
                    for r in fut.result():
                        results[r.key] = r
                except (BrokenProcessPool, CancelledError):
                    self._discard(pool)  # no-op if another request already replaced it
                    suspects.extend(part)
                except Exception as exc:  # pickling or the like: not the center's fault, but no verdict
                    for t in part:
                        results[t.key] = runner.TaskResult(t.key, None, f"{type(exc).__name__}: {exc}")
            now = time.monotonic()
            for fut, (part, started) in list(running.items()):
                if started is None and fut.running():
                    running[fut] = (part, now)  # queued time does not count against the timeout
                elif started is not None and now - started > timeout * len(part):
                    running.pop(fut)
                    suspects.extend(part)
                    self._discard(pool)
        for t in suspects:
            # each suspect alone, in a fresh process: the culprit gets `error`, the others their verdict
            results[t.key] = self._alone(definitions, t, timeout)
        return [results[t.key] for t in tasks]

    @staticmethod
    def _alone(definitions: dict[str, dict[str, Any]], task: runner.Task, timeout: float) -> runner.TaskResult:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
        grace = float(getattr(runner, "STARTUP_GRACE", 5.0))  # a fresh worker imports the engine first
        try:
            return pool.submit(runner.evaluate_in_process, definitions, [task]).result(timeout=timeout + grace)[0]
        except (BrokenProcessPool, CancelledError, TimeoutError):
            return runner.TaskResult(
                task.key, None, f"the rules engine crashed or gave no verdict within {timeout:g} s on this center"
            )
        finally:
            runner.kill_pool(pool)
