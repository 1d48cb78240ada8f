"""A throwaway PostgreSQL server on loopback for the API tests.

``make test`` installs PostgreSQL with apt where it can (``make postgresql``); this
module finds ``initdb``/``pg_ctl``, creates a cluster in a temporary directory,
starts it on a free port of 127.0.0.1 and stops it at the end. PostgreSQL refuses
to run as root, so as root the cluster belongs to the ``postgres`` system user
(``runuser -u postgres``). ``HALLMARK_TEST_DATABASE_URL`` names an existing server
instead. When none of this works, ``PgUnavailable`` says why and the PostgreSQL
half of the suite is skipped with that message.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path


class PgUnavailable(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent

    def version(path: str) -> int:
        part = path.split("/")[4]
        return int(part) if part.isdigit() else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version)
    if candidates:
        return Path(candidates[-1]).parent
    raise PgUnavailable("PostgreSQL is not installed (no initdb/pg_ctl; `make test` installs it with apt where it can)")


@dataclass
class PgServer:
    url: str  # postgresql://user@127.0.0.1:port/postgres
    _stop: list[list[str]] = field(default_factory=list)
    _tmp: str | None = None
    _as: list[str] = field(default_factory=list)

    def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        for cmd in self._stop:
            subprocess.run(cmd, capture_output=True, timeout=60, check=False)
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)


def start() -> PgServer:
    given = os.environ.get("HALLMARK_TEST_DATABASE_URL", "").strip()
    if given:
        return PgServer(given.replace("postgresql+psycopg://", "postgresql://"))
    bindir = _bindir()
    run_as: list[str] = []
    tmp = tempfile.mkdtemp(prefix="hallmark-pg-")
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise PgUnavailable("running as root and there is no 'postgres' user to run PostgreSQL as") from None
        runuser = shutil.which("runuser")
        if not runuser:
            shutil.rmtree(tmp, ignore_errors=True)
            raise PgUnavailable("running as root and `runuser` is missing")
        os.chmod(tmp, 0o755)
        os.chown(tmp, user.pw_uid, user.pw_gid)
        run_as = [runuser, "-u", "postgres", "--"]
    data, sock, logfile = f"{tmp}/data", f"{tmp}/sock", f"{tmp}/server.log"
    port = free_port()

    def run(cmd: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*run_as, *cmd], capture_output=True, text=True, timeout=timeout, check=False, cwd=tmp)

    done = run(["mkdir", "-p", sock])
    init = run([str(bindir / "initdb"), "-D", data, "-U", "hallmark", "--auth=trust", "-E", "UTF8", "--no-locale"])
    if done.returncode or init.returncode:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PgUnavailable(f"initdb failed: {(init.stderr or done.stderr).strip()[-500:]}")
    options = (
        f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=100"
    )
    started = run([str(bindir / "pg_ctl"), "-D", data, "-l", logfile, "-o", options, "-w", "-t", "60", "start"])
    if started.returncode:
        log = Path(logfile).read_text(errors="replace")[-800:] if Path(logfile).exists() else ""
        shutil.rmtree(tmp, ignore_errors=True)
        raise PgUnavailable(f"pg_ctl start failed: {started.stderr.strip()[-300:]} {log}")
    server = PgServer(
        f"postgresql://hallmark@127.0.0.1:{port}/postgres",
        _stop=[[*run_as, str(bindir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]],
        _tmp=tmp,
        _as=run_as,
    )
    try:
        import psycopg

        with psycopg.connect(server.url, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        server.stop()
        raise PgUnavailable(f"PostgreSQL started but cannot be reached: {exc}") from None
    return server
