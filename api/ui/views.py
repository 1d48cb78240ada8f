"""What the workbench's pages show, away from HTTP and templates.

Pure shaping of stored rows and reports into plain dicts the Jinja2 templates read,
plus the few read-only queries the API's ``Store`` has no method for (the latest
check of every center). Everything is synchronous: routes call it in worker threads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

from api.formats import report_from_json
from api.store import Store, submission_centers, submissions
from api.ui.i18n import pick, t
from engine.center import CenterDoc
from engine.matrix import MARK, Matrix, Spread, build, enum_text, fmt
from engine.report import FINDINGS, READING_ORDER, STATUS_ORDER, Report, Status, render_value
from engine.standard import Registries, Standard

# the order findings are read in: what needs action first
BAR_STATUSES = (Status.PASS, Status.FAIL, Status.NOT_DECLARED, Status.WAIVED, Status.ERROR, Status.NOT_APPLICABLE)
SEVERITY_RANK = {"error": 2, "warning": 1, "info": 0}
TIERS = ("city", "county", "township", "village")


# ---------------------------------------------------------------- values


def value_text(value: Any, lang: str, registries: Registries | None = None) -> str:
    """An expected or declared value as a person reads it (department and matter ids named)."""
    regs = registries or Registries()
    if isinstance(value, list) and value and lang == "zh":
        names = []
        for v in value:
            key = str(v)
            if key in regs.departments:
                names.append(regs.department_name(key))
            elif key in regs.matters:
                names.append(regs.matter_name(key))
            else:
                names.append(render_value(v, lang, regs))
        return "、".join(names)
    return render_value(value, lang, regs)


def anchor(center_id: str, clause: str) -> str:
    return f"r-{center_id}-{clause}"


# ---------------------------------------------------------------- the report page


def summary_bar(counts: dict[str, int]) -> list[dict[str, Any]]:
    """Segments of the summary bar: status, count, x offset and width in a 0..100 box."""
    total = sum(int(counts.get(s.value, 0)) for s in BAR_STATUSES) or 1
    x = 0.0
    out = []
    for s in BAR_STATUSES:
        n = int(counts.get(s.value, 0))
        width = 100.0 * n / total
        out.append({"status": s.value, "count": n, "x": round(x, 3), "width": round(width, 3)})
        x += width
    return out


def section_titles(standard: Standard | None) -> dict[str, Any]:
    if standard is None:
        return {}
    out: dict[str, Any] = {}
    for c in standard.clauses:
        out.setdefault(c.section, c.section_title.to_json())
    return out


def result_view(r: dict[str, Any], center_id: str, lang: str, registries: Registries | None) -> dict[str, Any]:
    status = Status(r["status"])
    source = r.get("source") or {}
    location = r.get("location") or {}
    nxt = r.get("next_severity") or None
    return {
        "clause": r["clause"],
        "anchor": anchor(center_id, r["clause"]),
        "status": status.value,
        "severity": r.get("severity", ""),
        "title": pick(r.get("title"), lang),
        "message": pick(r.get("message"), lang),
        "remediation": pick(r.get("remediation"), lang),
        "gap": pick(r.get("gap"), lang),
        "expected": None if r.get("expected") is None else value_text(r.get("expected"), lang, registries),
        "actual": None if r.get("actual") is None else value_text(r.get("actual"), lang, registries),
        "document": str(source.get("document", "")),
        "source_section": str(source.get("section", "")),
        "quote": str(source.get("quote", "")),
        "line": location.get("line"),
        "column": location.get("column"),
        "file": location.get("file"),
        "waiver": r.get("waiver"),
        "next_severity": nxt,
        "finding": status in FINDINGS,
        # a list clause's gap names the same items as its declared value: say them once
        "show_actual": r.get("actual") is not None and not (isinstance(r.get("actual"), list) and r.get("gap")),
    }


def center_view(
    center: dict[str, Any], lang: str, titles: dict[str, Any], registries: Registries | None
) -> dict[str, Any]:
    """One center of a report: verdict, summary bar, results grouped by policy area, findings first."""
    results = center.get("results", [])
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        groups.setdefault(str(r.get("section") or ""), []).append(r)
    views = []
    for order, (section, rs) in enumerate(groups.items()):
        ordered = sorted(
            enumerate(rs),
            key=lambda ir: (
                READING_ORDER[Status(ir[1]["status"])],
                -SEVERITY_RANK.get(str(ir[1].get("severity")), 0),
                ir[0],
            ),
        )
        items = [result_view(r, str(center["id"]), lang, registries) for _, r in ordered]
        worst = min((READING_ORDER[Status(r["status"])] for r in rs), default=5)
        counts = {s.value: sum(1 for r in rs if r["status"] == s.value) for s in STATUS_ORDER}
        views.append(
            {
                "section": section,
                "title": pick(titles.get(section), lang) or section or "—",
                "findings": [i for i in items if i["finding"]],
                "passes": [i for i in items if i["status"] == Status.PASS.value],
                "not_applicable": [i for i in items if i["status"] == Status.NOT_APPLICABLE.value],
                "counts": counts,
                "worst": worst,
                "order": order,
            }
        )
    views.sort(key=lambda g: (g["worst"] if g["findings"] else 9, g["order"]))
    summary = center.get("summary") or {}
    counts = {s.value: int(summary.get(s.value, 0)) for s in STATUS_ORDER}
    has_error = counts.get(Status.ERROR.value, 0) > 0
    verdict = "error" if has_error else ("compliant" if summary.get("compliant") else "non_compliant")
    return {
        "id": center["id"],
        "name": center.get("name", ""),
        "tier": center.get("tier", ""),
        "file": (center.get("source") or {}).get("file", ""),
        "verdict": verdict,
        "counts": counts,
        "bar": summary_bar(counts),
        "groups": views,
        "notices": [
            {
                "code": n.get("code", ""),
                "message": pick(n.get("message"), lang),
                "line": (n.get("location") or {}).get("line"),
            }
            for n in center.get("notices", [])
        ],
    }


# ---------------------------------------------------------------- input errors beside their lines


def annotate(text: str, errors: Sequence[dict[str, Any]], context: int = 2, whole: int = 80) -> dict[str, Any]:
    """The submitted text cut into numbered lines with each error under its line.

    Errors without a line go to ``general``. A short text is shown whole; a long one only
    around the offending lines (``context`` lines either side), the gaps marked."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    by_line: dict[int, list[dict[str, Any]]] = {}
    general: list[dict[str, Any]] = []
    for err in errors:
        line = err.get("line")
        if isinstance(line, int) and line >= 1 and lines:
            by_line.setdefault(min(line, len(lines)), []).append(err)  # past the end: at the last line
        else:
            general.append(err)
    if len(lines) <= whole:
        shown = set(range(1, len(lines) + 1))
    else:
        shown = {n for line in by_line for n in range(line - context, line + context + 1) if 1 <= n <= len(lines)}
    blocks: list[list[dict[str, Any]]] = []
    previous = 0
    for n in sorted(shown):
        if n != previous + 1 or not blocks:
            blocks.append([])
        blocks[-1].append({"no": n, "text": lines[n - 1].rstrip("\r"), "errors": by_line.get(n, [])})
        previous = n
    return {
        "general": general,
        "blocks": blocks,
        "lines": len(lines),
        "first_gap": bool(blocks) and blocks[0][0]["no"] > 1,
        "last_gap": bool(blocks) and blocks[-1][-1]["no"] < len(lines),
    }


