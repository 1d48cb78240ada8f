"""Storage: SQLAlchemy Core over SQLite (default) or PostgreSQL (``DATABASE_URL``).

Everything a reviewer sends is kept: the document byte for byte with its sha256,
its parsed form, the report, the standard (id, version, sha256) and engine that
judged it, who sent it and when. A rejected document is kept too, with its
errors. The schema is created and upgraded by the Alembic migrations in
``api/migrations`` (``Store.migrate``); ``METADATA`` below mirrors them and a test
checks that the two agree.

All methods are synchronous: the API calls them from worker threads, never on
the event loop.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

ROLES = ("submitter", "reviewer", "drafter", "admin")
KEY_PREFIX = "hm_"

METADATA = sa.MetaData()

api_keys = sa.Table(
    "api_keys",
    METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(32), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

submissions = sa.Table(
    "submissions",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("submitter_key_id", sa.String(32), sa.ForeignKey("api_keys.id"), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("content_type", sa.String(100), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("body_sha256", sa.String(64), nullable=False),
    sa.Column("body_size", sa.Integer, nullable=False),
    sa.Column("standard_id", sa.String(200), nullable=False),
    sa.Column("standard_version", sa.String(50), nullable=True),
    sa.Column("standard_sha256", sa.String(64), nullable=True),
    sa.Column("standard_receipt", sa.JSON, nullable=True),
    sa.Column("as_of", sa.String(32), nullable=True),
    sa.Column("fail_on", sa.String(10), nullable=False),
    sa.Column("failed", sa.Boolean, nullable=True),
    sa.Column("engine_version", sa.String(50), nullable=False),
    sa.Column("rules_engine", sa.String(100), nullable=True),
    sa.Column("parsed", sa.JSON, nullable=True),
    sa.Column("report", sa.JSON, nullable=True),
    sa.Column("errors", sa.JSON, nullable=True),
    sa.Column("center_count", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_submissions_submitter", "submitter_key_id", "id"),
    sa.Index("ix_submissions_standard", "standard_id", "id"),
    sa.Index("ix_submissions_status", "status", "id"),
)

submission_centers = sa.Table(
    "submission_centers",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("center_id", sa.String(200), nullable=False),
    sa.Column("center_name", sa.String(500), nullable=False),
    sa.Column("tier", sa.String(20), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("clause_statuses", sa.JSON, nullable=False),
    sa.Column("standard_id", sa.String(200), nullable=False),
    sa.Column("standard_version", sa.String(50), nullable=False),
    sa.Column("standard_sha256", sa.String(64), nullable=False),
    sa.Column("as_of", sa.String(32), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("submitter_key_id", sa.String(32), nullable=True),
    sa.Index("ix_submission_centers_center", "center_id", "submission_id"),
    sa.Index("ix_submission_centers_submission", "submission_id"),
)

audit_log = sa.Table(
    "audit_log",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("key_id", sa.String(32), nullable=True),
    sa.Column("role", sa.String(20), nullable=True),
    sa.Column("method", sa.String(10), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("client", sa.String(100), nullable=True),
    sa.Column("submission_id", sa.Integer, nullable=True),
    sa.Column("detail", sa.JSON, nullable=True),
    sa.Index("ix_audit_log_at", "at"),
)

STATUSES = ("received", "rejected", "compliant", "non_compliant", "error")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(value: dt.datetime | None) -> str | None:
    """A stored timestamp as ISO 8601 UTC (SQLite hands back naive values: they are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def clean(text: str, limit: int) -> str:
    """Text for a string column: no NUL (PostgreSQL refuses it), at most ``limit`` characters."""
    return text.replace("\x00", "\ufffd")[:limit]


def scrub(value: Any) -> Any:
    """JSON to store: lone UTF-16 surrogates (which no UTF-8 text can hold) become U+FFFD."""
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return value
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who sent a request: the key's id (never the key), its name and role."""

    key_id: str
    name: str
    role: str

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class CenterRow:
    center_id: str
    center_name: str
    tier: str
    verdict: str
    summary: dict[str, Any]
    clause_statuses: dict[str, str]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True)


