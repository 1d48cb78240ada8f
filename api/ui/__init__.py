"""The reviewer workbench (``/ui``): server-rendered pages on the compliance API (docs/ui.md).

``install(app)`` adds the pages and their static files (our own CSS and JS, no
third-party library, nothing fetched from the internet) to an app made by
``api.app.create_app``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from api.ui import session
from api.ui.routes import Denied, router

STATIC = Path(__file__).resolve().parent / "static"


async def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Denied)
    return exc.response


def install(app: FastAPI) -> None:
    app.state.ui_secret = session.new_secret()
    app.add_exception_handler(Denied, _denied)
    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=str(STATIC)), name="ui-static")


__all__ = ["install"]
