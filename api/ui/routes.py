"""``/ui``: the reviewer workbench — server-rendered pages (Jinja2) on the API's own services.

The pages call what the HTTP API calls (``api.service.Checker``, ``api.store.Store``,
``engine.impact``, ``engine.matrix``, ``engine.outputs``), in worker threads, with the
signed-in key's role: a submitter sees its own checks, a reviewer every check and the
city view, a drafter also the impact of a new standard. Submissions made here are
stored, audited and numbered exactly like ``POST /v1/checks``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import UploadFile as StarletteUploadFile

from api import formats
from api.problems import error_item
from api.routes.centers import history_entries
from api.service import Checker
from api.store import Store, iso
from api.ui import session as sessions
from api.ui import views
from api.ui.i18n import LANGS, pick, t
from engine import impact as impact_mod
from engine import outputs
from engine.errors import InputError
from engine.matrix import MARK
from engine.report import engine_version
from engine.standard import Registries, Standard

HERE = Path(__file__).resolve().parent
ENV = Environment(
    loader=FileSystemLoader(str(HERE / "templates")),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["when"] = lambda value: views.local_time(value)
templates = Jinja2Templates(env=ENV)
router = APIRouter(prefix="/ui", include_in_schema=False)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
NEXT_PATTERN = re.compile(r"^/ui(/[A-Za-z0-9._~%/-]*)?(\?[A-Za-z0-9._~%&=+-]*)?$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
MAX_ID = 2**31 - 1


# ---------------------------------------------------------------- plumbing


def _lang(request: Request) -> str:
    lang = request.cookies.get(sessions.LANG_COOKIE, "")
    return lang if lang in LANGS else "zh"


def _secret(request: Request) -> bytes:
    return request.app.state.ui_secret  # type: ignore[no-any-return]


def _store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def _checker(request: Request) -> Checker:
    return request.app.state.checker  # type: ignore[no-any-return]


def _session(request: Request) -> sessions.Session | None:
    found = sessions.read(_secret(request), request.cookies.get(sessions.COOKIE), _store(request))
    if found is not None:
        request.state.principal = found.principal  # the audit log names who did it
    return found


def _safe_next(target: str | None) -> str:
    return target if target and NEXT_PATTERN.match(target) else "/ui/check"


def render(
    request: Request,
    name: str,
    session: sessions.Session | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = _lang(request)
    principal = session.principal if session else None
    base: dict[str, Any] = {
        "lang": lang,
        "t": lambda key, **kw: t(key, lang, **kw),
        "pick": lambda value: pick(value, lang),
        "principal": principal,
        "can": (lambda role: bool(principal and principal.at_least(role))),
        "csrf": sessions.csrf_token(_secret(request), session.token) if session else "",
        "version": engine_version(),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "other_lang": "en" if lang == "zh" else "zh",
    }
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response


class Denied(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def guard(request: Request, role: str = "submitter") -> sessions.Session:
    """The session, if signed in with ``role`` or above; otherwise ``Denied`` with the answer to give."""
    found = _session(request)
    if found is None:
        had_cookie = sessions.COOKIE in request.cookies
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = urlencode({"next": target, **({"expired": "1"} if had_cookie else {})})
        response = RedirectResponse(f"/ui/signin?{query}", status_code=303)
        if had_cookie:
            sessions.clear_cookie(response)
        raise Denied(response)
    if not found.principal.at_least(role):
        raise Denied(render(request, "message.html", found, 403, message=t("forbidden", _lang(request), role=role)))
    return found


def not_found(request: Request, session: sessions.Session, message: str) -> HTMLResponse:
    return render(request, "message.html", session, 404, message=message)


def _owner(session: sessions.Session) -> str | None:
    return None if session.principal.at_least("reviewer") else session.principal.key_id


def _visible_check(request: Request, session: sessions.Session, check_id: int) -> dict[str, Any] | None:
    if not 1 <= check_id <= MAX_ID:
        return None
    row = _store(request).get_submission(check_id)
    if row is None:
        return None
    if not session.principal.at_least("reviewer") and row["submitter_key_id"] != session.principal.key_id:
        return None  # another submitter's check: not disclosed
    return row


def _standard(request: Request, sid: str | None) -> Standard | None:
    if not sid:
        return None
    try:
        return _checker(request).standard(sid)[0]
    except InputError:
        return None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _standards(request: Request) -> list[dict[str, Any]]:
    out = []
    for sid in _checker(request).known_standards():
        std = _standard(request, sid)
        out.append({"id": sid, "version": std.version if std else "", "title": std.title.to_json() if std else {}})
    return out


# ---------------------------------------------------------------- sign-in, language


@router.get("", response_class=HTMLResponse)
def home(request: Request) -> Response:
    return RedirectResponse("/ui/check" if _session(request) else "/ui/signin", status_code=303)


@router.get("/signin", response_class=HTMLResponse)
def signin_page(
    request: Request, next: Annotated[str | None, Query(max_length=2000)] = None, expired: str | None = None
) -> Response:
    found = _session(request)
    if found is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    lang = _lang(request)
    notice = t("signin.expired", lang) if expired else (t("signin.needed", lang) if next else "")
    return render(request, "signin.html", None, next=_safe_next(next), notice=notice, error="")


@router.post("/signin", response_class=HTMLResponse)
def signin(
    request: Request,
    key: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/ui/check",
) -> Response:
    key = key.strip()
    principal = _store(request).authenticate(key) if key and len(key) <= 256 else None
    if principal is None:
        return render(
            request, "signin.html", None, 401, next=_safe_next(next), notice="", error=t("signin.bad", _lang(request))
        )
    request.state.principal = principal
    response = RedirectResponse(_safe_next(next), status_code=303)
    sessions.set_cookie(request, response, sessions.issue(_secret(request), principal.key_id))
    return response


@router.post("/signout")
def signout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    found = _session(request)
    if found is not None and not sessions.csrf_ok(_secret(request), found, csrf):
        return render(request, "message.html", found, 403, message=t("csrf", _lang(request)))
    response = RedirectResponse("/ui/signin", status_code=303)
    sessions.clear_cookie(response)
    return response


@router.get("/lang")
def switch_language(
    request: Request,
    to: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(sessions.LANG_COOKIE, to, max_age=365 * 86400, path=sessions.PATH, samesite="lax")
    return response


# ---------------------------------------------------------------- submit and read


def _form_page(
    request: Request,
    session: sessions.Session,
    *,
    text: str = "",
    standard: str = "",
    as_of: str = "",
    filename: str = "",
    from_id: int | None = None,
    problems: list[dict[str, Any]] | None = None,
    message: str = "",
    status_code: int = 200,
    check_id: int | None = None,
) -> HTMLResponse:
    checker = _checker(request)
    return render(
        request,
        "check.html",
        session,
        status_code,
        text=text,
        standards=_standards(request),
        standard=standard or checker.settings.default_standard,
        as_of=as_of or views.today_china().isoformat(),
        filename=filename,
        from_id=from_id,
        problems=problems or [],
        annotated=views.annotate(text, problems) if problems else None,
        message=message,
        check_id=check_id,
    )


@router.get("/check", response_class=HTMLResponse)
def check_page(request: Request, from_: Annotated[int | None, Query(alias="from", ge=1)] = None) -> Response:
    found = guard(request)
    if from_ is None:
        return _form_page(request, found)
    row = _visible_check(request, found, from_)
    if row is None:
        return not_found(request, found, t("not_found.check", _lang(request), id=from_))
    return _form_page(
        request,
        found,
        text=bytes(row["body"]).decode("utf-8", "replace"),
        standard=row["standard_id"],
        as_of=row["as_of"] or "",
        filename=row["filename"],
        from_id=from_,
    )


def _document_kind(filename: str, body: bytes) -> str:
    lower = filename.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    return "json" if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "yaml"


def _stored_name(given: str, kind: str) -> str:
    base = SAFE_NAME.sub("_", Path(given.replace("\\", "/")).name).strip("._")[:150]
    suffixes = (".json",) if kind == "json" else (".yaml", ".yml")
    if base and base.lower().endswith(suffixes):
        return base
    return f"request.{kind}"


@router.post("/check", response_class=HTMLResponse)
async def submit(request: Request) -> Response:
    """The form is read here, not by FastAPI: its default 1 MB limit per field would refuse a
    large pasted document that the API accepts (the API's body limit applies instead)."""
    limit = _checker(request).settings.max_body_bytes
    form = await request.form(max_files=1, max_fields=20, max_part_size=limit)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    upload_name, uploaded = "", b""
    if isinstance(upload, StarletteUploadFile) and upload.filename:
        upload_name, uploaded = upload.filename, await upload.read()
    return await run_in_threadpool(
        _submit,
        request,
        text=fields.get("text", ""),
        standard=fields.get("standard", "")[:200],
        as_of=fields.get("as_of", "")[:40],
        filename=fields.get("filename", "")[:300],
        csrf=fields.get("csrf", "")[:200],
        upload_name=upload_name,
        uploaded=uploaded,
    )


def _submit(
    request: Request,
    *,
    text: str,
    standard: str,
    as_of: str,
    filename: str,
    csrf: str,
    upload_name: str,
    uploaded: bytes,
) -> Response:
    found = guard(request)
    lang = _lang(request)
    shown = {"text": text.replace("\r\n", "\n"), "filename": filename}  # browsers send a textarea with CRLF

    def again(status_code: int, **extra: Any) -> HTMLResponse:
        """The form again, with what was sent still in it."""
        return _form_page(
            request,
            found,
            text=shown["text"],
            standard=standard,
            as_of=as_of,
            filename=shown["filename"],
            status_code=status_code,
            **extra,
        )

    if not sessions.csrf_ok(_secret(request), found, csrf):
        return again(403, message=t("csrf", lang))
    body = shown["text"].encode("utf-8")
    name = filename
    if uploaded:
        body, name = uploaded, upload_name
        shown["text"] = uploaded.decode("utf-8", "replace")
    if not body.strip():
        return again(422, message=t("check.empty", lang))
    day = None
    if as_of.strip():
        day = _date(as_of.strip())
        if day is None:
            return again(422, message=t("check.bad_date", lang))
    checker = _checker(request)
    sid = standard.strip() or checker.settings.default_standard
    try:
        loaded = checker.standard(sid)
    except InputError as exc:
        return again(422, message=pick(error_item(exc.problems[0])["message"], lang))
    kind = _document_kind(name, body)
    stored_name = _stored_name(name, kind)
    outcome = checker.submit(
        body=body,
        content_type="application/json" if kind == "json" else "application/yaml",
        filename=stored_name,
        standard=loaded,
        standard_id=sid,
        as_of=day,
        fail_on="error",
        principal=found.principal,
    )
    request.state.audit_submission = outcome.check_id
    if outcome.report is None:
        shown["filename"] = stored_name
        return again(422, problems=[error_item(p) for p in outcome.problems], check_id=outcome.check_id)
    return RedirectResponse(f"/ui/checks/{outcome.check_id}", status_code=303)


@router.get("/checks", response_class=HTMLResponse)
def checks_page(request: Request, offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> Response:
    found = guard(request)
    rows, total = _store(request).list_submissions(owner=_owner(found), limit=50, offset=offset)
    items = [
        {
            "id": r["id"],
            "status": r["status"],
            "received_at": iso(r["received_at"]),
            "standard": r["standard_id"],
            "version": r["standard_version"] or "",
            "as_of": r["as_of"] or "",
            "filename": r["filename"],
            "centers": r.get("centers", []),
        }
        for r in rows
    ]
    return render(request, "checks.html", found, items=items, total=total, offset=offset, limit=50)


@router.get("/checks/{check_id}", response_class=HTMLResponse)
def report_page(request: Request, check_id: int) -> Response:
    found = guard(request)
    lang = _lang(request)
    row = _visible_check(request, found, check_id)
    if row is None:
        return not_found(request, found, t("not_found.check", lang, id=check_id))
    report = row["report"]
    std = _standard(request, row["standard_id"])
    titles = views.section_titles(std)
    registries = std.registries if std else None
    centers = [views.center_view(c, lang, titles, registries) for c in (report or {}).get("centers", [])]
    annotated = None
    if report is None and row["errors"]:
        annotated = views.annotate(bytes(row["body"]).decode("utf-8", "replace"), row["errors"])
    downloads = [{"name": n, "suffix": cls.suffix} for n, cls in outputs.FORMATS.items()]
    return render(
        request,
        "report.html",
        found,
        check={
            "id": row["id"],
            "status": row["status"],
            "received_at": iso(row["received_at"]),
            "standard": row["standard_id"],
            "version": row["standard_version"] or "",
            "as_of": row["as_of"] or "",
            "filename": row["filename"],
            "errors": row["errors"] or [],
        },
        centers=centers,
        annotated=annotated,
        downloads=downloads if report is not None else [],
    )


@router.get("/checks/{check_id}/download/{fmt}")
def download(request: Request, check_id: int, fmt: str) -> Response:
    found = guard(request)
    lang = _lang(request)
    row = _visible_check(request, found, check_id)
    if row is None or row["report"] is None or fmt not in outputs.FORMATS:
        return not_found(request, found, t("not_found.check", lang, id=check_id))
    suffix = outputs.FORMATS[fmt].suffix
    if fmt == "json":
        body: str | bytes = formats.render_json(row["report"])
        media = "application/json"
    else:
        body, media = formats.render(formats.report_from_json(row["report"]), fmt, lang)
    name = f"hallmark-check-{check_id}.{suffix}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/checks/{check_id}/document")
def document(request: Request, check_id: int) -> Response:
    found = guard(request)
    row = _visible_check(request, found, check_id)
    if row is None:
        return not_found(request, found, t("not_found.check", _lang(request), id=check_id))
    media = "application/json" if str(row["filename"]).endswith(".json") else "application/yaml"
    name = quote(str(row["filename"]))
    return Response(
        bytes(row["body"]),
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}", "X-Content-Type-Options": "nosniff"},
    )


