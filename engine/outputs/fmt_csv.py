"""``--format csv``: one row per (center, clause), ``utf-8-sig`` so Excel shows the Chinese.

Columns are ``COLUMNS``; ``expected``/``actual`` that are not plain strings are written
as JSON (lists of ids stay machine-readable). A cell that a spreadsheet would run as
a formula (starting ``= + - @``, tab or CR) gets a leading ``'``. Rows are CRLF-ended
(RFC 4180). ``xlsx`` writes the same rows (``rows``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from engine.report import STATUS_TEXT, Report

COLUMNS = (
    "center_id",
    "center_name",
    "tier",
    "file",
    "clause",
    "section",
    "title",
    "status",
    "status_zh",
    "severity",
    "compliant_center",
    "expected",
    "actual",
    "gap",
    "message",
    "remediation",
    "source_document",
    "source_section",
    "source_quote",
    "line",
    "column",
    "next_severity_date",
    "next_severity",
    "waiver_expires",
    "waiver_justification",
    "waiver_approved_by",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str | int:
    """One value as a spreadsheet cell: numbers stay numbers, strings are defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows(report: Report) -> list[list[str | int]]:
    out: list[list[str | int]] = []
    for c in report.centers:
        for r in c.results:
            w = r.waiver or {}
            nxt = r.next_severity or {}
            values: list[Any] = [
                c.id,
                c.name,
                c.tier,
                c.file,
                r.clause,
                r.section,
                r.title.zh,
                r.status.value,
                STATUS_TEXT[r.status].zh,
                r.severity.value,
                c.compliant,
                r.expected,
                r.actual,
                r.gap.zh if r.gap else None,
                r.message.zh,
                r.remediation.zh if r.remediation else None,
                r.source.document,
                r.source.section,
                r.source.quote,
                (r.location.line or None) if r.location else None,
                (r.location.column or None) if r.location else None,
                nxt.get("date"),
                nxt.get("severity"),
                w.get("expires"),
                w.get("justification"),
                w.get("approved_by"),
            ]
            out.append([cell(v) for v in values])
    return out


class CsvOutput:
    name = "csv"
    media_type = "text/csv; charset=utf-8"
    suffix = "csv"

    def render(self, report: Report) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows(report))
        return "\ufeff" + buf.getvalue()
