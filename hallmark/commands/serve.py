"""``hallmark serve [--host 127.0.0.1] [--port 8000]`` — the compliance API (uvicorn).

Storage: ``DATABASE_URL`` (PostgreSQL) or the SQLite file ``HALLMARK_DB`` (default
``./hallmark.sqlite``); the schema is migrated at start-up. See docs/api.md.
"""

from __future__ import annotations

import argparse
import os


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.settings import Settings

    settings = Settings.from_env()
    if args.db:
        settings.database_url = Settings.from_env(
            {**os.environ, "HALLMARK_DB": args.db, "DATABASE_URL": ""}
        ).database_url
    if args.max_body is not None:
        settings.max_body_bytes = args.max_body
    if args.jobs is not None:
        settings.jobs = args.jobs
    print(f"hallmark serve: http://{args.host}:{args.port}/docs  (database: {settings.redacted_url()})", flush=True)
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("serve", help="run the compliance API (FastAPI + uvicorn)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument("--db", help="SQLite file (default $HALLMARK_DB or ./hallmark.sqlite; DATABASE_URL wins)")
    s.add_argument("--max-body", type=int, default=None, help="largest request body in bytes (default 5 MB)")
    s.add_argument("--jobs", type=int, default=None, help="rules-engine worker processes (default: one per core)")
    s.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"))
    s.add_argument("--no-access-log", dest="access_log", action="store_false", help="do not log every request")
    s.set_defaults(func=run)