# ---------------------------------------------------------------- centers and history


@router.get("/centers", response_class=HTMLResponse)
def centers_page(request: Request) -> Response:
    found = guard(request)
    return render(request, "centers.html", found, centers=views.centers_index(_store(request), _owner(found)))


def _history(request: Request, found: sessions.Session, center_id: str) -> list[Any] | None:
    if not ID_PATTERN.match(center_id):
        return None
    rows = _store(request).center_history(center_id, owner=_owner(found))
    return rows or None


@router.get("/centers/{center_id}", response_class=HTMLResponse)
def center_page(request: Request, center_id: str) -> Response:
    found = guard(request)
    rows = _history(request, found, center_id)
    if rows is None:
        return not_found(request, found, t("not_found.center", _lang(request), id=center_id))
    entries = history_entries(rows)[::-1]
    latest = rows[-1]
    return render(
        request,
        "center.html",
        found,
        center={"id": center_id, "name": latest.center_name, "tier": latest.tier},
        entries=entries,
    )


@router.get("/centers/{center_id}/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    center_id: str,
    a: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    b: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    found = guard(request)
    lang = _lang(request)
    rows = _history(request, found, center_id)
    if rows is None:
        return not_found(request, found, t("not_found.center", lang, id=center_id))
    by_check = {r.submission_id: r for r in rows}
    if a is None or b is None or a == b or a not in by_check or b not in by_check:
        return render(
            request, "message.html", found, 422, message=t("compare.pick", lang), back=f"/ui/centers/{center_id}"
        )
    older, newer = sorted((by_check[a], by_check[b]), key=lambda r: r.submission_id)
    newer_row = _store(request).get_submission(newer.submission_id)
    older_row = _store(request).get_submission(older.submission_id)
    titles = {
        **views.clause_titles(older_row["report"] if older_row else None, center_id),
        **views.clause_titles(newer_row["report"] if newer_row else None, center_id),
    }
    changes = views.compare_statuses(older.clause_statuses or {}, newer.clause_statuses or {}, titles, lang)

    def side(r: Any) -> dict[str, Any]:
        return {
            "check_id": r.submission_id,
            "received_at": iso(r.received_at),
            "standard": r.standard_id,
            "version": r.standard_version,
            "as_of": r.as_of,
            "verdict": r.verdict,
        }

    return render(
        request,
        "compare.html",
        found,
        center={"id": center_id, "name": newer.center_name, "tier": newer.tier},
        older=side(older),
        newer=side(newer),
        changes=changes,
    )


# ---------------------------------------------------------------- city view


@router.get("/city", response_class=HTMLResponse)
def city_page(
    request: Request,
    standard: Annotated[str | None, Query(max_length=200)] = None,
    tier: Annotated[str | None, Query(max_length=20)] = None,
    area: Annotated[str | None, Query(max_length=50)] = None,
) -> Response:
    found = guard(request, "reviewer")
    lang = _lang(request)
    checker = _checker(request)
    sid = standard if standard in checker.known_standards() else checker.settings.default_standard
    std = _standard(request, sid)
    registries = std.registries if std else Registries()
    data = views.city_data(_store(request), sid, registries, None)
    shaped = views.city_view(data, lang, tier or None, area or None)
    titles = views.section_titles(std)
    areas = [{"id": a, "title": pick(titles.get(a), lang) or a} for a in shaped.get("areas", [])]
    return render(
        request,
        "city.html",
        found,
        city=shaped,
        standards=_standards(request),
        standard=sid,
        tier=tier or "",
        area=area or "",
        areas=areas,
        dates=data.as_of_range,
        statuses=[s.value for s in views.BAR_STATUSES],
        marks={s.value: m for s, m in MARK.items()},
    )


# ---------------------------------------------------------------- drafter view


def _impact(request: Request, from_: str, to: str, as_of: str | None) -> tuple[Any, dict[str, int]]:
    return _checker(request).impact(from_, to, _date(as_of), None)


@router.get("/impact", response_class=HTMLResponse)
def impact_page(
    request: Request,
    from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
    to: Annotated[str | None, Query(max_length=200)] = None,
    as_of: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    found = guard(request, "drafter")
    lang = _lang(request)
    checker = _checker(request)
    known = checker.known_standards()
    context: dict[str, Any] = {
        "standards": _standards(request),
        "from_id": from_ or ("sjz-current" if "sjz-current" in known else known[0]),
        "to_id": to or checker.settings.default_standard,
        "as_of": as_of or views.today_china().isoformat(),
        "result": None,
        "message": "",
    }
    if from_ and to:
        if as_of and _date(as_of) is None:
            context["message"] = t("check.bad_date", lang)
            return render(request, "impact.html", found, 422, **context)
        try:
            report, sources = _impact(request, from_, to, as_of)
        except InputError as exc:
            context["message"] = "；".join(pick(error_item(p)["message"], lang) for p in exc.problems)
            return render(request, "impact.html", found, 422, **context)
        by_clause = report.by_clause()
        context["result"] = {
            "as_of": report.as_of.isoformat(),
            "from": report.from_standard,
            "to": report.to_standard,
            "total": len(report.centers),
            "by_tier": report.by_tier(),
            "by_clause": [
                {
                    "clause": c,
                    "title": pick(s["title"], lang),
                    "centers": s["centers"],
                    "tiers": s["tiers"],
                    "transitions": [(_transition(k, lang), n) for k, n in s["transitions"].items()],
                }
                for c, s in by_clause.items()
            ],
            "regressions": report.regressions,
            "improvements": report.improvements,
            "changed": [
                {
                    "id": c.id,
                    "name": c.name,
                    "tier": c.tier,
                    "before": c.compliant_before,
                    "after": c.compliant_after,
                    "check_id": sources.get(c.id),
                    "changes": [
                        {
                            "clause": ch.clause,
                            "title": ch.title_en if lang == "en" else ch.title_zh,
                            "from": ch.before.value if ch.before else None,
                            "to": ch.after.value if ch.after else None,
                            "sev_from": ch.severity_before,
                            "sev_to": ch.severity_after,
                        }
                        for ch in c.changes
                    ],
                }
                for c in report.centers
                if c.changes
            ],
            "query": urlencode({"from": from_, "to": to, "as_of": report.as_of.isoformat()}),
        }
    return render(request, "impact.html", found, **context)


def _transition(key: str, lang: str) -> str:
    """``pass → fail[warning]`` in words."""

    def one(label: str) -> str:
        if label == "absent":
            return t("status.none", lang)
        status, _, sev = label.partition("[")
        word = t(f"status.{status}", lang)
        return f"{word}（{t('sev.' + sev.rstrip(']'), lang)}）" if sev else word

    left, _, right = key.partition(" → ")
    return f"{one(left)} → {one(right)}"


IMPACT_FORMATS = {"json": ("json", "application/json"), "markdown": ("md", "text/markdown; charset=utf-8"),
                  "text": ("txt", "text/plain; charset=utf-8")}  # fmt: skip


@router.get("/impact/download")
def impact_download(
    request: Request,
    from_: Annotated[str, Query(alias="from", max_length=200)],
    to: Annotated[str, Query(max_length=200)],
    format: Annotated[str, Query(pattern="^(json|markdown|text)$")] = "json",
    as_of: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    found = guard(request, "drafter")
    lang = _lang(request)
    try:
        report, sources = _impact(request, from_, to, as_of)
    except InputError:
        return render(request, "message.html", found, 422, message=t("impact.same", lang), back="/ui/impact")
    suffix, media = IMPACT_FORMATS[format]
    if format == "json":
        data = report.to_json()
        for center in data["centers"]:
            center["check_id"] = sources.get(center["id"])
        body = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif format == "markdown":
        body = impact_mod.render_markdown(report, lang)
    else:
        body = impact_mod.render_text(report, lang)
    name = f"hallmark-impact-{SAFE_NAME.sub('_', from_)}-{SAFE_NAME.sub('_', to)}.{suffix}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


__all__ = ["Denied", "router"]
