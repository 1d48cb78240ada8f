"""``create_app(settings)``: the compliance API (FastAPI).

Layers, outermost first: the audit log (every request that may change state,
whatever its outcome), the body-size limit (413 before a byte reaches a route),
FastAPI's routing and the problem+json handlers. Evaluation never runs on the
event loop: routes hand parsing, storage and the engine to worker threads, and
the engine runs in the long-lived worker processes of ``api.pool.WorkerPool``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problems
from api.pool import WorkerPool
from api.routes import centers, checks, health, impact, keys, standards
from api.service import Checker
from api.settings import Settings
from api.store import Store
from api.ui import install as install_ui
from engine.center import center_schema
from engine.report import engine_version
from engine.text import Text

log = logging.getLogger("hallmark.api")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BodyLimit:
    """Read the whole body up to ``max_bytes`` (Content-Length or streamed), else answer 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                too_big = False
            if too_big:
                await self._reject(scope, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, send: Send) -> None:
        mb = self.max_bytes / (1024 * 1024)
        response = problems.problem_response(
            None,
            413,
            Text(
                f"请求体超过上限 {self.max_bytes} 字节（{mb:g} MB）",
                f"request body over {self.max_bytes} bytes ({mb:g} MB)",
            ),
            max_bytes=self.max_bytes,
            headers={"Connection": "close"},
        )
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


class AuditLog:
    """One ``audit_log`` row per request whose method may change state (POST, PUT, PATCH, DELETE)."""

    def __init__(self, app: ASGIApp, store: Store) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            client = scope.get("client")
            with anyio.CancelScope(shield=True):
                try:
                    await anyio.to_thread.run_sync(
                        lambda: self.store.audit(
                            method=scope["method"],
                            path=scope["path"],
                            status_code=status,
                            principal=state.get("principal"),
                            client=f"{client[0]}:{client[1]}" if client else None,
                            submission_id=state.get("audit_submission"),
                            detail=state.get("audit_detail"),
                        )
                    )
                except Exception:
                    log.exception("could not write the audit log")


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
    )
    center = center_schema()
    for key in ("$schema", "$id"):
        center.pop(key, None)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Center"] = center
    components["CenterDocument"] = {
        "title": "Center configuration document",
        "description": "`center:` one center, or `centers:` a non-empty list of centers (center-config.md)",
        "oneOf": [
            {
                "type": "object",
                "required": ["center"],
                "properties": {"center": {"$ref": "#/components/schemas/Center"}},
                "additionalProperties": False,
            },
            {
                "type": "object",
                "required": ["centers"],
                "properties": {
                    "centers": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Center"}}
                },
                "additionalProperties": False,
            },
        ],
    }
    app.openapi_schema = schema
    return schema


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    store = Store(settings.database_url)
    pool = WorkerPool(settings.jobs) if settings.engine == "durable" else None
    checker = Checker(settings, store, pool)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate:
            await anyio.to_thread.run_sync(store.migrate)
        if pool is not None:
            try:
                await anyio.to_thread.run_sync(pool.warm_up)
            except Exception:  # the pool starts again on first use; a check then says what is wrong
                log.exception("the rules-engine worker pool did not start")
        try:
            yield
        finally:
            if pool is not None:
                await anyio.to_thread.run_sync(pool.shutdown)
            store.dispose()

    app = FastAPI(
        title="hallmark compliance API",
        version=engine_version(),
        description=(
            "政务服务中心标准合规检查 — reviewers submit center configurations; every submission and verdict is kept. "
            "Authenticate with the `X-API-Key` header "
            "(`hallmark keys create --role submitter|reviewer|drafter|admin`). "
            "Errors are RFC 9457 problem details (`application/problem+json`)."
        ),
        lifespan=lifespan,
        openapi_tags=[
            {"name": "checks", "description": "submit center configurations; read stored checks"},
            {"name": "centers", "description": "one center's verdicts over time"},
            {"name": "standards", "description": "clauses, sources, dated parameters"},
            {"name": "impact", "description": "what changes between two standards"},
            {"name": "keys", "description": "API keys and the audit log (admin)"},
            {"name": "health", "description": "liveness and readiness"},
        ],
    )
    app.state.settings = settings
    app.state.store = store
    app.state.pool = pool
    app.state.checker = checker
    problems.install(app)
    for module in (checks, centers, standards, impact, keys, health):
        app.include_router(module.router)
    install_ui(app)  # the reviewer workbench at /ui (docs/ui.md)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(AuditLog, store=store)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
