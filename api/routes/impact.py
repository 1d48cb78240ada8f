"""``POST /v1/impact``: which stored centers change status between two standards.

The answer is the CLI's ``hallmark impact --format json`` report (``hallmark-impact/v1``,
``engine.impact``) over the latest stored submission of every center (or of the centers
named), each center also naming the ``check_id`` its document came from. ``Accept:
text/plain`` or ``text/markdown`` (or ``?format=text|markdown``) gives the CLI's text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api import auth
from api.models import ImpactRequest
from api.problems import ApiProblem, problem_responses
from api.service import Checker
from api.store import Principal
from engine import impact as impact_mod
from engine.text import Text

router = APIRouter(prefix="/v1/impact", tags=["impact"])

MEDIA = {"json": "application/json", "text": "text/plain; charset=utf-8", "markdown": "text/markdown; charset=utf-8"}


def _format(accept: str | None, fmt: str | None) -> str:
    if fmt:
        if fmt not in impact_mod.FORMATS:
            raise ApiProblem(
                422,
                Text(f"未知格式 {fmt}；可用：{', '.join(impact_mod.FORMATS)}", f"unknown format {fmt}"),
                slug="unknown-format",
            )
        return fmt
    for part in (accept or "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in ("", "*/*", "application/*", "application/json"):
            return "json"
        for name, known in MEDIA.items():
            if media == known.split(";")[0]:
                return name
    if not (accept or "").strip():
        return "json"
    raise ApiProblem(406, Text("可用格式：json、text、markdown", "available: json, text, markdown"))


@router.post(
    "",
    summary="Judge every stored center (its latest submission) under two standards and list what changes",
    response_class=Response,
    responses={
        200: {
            "description": "the hallmark-impact/v1 report (as `hallmark impact --format json`), "
            "each center with the check_id of its document",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **problem_responses(401, 403, 406, 413, 422),
    },
)
async def impact(
    request: Request,
    body: ImpactRequest,
    principal: Annotated[Principal, Depends(auth.drafter)],
    format: Annotated[str | None, Query(pattern=r"^[a-z]{1,20}$", description="json, text or markdown")] = None,
) -> Response:
    fmt = _format(request.headers.get("accept"), format)
    day = None
    if body.as_of is not None:
        try:
            day = dt.date.fromisoformat(body.as_of)
        except ValueError:
            raise ApiProblem(
                422, Text(f"as_of 不是有效日期：{body.as_of}", f"as_of is not a date: {body.as_of}")
            ) from None
    checker: Checker = request.app.state.checker
    report, sources = await run_in_threadpool(checker.impact, body.from_, body.to, day, body.centers)
    request.state.audit_detail = {"from": body.from_, "to": body.to, "as_of": report.as_of.isoformat()}
    lang = "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"
    if fmt == "text":
        return Response(impact_mod.render_text(report, lang), media_type=MEDIA["text"])
    if fmt == "markdown":
        return Response(impact_mod.render_markdown(report, lang), media_type=MEDIA["markdown"])
    data: dict[str, Any] = report.to_json()
    for center in data["centers"]:
        center["check_id"] = sources.get(center["id"])
    return Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n", media_type=MEDIA["json"])
