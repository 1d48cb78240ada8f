"""RFC 9457 problem details (``application/problem+json``) for every error the API returns.

Body: ``type`` (a URN naming the kind of problem), ``title``, ``status``, ``detail``
(Chinese unless ``Accept-Language`` prefers English), ``instance`` where one exists
(the stored check of a rejected submission), and ``errors[]``: one entry per input
problem with ``code`` (stable, as in the CLI), ``message{zh,en}``, ``path`` (dotted),
``pointer`` (RFC 6901 JSON Pointer), ``file``, ``line``, ``column`` and ``expected``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine.errors import InputError, Problem
from engine.text import Text

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("hallmark.api")

TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Missing or unknown API key"),
    403: ("forbidden", "The API key's role does not allow this"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "No acceptable representation"),
    413: ("body-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    500: ("internal-error", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}


class ProblemJSONResponse(JSONResponse):
    """``application/problem+json``; text that cannot be UTF-8 (a lone surrogate quoted from the input) is replaced."""

    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8", "replace")


def problem_type(slug: str) -> str:
    return f"urn:hallmark:problem:{slug}"


class ErrorItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str = Field(examples=["wrong_type"])
    message: dict[str, str] = Field(examples=[{"zh": "应为数字", "en": "expected a number"}])
    path: str = Field("", examples=["center.hall.area_m2"])
    pointer: str = Field("", examples=["/center/hall/area_m2"])
    file: str | None = None
    line: int | None = None
    column: int | None = None
    expected: str | None = None


class ProblemModel(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(examples=["urn:hallmark:problem:invalid-input"])
    title: str
    status: int
    detail: str = ""
    instance: str | None = None
    errors: list[ErrorItem] = Field(default_factory=list)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the given error statuses."""
    return {s: {"model": ProblemModel, "description": TITLES[s][1], "content": {PROBLEM_JSON: {}}} for s in statuses}


class ApiProblem(Exception):
    """Raise anywhere in a route to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: Text | str,
        *,
        slug: str | None = None,
        title: str | None = None,
        errors: Iterable[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        default_slug, default_title = TITLES.get(status, ("error", "Error"))
        self.status = status
        self.detail = detail if isinstance(detail, Text) else Text(detail, detail)
        self.slug = slug or default_slug
        self.title = title or default_title
        self.errors = list(errors)
        self.headers = headers or {}
        self.extra = extra
        super().__init__(self.detail.en)


def pointer(path: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def query_error(code: str, message: Text, name: str, expected: str) -> dict[str, Any]:
    """The ``errors`` item of a bad query parameter ``name``."""
    return {
        "code": code,
        "message": message.to_json(),
        "path": name,
        "pointer": pointer((name,)),
        "in": "query",
        "expected": expected,
    }


def error_item(problem: Problem) -> dict[str, Any]:
    item = problem.to_json()
    item["pointer"] = pointer(problem.path)
    return item


def prefers_english(request: Request | None) -> bool:
    if request is None:
        return False
    header = request.headers.get("accept-language", "").strip().lower()
    return header.startswith("en")


def problem_response(
    request: Request | None,
    status: int,
    detail: Text,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: Iterable[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    default_slug, default_title = TITLES.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": problem_type(slug or default_slug),
        "title": title or default_title,
        "status": status,
        "detail": detail.en if prefers_english(request) else detail.zh,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    body["errors"] = list(errors)
    return ProblemJSONResponse(body, status_code=status, headers=headers)


def input_error_response(request: Request | None, exc: InputError, **extra: Any) -> JSONResponse:
    n = len(exc.problems)
    return problem_response(
        request,
        422,
        Text(f"输入有 {n} 处问题", f"the input has {n} problem{'s' if n != 1 else ''}"),
        errors=[error_item(p) for p in exc.problems],
        **extra,
    )


# ---------------------------------------------------------------- handlers


async def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return problem_response(
        request,
        exc.status,
        exc.detail,
        slug=exc.slug,
        title=exc.title,
        errors=exc.errors,
        headers=exc.headers,
        **exc.extra,
    )


async def _input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    return input_error_response(request, exc)


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(status, ("", "Error"))[1]
    zh = {404: "没有这个资源", 405: "不支持该请求方法"}.get(status, detail)
    return problem_response(request, status, Text(zh, detail), headers=dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = []
    for err in exc.errors():
        loc = [p for p in err.get("loc", ()) if p != "body" or len(err.get("loc", ())) == 1]
        where = str(loc[0]) if loc and loc[0] in ("query", "path", "header", "cookie", "body") else "body"
        path = [p for p in loc if p not in ("query", "path", "header", "cookie")]
        msg = str(err.get("msg", "invalid"))
        name = ".".join(str(p) for p in path)
        items.append(
            {
                "code": "invalid_parameter" if where != "body" else "invalid_body",
                "message": {"zh": f"参数 {name} 无效：{msg}", "en": f"{name}: {msg}"},
                "path": name,
                "pointer": pointer(path),
                "in": where,
                "file": None,
                "line": None,
                "column": None,
                "expected": "",
            }
        )
    return problem_response(
        request, 422, Text("请求参数无效", "invalid request parameters"), slug="invalid-parameters", errors=items
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request,
        500,
        Text("服务器内部错误；请求已记录", "internal server error; the request has been logged"),
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
