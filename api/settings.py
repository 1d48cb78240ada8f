"""Settings of the compliance API, read from the environment (or given by tests).

| variable | default | meaning |
|---|---|---|
| ``DATABASE_URL`` | — | PostgreSQL (``postgresql://user:pass@host/db``); wins over ``HALLMARK_DB`` |
| ``HALLMARK_DB`` | ``./hallmark.sqlite`` | SQLite file used when ``DATABASE_URL`` is not set |
| ``HALLMARK_MAX_BODY`` | ``5242880`` (5 MB) | largest request body accepted, in bytes (larger → 413) |
| ``HALLMARK_JOBS`` | one per core | worker processes of the evaluation pool |
| ``HALLMARK_EVAL_TIMEOUT`` | ``30`` | seconds one center may spend in the rules engine before it is an ``error`` |
| ``HALLMARK_STANDARD`` | ``sjz-proposed`` | standard used when a request names none |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_BODY = 5 * 1024 * 1024


def database_url_from(env: Mapping[str, str]) -> str:
    """``DATABASE_URL`` (normalised to the psycopg 3 driver) or the SQLite file ``HALLMARK_DB``."""
    url = env.get("DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    path = Path(env.get("HALLMARK_DB") or "hallmark.sqlite").expanduser().resolve()
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` use psycopg 3 (``postgresql+psycopg://``)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"hallmark: {name} must be an integer, got {raw!r}") from None


@dataclass
class Settings:
    database_url: str = field(default_factory=lambda: database_url_from(os.environ))
    max_body_bytes: int = DEFAULT_MAX_BODY
    jobs: int | None = None  # evaluation worker processes; None: one per core
    eval_timeout: float = 30.0
    default_standard: str = "sjz-proposed"
    engine: str = "durable"  # "python": the reference evaluator (tests only)
    migrate: bool = True  # run the Alembic migrations (upgrade head) at start-up

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        timeout = env.get("HALLMARK_EVAL_TIMEOUT", "").strip()
        try:
            eval_timeout = float(timeout) if timeout else 30.0
        except ValueError:
            raise SystemExit(f"hallmark: HALLMARK_EVAL_TIMEOUT must be a number, got {timeout!r}") from None
        return cls(
            database_url=database_url_from(env),
            max_body_bytes=_int(env, "HALLMARK_MAX_BODY", DEFAULT_MAX_BODY) or DEFAULT_MAX_BODY,
            jobs=_int(env, "HALLMARK_JOBS", None),
            eval_timeout=eval_timeout,
            default_standard=env.get("HALLMARK_STANDARD", "").strip() or "sjz-proposed",
        )

    @property
    def database_kind(self) -> str:
        return "postgresql" if self.database_url.startswith("postgresql") else self.database_url.split(":", 1)[0]

    def redacted_url(self) -> str:
        """The database URL without its password, for logs and /v1/health."""
        from sqlalchemy.engine import make_url

        return make_url(self.database_url).render_as_string(hide_password=True)
