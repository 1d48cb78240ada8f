"""``--format xlsx``: the csv rows as an Excel workbook (openpyxl), plus a per-center summary sheet.

Binary: ``binary = True`` and ``render_bytes``; ``render`` refuses (write the bytes).
The bytes are deterministic: openpyxl stamps ``dcterms:modified`` with the clock and
zip entries with the local time, so both are set to the report's ``generated_at``
(in UTC) — the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from engine.outputs.fmt_csv import COLUMNS, cell, rows
from engine.report import STATUS_ORDER, STATUS_TEXT, Report

_FILL = {
    "fail": "F8D7DA",
    "error": "E2C6F5",
    "not_declared": "FFF3CD",
    "waived": "D1ECF1",
    "pass": "D4EDDA",
    "not_applicable": "EEEEEE",
}
_WIDTH = {"center_name": 28, "title": 28, "gap": 40, "message": 48, "remediation": 40, "source_quote": 40}


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.replace(tzinfo=None, microsecond=0)


def _stable_zip(data: bytes, moment: dt.datetime) -> bytes:
    """Rewrite the package with fixed timestamps (entries and ``dcterms:modified``)."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    body,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()


class XlsxOutput:
    name = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    suffix = "xlsx"
    binary = True

    def render(self, report: Report) -> str:
        raise TypeError("xlsx is a binary format: use render_bytes (engine.outputs.base.render_bytes)")

    def render_bytes(self, report: Report) -> bytes:
        # openpyxl is imported here, not with the module: it costs ≈ 60 ms of every start-up
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        moment = _utc(report.generated_at)
        wb = Workbook()
        wb.properties.creator = "hallmark"
        wb.properties.title = f"hallmark {report.standard.get('id', '')} {report.as_of.isoformat()}"
        wb.properties.created = moment
        wb.properties.modified = moment

        ws = wb.active
        ws.title = "结果"
        ws.append(list(COLUMNS))
        status_col = COLUMNS.index("status")
        for row in rows(report):
            ws.append(row)
            colour = _FILL.get(str(row[status_col]))
            if colour:
                ws.cell(ws.max_row, status_col + 1).fill = PatternFill("solid", fgColor=colour)
        for i, name in enumerate(COLUMNS, 1):
            ws.cell(1, i).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(i)].width = _WIDTH.get(name, 14)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions

        summary = wb.create_sheet("概要")
        head = ["center_id", "center_name", "tier", "compliant", *[STATUS_TEXT[s].zh for s in STATUS_ORDER]]
        summary.append(head)
        for c in report.centers:
            counts = c.counts()
            summary.append(
                [cell(v) for v in (c.id, c.name, c.tier, c.compliant, *(counts[s.value] for s in STATUS_ORDER))]
            )
        for i in range(1, len(head) + 1):
            summary.cell(1, i).font = Font(bold=True)
        summary.column_dimensions["B"].width = 28
        summary.freeze_panes = "A2"

        buf = io.BytesIO()
        wb.save(buf)
        return _stable_zip(buf.getvalue(), moment)
