"""``GET /v1/health``: is the server, its database and its worker pool usable (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.models import Health
from api.service import Checker
from engine import outputs
from engine.report import engine_version
from engine.runner import RULES_ENGINE

router = APIRouter(prefix="/v1/health", tags=["health"])


@router.get(
    "",
    response_model=Health,
    summary="Liveness and readiness",
    responses={503: {"model": Health, "description": "the database cannot be reached"}},
)
def health(request: Request) -> Any:
    checker: Checker = request.app.state.checker
    settings = checker.settings
    database: dict[str, Any] = {"kind": settings.database_kind, "url": settings.redacted_url()}
    ok = True
    try:
        checker.store.ping()
        database["revision"] = checker.store.revision()
        database["ok"] = True
    except Exception as exc:  # the answer is the report: no 500 here
        ok = False
        database["ok"] = False
        database["error"] = f"{type(exc).__name__}"
    pool = checker.pool
    body = {
        "status": "ok" if ok else "degraded",
        "version": engine_version(),
        "rules_engine": RULES_ENGINE if settings.engine == "durable" else "python (reference)",
        "database": database,
        "pool": {"jobs": pool.jobs if pool else 0, "restarts": pool.restarts if pool else 0},
        "standards": checker.known_standards(),
        "formats": list(outputs.FORMATS),
    }
    return JSONResponse(body, status_code=200 if ok else 503)
