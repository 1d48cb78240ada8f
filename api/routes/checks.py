"""``/v1/checks``: submit a center configuration, read what was judged."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api import auth, formats
from api.models import DATE_PATTERN, ID_PATTERN, CheckDetail, CheckList, CheckStatus
from api.problems import ApiProblem, input_error_response, problem_responses, query_error
from api.service import Checker
from api.store import Principal, Store, iso
from engine.errors import InputError
from engine.text import Text

router = APIRouter(prefix="/v1/checks", tags=["checks"])

MAX_ID = 2**31 - 1
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/vnd.yaml"})
FILENAME_PATTERN = r"^[^\x00-\x1f/\\]{1,200}$"

DOCUMENT_BODY: dict[str, Any] = {
    "required": True,
    "description": (
        "A center configuration (center-config.md): `center:` one center, or `centers:` a list. "
        "JSON, or YAML with `Content-Type: application/yaml`. Kept byte for byte."
    ),
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/CenterDocument"}},
        "application/yaml": {"schema": {"type": "string"}},
    },
}

CheckId = Annotated[int, Path(ge=1, le=MAX_ID, description="the check id (from POST's Location header)")]
FormatQuery = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z0-9_-]{1,30}$",
        description="output format by name (json, text, sarif, junit, markdown, html, csv… as installed); "
        "overrides Accept",
    ),
]


def _lang(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"


def _body_kind(content_type: str | None) -> str:
    base = (content_type or "").split(";", 1)[0].strip().lower()
    if base == "application/json" or (base.startswith("application/") and base.endswith("+json")):
        return "json"
    if base in YAML_TYPES:
        return "yaml"
    raise ApiProblem(
        415,
        Text(
            f"不支持的 Content-Type “{base or '（无）'}”；请用 application/json 或 application/yaml",
            f"unsupported Content-Type '{base or '(none)'}'; send application/json or application/yaml",
        ),
        accepted=["application/json", "application/yaml"],
    )


def _filename(given: str | None, kind: str) -> str:
    if not given:
        return f"request.{kind}"
    suffix_ok = given.endswith(".json") if kind == "json" else given.endswith((".yaml", ".yml"))
    if not suffix_ok:
        want = ".json" if kind == "json" else ".yaml or .yml"
        raise ApiProblem(
            422,
            Text(
                f"filename 应以 {want} 结尾，与 Content-Type 一致",
                f"filename must end with {want}, as Content-Type says",
            ),
            errors=[
                query_error(
                    "filename_mismatch",
                    Text(f"filename 应以 {want} 结尾", f"filename must end with {want}"),
                    "filename",
                    want,
                )
            ],
        )
    return given


def _date(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiProblem(
            422,
            Text(f"{name} 不是有效日期：{text}", f"{name} is not a date: {text}"),
            slug="invalid-parameters",
            errors=[
                query_error(
                    "bad_date",
                    Text(f"{name} 不是有效日期：{text}", f"{name} is not a date: {text}"),
                    name,
                    "YYYY-MM-DD",
                )
            ],
        ) from None


def summary_json(row: dict[str, Any]) -> dict[str, Any]:
    cid = row["id"]
    return {
        "id": cid,
        "status": row["status"],
        "received_at": iso(row["received_at"]),
        "completed_at": iso(row["completed_at"]),
        "submitter": row["submitter_key_id"],
        "document": {
            "content_type": row["content_type"],
            "filename": row["filename"],
            "sha256": row["body_sha256"],
            "size": row["body_size"],
        },
        "standard": {"id": row["standard_id"], "version": row["standard_version"], "sha256": row["standard_sha256"]},
        "as_of": row["as_of"],
        "fail_on": row["fail_on"],
        "failed": row["failed"],
        "engine": {"version": row["engine_version"], "rules_engine": row["rules_engine"]},
        "centers": row.get("centers", []),
        "links": {
            "self": f"/v1/checks/{cid}",
            "report": f"/v1/checks/{cid}/report",
            "document": f"/v1/checks/{cid}/document",
        },
    }


def _visible(row: dict[str, Any] | None, principal: Principal, check_id: int) -> dict[str, Any]:
    """The row, if this caller may see it (a submitter sees its own only; others' are 'not found')."""
    if row is None or (not principal.at_least("reviewer") and row["submitter_key_id"] != principal.key_id):
        raise ApiProblem(404, Text(f"没有编号为 {check_id} 的检查", f"no check {check_id}"))
    return row


async def _render_stored(request: Request, row: dict[str, Any], fmt: str) -> Response:
    if row["report"] is None:
        raise ApiProblem(
            409,
            Text(f"该检查没有报告（状态 {row['status']}）", f"this check has no report (status {row['status']})"),
            slug="no-report",
            title="No report",
        )
    if fmt == "json":
        return Response(formats.render_json(row["report"]), media_type="application/json")
    report = formats.report_from_json(row["report"])
    body, media = await run_in_threadpool(formats.render, report, fmt, _lang(request))
    return Response(body, media_type=media)


@router.post(
    "",
    status_code=201,
    summary="Check a center configuration (and keep it)",
    response_class=Response,
    responses={
        201: {
            "description": "The hallmark/v1 report (or the format asked for by Accept / ?format=). "
            "Headers: Location (the stored check), X-Hallmark-Check-Id, X-Hallmark-Status, "
            "X-Hallmark-Result (fail when findings reach fail_on, as the CLI's exit code 1).",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **problem_responses(401, 403, 406, 413, 415, 422),
    },
    openapi_extra={"requestBody": DOCUMENT_BODY},
)
async def submit_check(
    request: Request,
    principal: Annotated[Principal, Depends(auth.submitter)],
    standard: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="bundled standard id (default sjz-proposed)")
    ] = None,
    as_of: Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY-MM-DD (default today)")] = None,
    fail_on: Annotated[Literal["error", "warning", "never"], Query(description="as the CLI's --fail-on")] = "error",
    format: FormatQuery = None,
    filename: Annotated[
        str | None, Query(pattern=FILENAME_PATTERN, description="the document's name, shown in locations")
    ] = None,
) -> Response:
    fmt = formats.negotiate(request.headers.get("accept"), format)
    kind = _body_kind(request.headers.get("content-type"))
    name = _filename(filename, kind)
    day = _date(as_of, "as_of")
    checker: Checker = request.app.state.checker
    sid = standard or checker.settings.default_standard
    try:
        loaded = await run_in_threadpool(checker.standard, sid)
    except InputError as exc:
        return input_error_response(request, exc)
    body = await request.body()
    outcome = await run_in_threadpool(
        checker.submit,
        body=body,
        content_type=(request.headers.get("content-type") or "")[:100],
        filename=name,
        standard=loaded,
        standard_id=sid,
        as_of=day,
        fail_on=fail_on,
        principal=principal,
    )
    request.state.audit_submission = outcome.check_id
    location = f"/v1/checks/{outcome.check_id}"
    headers = {"Location": location, "X-Hallmark-Check-Id": str(outcome.check_id), "X-Hallmark-Status": outcome.status}
    if outcome.report is None:
        return input_error_response(
            request, InputError(outcome.problems), instance=location, check_id=outcome.check_id, headers=headers
        )
    text, media = await run_in_threadpool(formats.render, outcome.report, fmt, _lang(request))
    headers["X-Hallmark-Result"] = "fail" if outcome.failed else "pass"
    return Response(text, status_code=201, media_type=media, headers=headers)


