"""Helpers of the API suite (imported by conftest.py and the tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import api_pg
import httpx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "shijiazhuang" / "county" / "130105-county.yaml"
EXAMPLES = ROOT / "examples" / "shijiazhuang"
CRASH_CENTER = "139999-crash"
ROLES = ("submitter", "reviewer", "drafter", "admin")


def example_bytes() -> bytes:
    return EXAMPLE.read_bytes()


def renamed(raw: bytes, new_id: str, old_id: str = "130105-county") -> bytes:
    """The example document for another center id (tests that need a history of their own)."""
    return raw.replace(f'id: "{old_id}"'.encode(), f'id: "{new_id}"'.encode(), 1)


@dataclass
class Api:
    client: Any  # fastapi.testclient.TestClient
    app: Any
    keys: dict[str, str] = field(default_factory=dict)
    backend: str = ""

    def h(self, role: str = "reviewer", **extra: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[role], **extra}

    def new_key(self, role: str) -> str:
        return str(self.app.state.store.create_key(role, f"test {role}")[1])

    def submit(
        self,
        body: bytes,
        role: str = "reviewer",
        key: str | None = None,
        ctype: str = "application/yaml",
        **params: Any,
    ) -> httpx.Response:
        headers = {"X-API-Key": key or self.keys[role], "Content-Type": ctype}
        return self.client.post("/v1/checks", content=body, headers=headers, params=params)


def hallmark_command() -> list[str]:
    script = Path(sys.executable).parent / "hallmark"
    if script.exists():
        return [str(script)]
    found = shutil.which("hallmark")
    if found:
        return [found]
    return [sys.executable, "-c", "from hallmark.cli import main; raise SystemExit(main())"]


@dataclass
class Live:
    base: str
    env: dict[str, str]
    admin_key: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=60, **kw)

    def key(self, role: str) -> str:
        """A new key in the server's database (in-process: the CLI is tested on its own)."""
        from api.settings import Settings
        from api.store import Store

        store = Store(Settings.from_env(self.env).database_url)
        try:
            return store.create_key(role, f"live {role}")[1]
        finally:
            store.dispose()


def start_server(
    env: dict[str, str], log: Path, timeout: float = 90, cwd: Path = ROOT
) -> tuple[subprocess.Popen[bytes], str]:
    """``hallmark serve`` on a free loopback port, once /v1/health answers (tests/ui uses it too)."""
    port = api_pg.free_port()
    cmd = [*hallmark_command(), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, cwd=str(cwd))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hallmark serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"hallmark serve did not answer within {timeout} s:\n{log.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def server_env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HALLMARK_DB", "HALLMARK_FAULT")}
    if url.startswith("sqlite:///"):
        env["HALLMARK_DB"] = url[len("sqlite:///") :]
    else:
        env["DATABASE_URL"] = url
    env.update(extra)
    return env
