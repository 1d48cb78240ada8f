"""What the routes do, away from HTTP: judge a submission, keep it, compare standards.

Everything here is synchronous and runs in a worker thread (``run_in_threadpool``);
the rules engine itself runs in the worker processes of ``api.pool.WorkerPool``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from api.pool import WorkerPool
from api.problems import error_item
from api.settings import Settings
from api.store import CenterRow, Principal, Store
from engine.center import CenterDoc, parse_centers
from engine.check import Options, evaluate
from engine.errors import InputError, Location, Problem
from engine.impact import ImpactReport, compare
from engine.report import CenterReport, Report, Status, engine_version
from engine.rulebook import Rulebook, load_rulebook
from engine.source import load_document
from engine.standard import Standard, bundled_dir, bundled_ids, load_standard

CHINA = dt.timezone(dt.timedelta(hours=8))


def verdict(center: CenterReport) -> str:
    if any(r.status == Status.ERROR for r in center.results):
        return "error"
    return "compliant" if center.compliant else "non_compliant"


def overall(verdicts: Sequence[str]) -> str:
    for worst in ("error", "non_compliant"):
        if worst in verdicts:
            return worst
    return "compliant"


@dataclass
class Outcome:
    check_id: int
    status: str
    report: Report | None = None
    problems: list[Problem] = field(default_factory=list)
    failed: bool = False


class Checker:
    def __init__(self, settings: Settings, store: Store, pool: WorkerPool | None) -> None:
        self.settings = settings
        self.store = store
        self.pool = pool
        self._lock = threading.Lock()
        self._standards: dict[tuple[str, tuple[int, ...]], tuple[Standard, Rulebook]] = {}

    # ------------------------------------------------------------------ standards

    @staticmethod
    def known_standards() -> list[str]:
        return bundled_ids()

    @staticmethod
    def _stamp() -> tuple[int, ...]:
        """Changes when a bundled standard or rule file changes (then the cache is refreshed)."""
        files = sorted([*bundled_dir("standards").glob("*.yaml"), *bundled_dir("rules").glob("*.yaml")])
        return tuple(f.stat().st_mtime_ns for f in files)

    def standard(self, sid: str) -> tuple[Standard, Rulebook]:
        """A bundled standard and the rulebook (cached); ``InputError`` for an unknown id.

        Only bundled ids are accepted over HTTP: ``load_standard`` also reads file paths."""
        known = self.known_standards()
        if sid not in known:
            raise InputError.one(
                "unknown_standard",
                f"找不到标准 “{sid}”；可用：{', '.join(known)}",
                f"no standard '{sid}'; known: {', '.join(known)}",
                Location("standard"),
                ("standard",),
                expected=f"one of: {', '.join(known)}",
            )
        key = (sid, self._stamp())
        with self._lock:
            cached = self._standards.get(key)
        if cached is None:
            cached = (load_standard(sid), load_rulebook())
            with self._lock:
                self._standards = {k: v for k, v in self._standards.items() if k[1] == key[1]}
                self._standards[key] = cached
        return cached

    def options(self, as_of: dt.date | None) -> Options:
        durable = self.settings.engine == "durable"
        return Options(
            as_of=as_of,
            jobs=self.settings.jobs,
            engine=self.settings.engine,
            timeout=self.settings.eval_timeout,
            pool=self.pool if durable else None,
            clock=lambda: dt.datetime.now(CHINA),
        )

    # ------------------------------------------------------------------ checks

    def submit(
        self,
        *,
        body: bytes,
        content_type: str,
        filename: str,
        standard: tuple[Standard, Rulebook],
        standard_id: str,
        as_of: dt.date | None,
        fail_on: str,
        principal: Principal,
    ) -> Outcome:
        """Store the document first, then judge it; the stored row says how it ended."""
        check_id = self.store.new_submission(
            body=body,
            content_type=content_type,
            filename=filename,
            standard_id=standard_id,
            as_of=as_of.isoformat() if as_of else None,
            fail_on=fail_on,
            engine_version=engine_version(),
            submitter_key_id=principal.key_id,
        )
        try:
            return self._judge(check_id, body, filename, standard, as_of, fail_on)
        except BaseException as exc:
            self.store.reject(
                check_id,
                [
                    {
                        "code": "internal_error",
                        "message": {"zh": "服务器处理该提交时出错", "en": f"server error: {type(exc).__name__}"},
                        "path": "",
                    }
                ],
                status="error",
            )
            raise

    def _judge(
        self,
        check_id: int,
        body: bytes,
        filename: str,
        standard: tuple[Standard, Rulebook],
        as_of: dt.date | None,
        fail_on: str,
    ) -> Outcome:
        try:
            doc = load_document(body, filename)
        except InputError as exc:
            self.store.reject(check_id, [error_item(p) for p in exc.problems])
            return Outcome(check_id, "rejected", problems=exc.problems)
        try:
            centers = parse_centers(doc)
        except InputError as exc:
            self.store.reject(check_id, [error_item(p) for p in exc.problems], parsed=doc.data)
            return Outcome(check_id, "rejected", problems=exc.problems)
        std, rulebook = standard
        report = evaluate(std, rulebook, centers, {}, self.options(as_of))
        rows = [
            CenterRow(
                c.id,
                c.name,
                c.tier,
                verdict(c),
                {**c.counts(), "compliant": c.compliant},
                {r.clause: r.status.value for r in c.results},
            )
            for c in report.centers
        ]
        status = overall([r.verdict for r in rows])
        failed = report.worst(fail_on)
        self.store.complete(
            check_id, report=report.to_json(), parsed=doc.data, centers=rows, status=status, failed=failed
        )
        return Outcome(check_id, status, report=report, failed=failed)

    # ------------------------------------------------------------------ impact

    def impact(
        self, from_id: str, to_id: str, as_of: dt.date | None, center_ids: Sequence[str] | None
    ) -> tuple[ImpactReport, dict[str, int]]:
        """Every stored center (its latest evaluated submission) judged under two standards on one day,
        compared by ``engine.impact.compare`` (the CLI's ``hallmark impact``); also which check each
        center's document came from."""
        problems: list[Problem] = []
        loaded: dict[str, tuple[Standard, Rulebook]] = {}
        for key, sid in (("from", from_id), ("to", to_id)):
            try:
                loaded[key] = self.standard(sid)
            except InputError as exc:
                problems.extend(Problem(p.code, p.message, Location(key), (key,), p.expected) for p in exc.problems)
        if problems:
            raise InputError(problems)
        day = as_of or dt.datetime.now(CHINA).date()
        selected: list[CenterDoc] = []
        sources: dict[str, int] = {}
        parsed: dict[int, dict[str, CenterDoc]] = {}
        for center_id, check_id, body, filename in self.store.latest_documents(center_ids):
            if check_id not in parsed:
                try:
                    doc = load_document(body, filename)
                    parsed[check_id] = {c.id: c for c in parse_centers(doc)}
                except InputError:
                    parsed[check_id] = {}  # judged once, so it parsed once; a stricter engine may refuse it now
            center = parsed[check_id].get(center_id)
            if center is not None:
                selected.append(center)
                sources[center.id] = check_id
        options = self.options(day)
        reports = [evaluate(std, rb, selected, {}, options) for std, rb in (loaded["from"], loaded["to"])]
        return compare(reports[0], reports[1], from_id, to_id), sources
