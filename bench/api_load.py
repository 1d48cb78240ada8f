"""Load test of the compliance API: single-center checks against a local server on loopback.

    python bench/api_load.py                       # starts `hallmark serve` on a free 127.0.0.1 port
    python bench/api_load.py --concurrency 1,4,8 --requests 200
    python bench/api_load.py --url http://127.0.0.1:8000 --key hm_…   # a server you started (loopback only)

For each concurrency level it sends a bounded number of ``POST /v1/checks`` (one
bundled Shijiazhuang center each, YAML, cycling through the examples) with an
async httpx client, then prints requests/s and p50/p95/p99 latency and writes
the numbers to ``bench/results/api_load-<time>.json``. Every run stops by itself
(``--requests`` per level, ``--max-seconds`` overall). It is a measurement, not a
test: nothing here asserts a speed. ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
EXAMPLES = ROOT / "examples" / "shijiazhuang"
LOOPBACK = ("127.", "localhost", "::1", "[::1]")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def hallmark() -> list[str]:
    script = Path(sys.executable).parent / "hallmark"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from hallmark.cli import main; main()"]


class Server:
    """``hallmark serve`` on a free loopback port with its own SQLite file (or ``DATABASE_URL``)."""

    def __init__(self, jobs: int | None) -> None:
        self.tmp = tempfile.mkdtemp(prefix="hallmark-bench-")
        self.env = {k: v for k, v in os.environ.items() if k != "HALLMARK_FAULT"}
        if not self.env.get("DATABASE_URL"):
            self.env["HALLMARK_DB"] = f"{self.tmp}/bench.sqlite"
        if jobs:
            self.env["HALLMARK_JOBS"] = str(jobs)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        key = subprocess.run(
            [*hallmark(), "keys", "create", "--role", "reviewer", "--name", "bench"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()
        log = open(f"{self.tmp}/server.log", "wb")  # the server writes to it until it stops
        self.proc = subprocess.Popen(
            [*hallmark(), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"hallmark serve exited: see {self.tmp}/server.log")
            try:
                if httpx.get(f"{self.base}/v1/health", timeout=2).status_code == 200:
                    return key
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("hallmark serve did not start within 90 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def bodies(limit: int) -> list[bytes]:
    files = sorted(EXAMPLES.glob("*/*.yaml"))
    files = [f for f in files if f.parent.name in ("county", "township")] or files
    return [f.read_bytes() for f in files[:limit]]


async def level(base: str, key: str, docs: list[bytes], concurrency: int, requests: int, deadline: float) -> dict:
    latencies: list[float] = []
    codes: dict[str, int] = {}
    counter = iter(range(requests))
    headers = {"X-API-Key": key, "Content-Type": "application/yaml"}

    async def worker(client: httpx.AsyncClient) -> None:
        for i in counter:
            if time.monotonic() > deadline:
                return
            t = time.perf_counter()
            try:
                r = await client.post("/v1/checks", content=docs[i % len(docs)], headers=headers)
                code = str(r.status_code)
            except httpx.HTTPError as exc:
                code = type(exc).__name__
            latencies.append(time.perf_counter() - t)
            codes[code] = codes.get(code, 0) + 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    ok = codes.get("201", 0)
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "ok": ok,
        "status_codes": codes,
        "seconds": round(wall, 3),
        "requests_per_s": round(len(latencies) / wall, 2) if wall else None,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
    }


def table(rows: list[dict]) -> str:
    head = f"{'conc':>5} {'reqs':>6} {'ok':>6} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'max ms':>9}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['concurrency']:>5} {r['requests']:>6} {r['ok']:>6} {r['requests_per_s']:>8} "
            f"{r['p50_ms']:>9} {r['p95_ms']:>9} {r['p99_ms']:>9} {r['max_ms']:>9}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--concurrency", default="1,4,8", help="comma-separated levels (default 1,4,8)")
    p.add_argument("--requests", type=int, default=150, help="requests per level (default 150)")
    p.add_argument("--warmup", type=int, default=5, help="requests before measuring (default 5)")
    p.add_argument("--max-seconds", type=float, default=300, help="stop every level after this many seconds overall")
    p.add_argument("--jobs", type=int, default=None, help="engine worker processes of the started server")
    p.add_argument("--url", help="an already running server (loopback only); needs --key")
    p.add_argument("--key", help="API key for --url")
    p.add_argument("--output", help="JSON file (default bench/results/api_load-<time>.json)")
    args = p.parse_args(argv)

    levels = [int(x) for x in args.concurrency.split(",") if x.strip()]
    if not levels or min(levels) < 1 or max(levels) > 64 or args.requests < 1 or args.requests > 100_000:
        p.error("concurrency levels must be 1..64 and --requests 1..100000")
    server = None
    if args.url:
        host = urlparse(args.url).hostname or ""
        if not host.startswith(LOOPBACK):
            p.error("--url must be a loopback address (127.0.0.0/8, localhost or ::1)")
        if not args.key:
            p.error("--url needs --key")
        base, key = args.url.rstrip("/"), args.key
    else:
        server = Server(args.jobs)
        base, key = server.base, ""
    try:
        if server is not None:
            key = server.start()
        health = httpx.get(f"{base}/v1/health", timeout=10).json()
        docs = bodies(50)
        deadline = time.monotonic() + args.max_seconds
        asyncio.run(level(base, key, docs, 1, args.warmup, deadline))
        rows = [asyncio.run(level(base, key, docs, c, args.requests, deadline)) for c in levels]
    finally:
        if server is not None:
            server.stop()

    print(f"hallmark API load test: POST /v1/checks, one center per request, {base}")
    print(f"database: {health['database']['kind']}, engine workers: {health['pool']['jobs']}, cores: {os.cpu_count()}")
    print(table(rows))
    result: dict[str, Any] = {
        "benchmark": "api_load",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "endpoint": "POST /v1/checks (application/yaml, one center)",
        "server": {"version": health["version"], "database": health["database"]["kind"], "pool": health["pool"]},
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "documents": len(docs),
        "levels": rows,
    }
    out = Path(args.output) if args.output else RESULTS / f"api_load-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written: {out}")
    failed = sum(r["requests"] - r["ok"] for r in rows)
    if failed:
        print(f"warning: {failed} request(s) did not answer 201", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