def alembic_config(connection: sa.Connection | None = None) -> Any:
    """The Alembic configuration of ``api/migrations``, with no need for a working directory."""
    from alembic.config import Config

    here = Path(__file__).resolve().parent
    cfg = Config(str(here / "alembic.ini"))
    cfg.set_main_option("script_location", str(here / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    # ------------------------------------------------------------------ lifecycle

    def migrate(self) -> None:
        """``alembic upgrade head`` on this database (idempotent)."""
        from alembic import command

        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # one migrator at a time when several servers start together
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7346021)"))
            command.upgrade(alembic_config(conn), "head")

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True

    def dispose(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ keys

    def create_key(self, role: str, name: str, created_by: str | None = None) -> tuple[str, str]:
        """A new key: returns ``(key id, secret)``. Only the sha256 of the secret is stored."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        key_id = "k" + secrets.token_hex(6)
        secret = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        with self.engine.begin() as conn:
            conn.execute(
                api_keys.insert().values(
                    id=key_id,
                    name=clean(name, 200),
                    role=role,
                    key_hash=hash_key(secret),
                    created_at=utcnow(),
                    created_by=created_by,
                )
            )
        return key_id, secret

    def authenticate(self, secret: str) -> Principal | None:
        digest = hash_key(secret)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.key_hash == digest)).first()
        if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest):
            return None
        return Principal(row.id, row.name, row.role)

    def list_keys(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)).all()
        return [_key_json(r) for r in rows]

    def get_key(self, key_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
        return _key_json(row) if row else None

    def revoke_key(self, key_id: str) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(
                api_keys.update()
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        return bool(done.rowcount)

    # ------------------------------------------------------------------ submissions

    def new_submission(
        self,
        *,
        body: bytes,
        content_type: str,
        filename: str,
        standard_id: str,
        as_of: str | None,
        fail_on: str,
        engine_version: str,
        submitter_key_id: str | None,
    ) -> int:
        """Keep the document before anything else happens to it; returns the check id."""
        with self.engine.begin() as conn:
            result = conn.execute(
                submissions.insert().values(
                    received_at=utcnow(),
                    submitter_key_id=submitter_key_id,
                    status="received",
                    content_type=clean(content_type, 100),
                    filename=clean(filename, 255),
                    body=body,
                    body_sha256=hashlib.sha256(body).hexdigest(),
                    body_size=len(body),
                    standard_id=clean(standard_id, 200),
                    as_of=clean(as_of, 32) if as_of is not None else None,
                    fail_on=clean(fail_on, 10),
                    engine_version=engine_version,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def reject(self, check_id: int, errors: list[dict[str, Any]], parsed: Any = None, status: str = "rejected") -> None:
        with self.engine.begin() as conn:
            conn.execute(
                submissions.update()
                .where(submissions.c.id == check_id)
                .values(status=status, errors=scrub(errors), parsed=scrub(parsed), completed_at=utcnow())
            )

    def complete(
        self,
        check_id: int,
        *,
        report: dict[str, Any],
        parsed: Any,
        centers: Sequence[CenterRow],
        status: str,
        failed: bool,
    ) -> None:
        std = report["standard"]
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(submissions.c.received_at, submissions.c.submitter_key_id).where(submissions.c.id == check_id)
            ).one()
            conn.execute(
                submissions.update()
                .where(submissions.c.id == check_id)
                .values(
                    status=status,
                    failed=failed,
                    completed_at=utcnow(),
                    standard_id=clean(str(std["id"]), 200),
                    standard_version=clean(str(std["version"]), 50),
                    standard_sha256=std["sha256"],
                    standard_receipt=std,
                    as_of=report["as_of"],
                    rules_engine=clean(str(report["engine"].get("rules_engine", "")), 100),
                    parsed=scrub(parsed),
                    report=report,
                    center_count=len(centers),
                )
            )
            if centers:
                conn.execute(
                    submission_centers.insert(),
                    [
                        {
                            "submission_id": check_id,
                            "center_id": clean(c.center_id, 200),
                            "center_name": clean(c.center_name, 500),
                            "tier": clean(c.tier, 20),
                            "verdict": c.verdict,
                            "summary": c.summary,
                            "clause_statuses": c.clause_statuses,
                            "standard_id": clean(str(std["id"]), 200),
                            "standard_version": clean(str(std["version"]), 50),
                            "standard_sha256": std["sha256"],
                            "as_of": report["as_of"],
                            "received_at": row.received_at,
                            "submitter_key_id": row.submitter_key_id,
                        }
                        for c in centers
                    ],
                )

    def get_submission(self, check_id: int, *, full: bool = True) -> dict[str, Any] | None:
        cols = list(submissions.c) if full else _summary_columns()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*cols).where(submissions.c.id == check_id)).first()
            if row is None:
                return None
            centers = self._centers_of(conn, [check_id]).get(check_id, [])
        out = dict(row._mapping)
        out["centers"] = centers
        return out

    def list_submissions(
        self,
        *,
        center: str | None = None,
        standard: str | None = None,
        status: str | None = None,
        owner: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """Newest first; ``owner`` restricts to one key's submissions (the submitter role)."""
        where: list[sa.ColumnElement[bool]] = []
        if center is not None:
            where.append(
                sa.exists().where(
                    submission_centers.c.submission_id == submissions.c.id,
                    submission_centers.c.center_id == center,
                )
            )
        if standard is not None:
            where.append(submissions.c.standard_id == standard)
        if status is not None:
            where.append(submissions.c.status == status)
        if owner is not None:
            where.append(submissions.c.submitter_key_id == owner)
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(submissions).where(*where)).scalar_one()
            rows = conn.execute(
                sa.select(*_summary_columns())
                .where(*where)
                .order_by(submissions.c.id.desc())
                .limit(limit)
                .offset(offset)
            ).all()
            ids = [r.id for r in rows]
            centers = self._centers_of(conn, ids)
        items = []
        for r in rows:
            item = dict(r._mapping)
            item["centers"] = centers.get(r.id, [])
            items.append(item)
        return items, int(total)

    def _centers_of(self, conn: sa.Connection, ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        ids = list(ids)
        out: dict[int, list[dict[str, Any]]] = {}
        if not ids:
            return out
        rows = conn.execute(
            sa.select(
                submission_centers.c.submission_id,
                submission_centers.c.center_id,
                submission_centers.c.center_name,
                submission_centers.c.tier,
                submission_centers.c.verdict,
                submission_centers.c.summary,
            )
            .where(submission_centers.c.submission_id.in_(ids))
            .order_by(submission_centers.c.submission_id, submission_centers.c.center_id)
        ).all()
        for r in rows:
            out.setdefault(r.submission_id, []).append(
                {"id": r.center_id, "name": r.center_name, "tier": r.tier, "verdict": r.verdict, "summary": r.summary}
            )
        return out

    def center_history(self, center_id: str, *, owner: str | None = None, standard: str | None = None) -> list[Any]:
        """Every verdict on one center, oldest first."""
        where = [submission_centers.c.center_id == center_id]
        if owner is not None:
            where.append(submission_centers.c.submitter_key_id == owner)
        if standard is not None:
            where.append(submission_centers.c.standard_id == standard)
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(submission_centers).where(*where).order_by(submission_centers.c.submission_id)
                ).all()
            )

    def latest_documents(self, center_ids: Sequence[str] | None = None) -> list[tuple[str, int, bytes, str]]:
        """For each stored center (or those named), its latest evaluated submission:
        ``(center id, check id, document bytes, filename)``, ordered by center id."""
        latest = (
            sa.select(
                submission_centers.c.center_id,
                sa.func.max(submission_centers.c.submission_id).label("submission_id"),
            )
            .group_by(submission_centers.c.center_id)
            .subquery()
        )
        query = sa.select(latest.c.center_id, submissions.c.id, submissions.c.body, submissions.c.filename).join(
            submissions, submissions.c.id == latest.c.submission_id
        )
        if center_ids is not None:
            query = query.where(latest.c.center_id.in_(list(center_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(latest.c.center_id)).all()
        return [(r.center_id, r.id, bytes(r.body), r.filename) for r in rows]

    # ------------------------------------------------------------------ audit

    def audit(
        self,
        *,
        method: str,
        path: str,
        status_code: int,
        principal: Principal | None,
        client: str | None,
        submission_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                audit_log.insert().values(
                    at=utcnow(),
                    key_id=principal.key_id if principal else None,
                    role=principal.role if principal else None,
                    method=clean(method, 10),
                    path=clean(path, 1000),
                    status_code=status_code,
                    client=clean(client, 100) if client else None,
                    submission_id=submission_id,
                    detail=detail,
                )
            )

    def audit_entries(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)).all()
        return [{**dict(r._mapping), "at": iso(r.at)} for r in rows]


def _summary_columns() -> list[Any]:
    skip = {"body", "parsed", "report"}
    return [c for c in submissions.c if c.name not in skip]


def _key_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "created_at": iso(row.created_at),
        "created_by": row.created_by,
        "revoked_at": iso(row.revoked_at),
    }
