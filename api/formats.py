"""Which output format a request asks for, and the report rendered in it.

The formats are whatever ``engine.outputs.FORMATS`` holds when the server runs
(json, text, and sarif/junit/markdown/html/csv as they are added): ``?format=NAME``
picks one by name; otherwise the ``Accept`` header is matched against each format's
media type (``*/*`` or no header: json, the ``hallmark/v1`` report, byte for byte the
CLI's ``--format json``).

A stored report is kept as its JSON; ``report_from_json`` rebuilds the ``Report``
model from it so that a stored check can be rendered in any format later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from api.problems import ApiProblem, query_error
from engine import outputs
from engine.errors import Location
from engine.facts import Notice
from engine.report import CenterReport, Report, Result, Severity, Status
from engine.standard import Source
from engine.text import Text

DEFAULT = "json"


def _base(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def media_types() -> dict[str, str]:
    """Base media type → format name (the first format wins a shared type)."""
    table: dict[str, str] = {}
    for name, cls in outputs.FORMATS.items():
        table.setdefault(_base(str(getattr(cls, "media_type", ""))), name)
    table["application/json"] = DEFAULT if DEFAULT in outputs.FORMATS else table.get("application/json", DEFAULT)
    return table


def _parse_accept(header: str) -> list[tuple[str, float]]:
    entries: list[tuple[str, float, int]] = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        entries.append((fields[0].lower(), q, i))
    entries.sort(key=lambda e: (-e[1], e[2]))
    return [(t, q) for t, q, _ in entries if q > 0]


def available() -> str:
    return ", ".join(f"{name} ({_base(str(getattr(cls, 'media_type', '')))})" for name, cls in outputs.FORMATS.items())


def negotiate(accept: str | None, fmt: str | None) -> str:
    """The format name for a request; ``ApiProblem`` 422 (unknown ``format``) or 406 (nothing acceptable)."""
    if fmt:
        if fmt not in outputs.FORMATS:
            raise ApiProblem(
                422,
                Text(f"未知的输出格式 “{fmt}”；可用：{available()}", f"unknown format '{fmt}'; known: {available()}"),
                slug="unknown-format",
                errors=[
                    query_error(
                        "unknown_format",
                        Text(f"未知的输出格式 “{fmt}”", f"unknown format '{fmt}'"),
                        "format",
                        ", ".join(outputs.FORMATS),
                    )
                ],
            )
        return fmt
    if not accept or not accept.strip():
        return DEFAULT
    table = media_types()
    for media, _q in _parse_accept(accept):
        if media in ("*/*", "application/*", "application/problem+json"):
            return DEFAULT
        if media in table:
            return table[media]
        if media.endswith("/*"):
            family = media[:-1]
            for known, name in table.items():
                if known.startswith(family):
                    return name
    raise ApiProblem(
        406,
        Text(
            f"无法提供所请求的格式；可用：{available()}", f"cannot answer in the requested format; known: {available()}"
        ),
        available=[
            {"format": n, "media_type": _base(str(getattr(c, "media_type", "")))} for n, c in outputs.FORMATS.items()
        ],
    )


def render(report: Report, name: str, lang: str = "zh") -> tuple[str | bytes, str]:
    """``(body, media type)`` of ``report`` in format ``name`` (bytes for a binary format such as xlsx)."""
    outputter = outputs.get(name, colour=False, lang=lang, verbose=False) if name == "text" else outputs.get(name)
    media = str(outputter.media_type)
    if getattr(outputter, "binary", False):
        return outputter.render_bytes(report), media  # type: ignore[attr-defined]
    return outputter.render(report), media


def render_json(report: dict[str, Any]) -> str:
    """A stored report as JSON, byte for byte what ``--format json`` printed for it."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- stored report → model


def _text(value: Any) -> Text:
    return Text.from_json(value if value is not None else "")


def _location(value: Any) -> Location | None:
    if not isinstance(value, dict):
        return None
    return Location(str(value.get("file") or ""), int(value.get("line") or 0), int(value.get("column") or 0))


_RESULT_FIELDS = {f.name for f in dataclasses.fields(Result)}
_RESULT_BUILT = {
    "clause", "section", "status", "severity", "title", "expected", "actual", "message",
    "remediation", "source", "location", "waiver",
}  # fmt: skip


def _result(r: dict[str, Any]) -> Result:
    src = r.get("source") or {}
    extra: dict[str, Any] = {}
    for name in _RESULT_FIELDS - _RESULT_BUILT:  # fields added to the report later (gap, next_severity, …)
        if name in r:
            value = r[name]
            is_text = isinstance(value, dict) and set(value) == {"zh", "en"}
            extra[name] = Text.from_json(value) if is_text else value
    return Result(
        clause=r["clause"],
        section=r.get("section", ""),
        status=Status(r["status"]),
        severity=Severity(r["severity"]),
        title=_text(r.get("title")),
        expected=r.get("expected"),
        actual=r.get("actual"),
        message=_text(r.get("message")),
        remediation=_text(r["remediation"]) if r.get("remediation") else None,
        source=Source(
            str(src.get("document", "")),
            str(src.get("section", "")),
            str(src.get("quote", "")),
            str(src.get("origin", "")),
        ),
        location=_location(r.get("location")),
        waiver=r.get("waiver"),
        **extra,
    )


def report_from_json(data: dict[str, Any]) -> Report:
    centers = []
    for c in data["centers"]:
        notices = [
            Notice(n["code"], _text(n.get("message")), _location(n.get("location")) or Location(""))
            for n in c.get("notices", [])
        ]
        centers.append(
            CenterReport(
                c["id"],
                c["name"],
                c["tier"],
                c["source"]["file"],
                c["source"]["sha256"],
                [_result(r) for r in c["results"]],
                notices,
            )
        )
    engine = dict(data["engine"])
    rules_sha256 = str(engine.pop("rules_sha256", ""))
    return Report(
        generated_at=dt.datetime.fromisoformat(data["generated_at"]),
        as_of=dt.date.fromisoformat(data["as_of"]),
        standard=data["standard"],
        engine=engine,
        centers=centers,
        rules_sha256=rules_sha256,
    )