# ---------------------------------------------------------------- history and comparison


def compare_statuses(a: dict[str, str], b: dict[str, str], titles: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Clauses whose status differs between two checks (``None``: the clause is absent there)."""
    out = []
    for clause in [*a, *(c for c in b if c not in a)]:
        if a.get(clause) != b.get(clause):
            out.append(
                {"clause": clause, "title": pick(titles.get(clause), lang), "from": a.get(clause), "to": b.get(clause)}
            )
    return out


def clause_titles(report: dict[str, Any] | None, center_id: str) -> dict[str, Any]:
    if not report:
        return {}
    for c in report.get("centers", []):
        if c.get("id") == center_id:
            return {r["clause"]: r.get("title") for r in c.get("results", [])}
    return {}


def center_statuses(report: dict[str, Any] | None, center_id: str) -> dict[str, str]:
    if not report:
        return {}
    for c in report.get("centers", []):
        if c.get("id") == center_id:
            return {r["clause"]: r["status"] for r in c.get("results", [])}
    return {}


def centers_index(store: Store, owner: str | None) -> list[dict[str, Any]]:
    """Every center on record (those of ``owner``'s checks only, for a submitter): its latest verdict."""
    sc = submission_centers
    where = [sc.c.submitter_key_id == owner] if owner is not None else []
    latest = (
        sa.select(sc.c.center_id, sa.func.max(sc.c.submission_id).label("sid"), sa.func.count().label("n"))
        .where(*where)
        .group_by(sc.c.center_id)
        .subquery()
    )
    query = (
        sa.select(sc, latest.c.n)
        .join(latest, sa.and_(sc.c.center_id == latest.c.center_id, sc.c.submission_id == latest.c.sid))
        .order_by(sc.c.tier, sc.c.center_id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    order = {tier: i for i, tier in enumerate(TIERS)}
    out = [
        {
            "id": r.center_id,
            "name": r.center_name,
            "tier": r.tier,
            "verdict": r.verdict,
            "checks": int(r.n),
            "check_id": r.submission_id,
            "standard": r.standard_id,
            "version": r.standard_version,
            "as_of": r.as_of,
        }
        for r in rows
    ]
    out.sort(key=lambda c: (order.get(c["tier"], 9), c["id"]))
    return out


# ---------------------------------------------------------------- the city view


@dataclass
class StoredCenter:
    """What ``engine.matrix.build`` reads of a center document: its id and declared data."""

    id: str
    data: dict[str, Any]


def _center_data(parsed: Any, center_id: str) -> dict[str, Any]:
    if not isinstance(parsed, dict):
        return {}
    candidates = parsed.get("centers") if isinstance(parsed.get("centers"), list) else [parsed.get("center")]
    for c in candidates or []:
        if isinstance(c, dict) and str(c.get("id")) == center_id:
            return c
    return {}


@dataclass
class CityData:
    matrix: Matrix | None
    sources: dict[str, int]  # center id → the check its cells link to
    sections: dict[str, str]  # clause → policy area (section key)
    as_of_range: tuple[str, str]


def city_data(store: Store, standard_id: str, registries: Registries, owner: str | None) -> CityData:
    """The latest stored check of each center under ``standard_id``, as one matrix."""
    sc = submission_centers
    where = [sc.c.standard_id == standard_id]
    if owner is not None:
        where.append(sc.c.submitter_key_id == owner)
    latest = (
        sa.select(sc.c.center_id, sa.func.max(sc.c.submission_id).label("sid"))
        .where(*where)
        .group_by(sc.c.center_id)
        .subquery()
    )
    query = (
        sa.select(latest.c.center_id, submissions.c.id, submissions.c.report, submissions.c.parsed)
        .join(submissions, submissions.c.id == latest.c.sid)
        .order_by(latest.c.center_id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    centers_json: list[dict[str, Any]] = []
    docs: list[StoredCenter] = []
    sources: dict[str, int] = {}
    sections: dict[str, str] = {}
    newest: dict[str, Any] | None = None
    newest_id = -1
    dates: list[str] = []
    for center_id, check_id, report, parsed in rows:
        if not isinstance(report, dict):
            continue
        for c in report.get("centers", []):
            if c.get("id") == center_id:
                centers_json.append(c)
                for r in c.get("results", []):
                    sections.setdefault(r["clause"], str(r.get("section") or ""))
                break
        else:
            continue
        docs.append(StoredCenter(center_id, _center_data(parsed, center_id)))
        sources[center_id] = int(check_id)
        dates.append(str(report.get("as_of", "")))
        if int(check_id) > newest_id:
            newest, newest_id = report, int(check_id)
    if newest is None:
        return CityData(None, {}, {}, ("", ""))
    combined = {**newest, "centers": centers_json}
    merged: Report = report_from_json(combined)
    matrix = build(merged, cast(Sequence[CenterDoc], docs), registries)
    return CityData(matrix, sources, sections, (min(dates), max(dates)))


def spread_row(key: str, s: Spread, names: dict[str, str], lang: str) -> dict[str, Any]:
    return {
        "label": t(f"city.{key}", lang),
        "min": fmt(s.min),
        "median": fmt(s.median, 1),
        "max": fmt(s.max),
        "min_center": names.get(s.min_center, ""),
        "max_center": names.get(s.max_center, ""),
        "n": s.n,
    }


def city_view(data: CityData, lang: str, tier: str | None, area: str | None) -> dict[str, Any]:
    """The matrix filtered by tier and policy area, shaped for the template."""
    m = data.matrix
    if m is None:
        return {"tiers": [], "areas": [], "totals": {}}
    titles = dict(m.clauses)
    areas = sorted({s for s in data.sections.values() if s}, key=lambda s: list(data.sections.values()).index(s))
    tiers = []
    for tv in m.tiers:
        if tier and tv.tier != tier:
            continue
        clauses = [c for c in tv.clauses if not area or data.sections.get(c) == area]
        names = {r.id: r.name for r in tv.centers}
        rows = []
        for r in tv.centers:
            cells = []
            for c in clauses:
                s = r.statuses.get(c, Status.NOT_APPLICABLE)
                cells.append(
                    {
                        "clause": c,
                        "status": s.value,
                        "mark": MARK[s],
                        "href": f"/ui/checks/{data.sources[r.id]}#{anchor(r.id, c)}",
                        "label": f"{r.name} · {c} {pick(titles[c], lang)}：{t('status.' + s.value, lang)}",
                    }
                )
            rows.append(
                {
                    "id": r.id,
                    "name": r.name,
                    "compliant": r.compliant,
                    "check_id": data.sources[r.id],
                    "cells": cells,
                    "hall_area": fmt(r.hall_area),
                    "departments": fmt(r.resident_departments),
                    "matters": fmt(r.matters_in_center),
                }
            )
        shares = [
            {
                "clause": sh.clause,
                "title": pick(sh.title, lang),
                "met": sh.met,
                "applicable": sh.applicable,
                "pct": None if sh.share is None else round(sh.share * 100),
            }
            for sh in tv.shares
            if sh.clause in clauses
        ]
        tiers.append(
            {
                "tier": tv.tier,
                "clauses": [{"id": c, "title": pick(titles[c], lang)} for c in clauses],
                "rows": rows,
                "spreads": [
                    spread_row("hall_area", tv.hall_area, names, lang),
                    spread_row("departments", tv.departments, names, lang),
                    spread_row("matters", tv.matters, names, lang),
                ],
                "ranks": [(pick(enum_text("rank", k or None), lang), n) for k, n in tv.ranks],
                "natures": [(pick(enum_text("nature", k or None), lang), n) for k, n in tv.natures],
                "shares": shares,
            }
        )
    return {
        "tiers": tiers,
        "areas": areas,
        "all_tiers": [tv.tier for tv in m.tiers],
        "centers": len(m.centers),
        "compliant": sum(1 for r in m.centers if r.compliant),
        "standard": m.standard,
    }


def by_id(items: Iterable[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {i["id"]: i for i in items}


CHINA = dt.timezone(dt.timedelta(hours=8))


def today_china() -> dt.date:
    return dt.datetime.now(CHINA).date()


def local_time(value: str | None) -> str:
    """A stored ISO 8601 UTC timestamp in China time, to the minute: ``2026-11-26 07:27``."""
    if not value:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
