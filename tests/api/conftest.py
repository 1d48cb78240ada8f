"""Fixtures of the API suite: every storage-touching test runs on SQLite and on PostgreSQL.

- ``backend`` is parametrized over ``sqlite`` and ``postgresql``; the PostgreSQL half
  starts a real server on loopback (``api_pg``) and is skipped, with the reason,
  when it cannot;
- ``api``: one app per backend for the session (TestClient, real worker pool), with
  a key for every role;
- ``live``: ``hallmark serve`` in a subprocess on a free port of 127.0.0.1 (real HTTP),
  with the engine's fault hook armed for one center id (``CRASH_CENTER``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import api_pg
import pytest
from api_helpers import CRASH_CENTER, ROLES, Api, Live, hallmark_command, server_env, start_server, stop_server

# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def pg_server() -> Iterator[api_pg.PgServer]:
    try:
        server = api_pg.start()
    except api_pg.PgUnavailable as exc:
        pytest.skip(f"PostgreSQL half of the API suite skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def new_database(backend: str, request: pytest.FixtureRequest, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'hallmark.sqlite'}"
    server: api_pg.PgServer = request.getfixturevalue("pg_server")
    return server.create_database().replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on this test's backend."""
    return new_database(backend, request, tmp_path)


# ---------------------------------------------------------------- in-process app


@pytest.fixture(scope="session")
def api(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    url = new_database(backend, request, tmp_path_factory.mktemp(f"api-{backend}"))
    app = create_app(Settings(database_url=url, jobs=1, max_body_bytes=256 * 1024, eval_timeout=30))
    with TestClient(app) as client:
        keys = {role: app.state.store.create_key(role, f"test {role}")[1] for role in ROLES}
        yield Api(client, app, keys, backend)


# ---------------------------------------------------------------- a real server


@pytest.fixture(scope="session")
def live(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp(f"live-{backend}")
    url = new_database(backend, request, tmp)
    env = server_env(url, HALLMARK_FAULT=f"crash:{CRASH_CENTER}", HALLMARK_JOBS="2", HALLMARK_LANG="en")
    admin = subprocess.run(
        [*hallmark_command(), "keys", "create", "--role", "admin", "--name", "live admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()
    proc, base = start_server(env, tmp / "server.log")
    yield Live(base, env, admin, proc, tmp / "server.log")
    stop_server(proc)