@router.get(
    "",
    response_model=CheckList,
    summary="History of checks (newest first, paged)",
    responses=problem_responses(401, 403, 422),
)
def list_checks(
    request: Request,
    principal: Annotated[Principal, Depends(auth.submitter)],
    center: Annotated[str | None, Query(pattern=ID_PATTERN, description="checks that include this center")] = None,
    standard: Annotated[str | None, Query(pattern=ID_PATTERN, description="standard id")] = None,
    status: Annotated[CheckStatus | None, Query(description="check status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    store: Store = request.app.state.store
    owner = None if principal.at_least("reviewer") else principal.key_id
    rows, total = store.list_submissions(
        center=center, standard=standard, status=status, owner=owner, limit=limit, offset=offset
    )
    nxt = None
    if offset + len(rows) < total:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
        nxt = f"/v1/checks?{urlencode([*params, ('offset', str(offset + limit))])}"
    return {"items": [summary_json(r) for r in rows], "total": total, "limit": limit, "offset": offset, "next": nxt}


@router.get(
    "/{check_id}",
    summary="One check: what was sent, when, by whom, against which standard, and its report",
    response_model=CheckDetail,
    responses={
        200: {"description": "JSON: the stored check with its report; other formats (Accept / ?format=): the report"},
        **problem_responses(401, 403, 404, 406),
    },
)
async def get_check(
    request: Request,
    check_id: CheckId,
    principal: Annotated[Principal, Depends(auth.submitter)],
    format: FormatQuery = None,
) -> Any:
    fmt = formats.negotiate(request.headers.get("accept"), format)
    store: Store = request.app.state.store
    row = _visible(await run_in_threadpool(store.get_submission, check_id), principal, check_id)
    if fmt != "json":
        return await _render_stored(request, row, fmt)
    return {**summary_json(row), "errors": row["errors"], "report": row["report"]}


@router.get(
    "/{check_id}/report",
    summary="The report of one check, as POST /v1/checks answered (any format)",
    response_class=Response,
    responses={
        200: {"description": "the report", "content": {"application/json": {"schema": {"type": "object"}}}},
        **problem_responses(401, 403, 404, 406),
        409: {"description": "the submission was rejected: no report", "content": {"application/problem+json": {}}},
    },
)
async def get_report(
    request: Request,
    check_id: CheckId,
    principal: Annotated[Principal, Depends(auth.submitter)],
    format: FormatQuery = None,
) -> Response:
    fmt = formats.negotiate(request.headers.get("accept"), format)
    store: Store = request.app.state.store
    row = _visible(await run_in_threadpool(store.get_submission, check_id), principal, check_id)
    return await _render_stored(request, row, fmt)


@router.get(
    "/{check_id}/document",
    summary="The submitted document, byte for byte",
    response_class=Response,
    responses={
        200: {"description": "the document as it was sent (header X-Content-SHA256)"},
        **problem_responses(401, 403, 404),
    },
)
async def get_document(
    request: Request, check_id: CheckId, principal: Annotated[Principal, Depends(auth.submitter)]
) -> Response:
    store: Store = request.app.state.store
    row = _visible(await run_in_threadpool(store.get_submission, check_id), principal, check_id)
    return Response(
        bytes(row["body"]),
        media_type=row["content_type"] or "application/octet-stream",
        headers={"X-Content-SHA256": row["body_sha256"]},
    )
