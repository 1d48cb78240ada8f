"""``--format text``: a readable table grouped by center, fails first, colour on a terminal."""

from __future__ import annotations

from engine.report import READING_ORDER, STATUS_TEXT, CenterReport, Report, Result, Severity, Status
from engine.text import pad

_COLOUR = {
    Status.PASS: "32",
    Status.FAIL: "31",
    Status.NOT_APPLICABLE: "90",
    Status.NOT_DECLARED: "33",
    Status.WAIVED: "36",
    Status.ERROR: "35;1",
}


class TextOutput:
    name = "text"
    media_type = "text/plain; charset=utf-8"
    suffix = "txt"

    def __init__(self, colour: bool = False, lang: str = "zh", verbose: bool = False) -> None:
        self.colour = colour
        self.lang = lang
        self.verbose = verbose

    def _paint(self, status: Status, text: str) -> str:
        return f"\x1b[{_COLOUR[status]}m{text}\x1b[0m" if self.colour else text

    def _line(self, r: Result) -> str:
        label = STATUS_TEXT[r.status].zh if self.lang == "zh" else r.status.value
        sev = "" if r.status in (Status.PASS, Status.NOT_APPLICABLE) else f" [{r.severity.value}]"
        msg = r.message.zh if self.lang == "zh" else r.message.en
        where = f"  ({r.location})" if r.location and r.status in (Status.FAIL, Status.WAIVED, Status.ERROR) else ""
        line = f"  {self._paint(r.status, pad(label, 8))} {r.clause}{sev}  {msg}{where}"
        if r.gap and r.status in (Status.FAIL, Status.WAIVED) and not isinstance(r.actual, list):  # lists: in msg
            line += f"\n         → {r.gap.zh if self.lang == 'zh' else r.gap.en}"
        return line

    def _center(self, c: CenterReport) -> list[str]:
        counts = c.counts()
        verdict = (
            ("合规" if c.compliant else "不合规")
            if self.lang == "zh"
            else ("compliant" if c.compliant else "NOT compliant")
        )
        summary = "  ".join(
            f"{STATUS_TEXT[Status(s)].zh if self.lang == 'zh' else s} {n}" for s, n in counts.items() if n
        )
        lines = [f"{c.name} ({c.id}, {c.tier}) — {verdict}   {summary}", f"  {c.file}"]
        shown = sorted(c.results, key=lambda r: (READING_ORDER[r.status], -r.severity.rank))
        if not self.verbose:
            shown = [r for r in shown if r.status not in (Status.PASS, Status.NOT_APPLICABLE)]
        lines += [self._line(r) for r in shown]
        for n in c.notices:
            lines.append(f"  note   {n.code}: {n.message.zh if self.lang == 'zh' else n.message.en} ({n.location})")
        return lines

    def render(self, report: Report) -> str:
        std = report.standard
        head = (
            f"hallmark — 标准 {std['id']} {std['version']}，基准日 {report.as_of.isoformat()}，"
            f"中心 {len(report.centers)} 个"
            if self.lang == "zh"
            else f"hallmark — standard {std['id']} {std['version']}, as of {report.as_of.isoformat()}, "
            f"{len(report.centers)} centers"
        )
        lines = [head, ""]
        for c in report.centers:
            lines += self._center(c)
            lines.append("")
        compliant = sum(1 for c in report.centers if c.compliant)
        fails = sum(
            1 for c in report.centers for r in c.results if r.status == Status.FAIL and r.severity == Severity.ERROR
        )
        lines.append(
            f"合规 {compliant}/{len(report.centers)}；“应”条款不通过 {fails} 项"
            if self.lang == "zh"
            else f"compliant {compliant}/{len(report.centers)}; failed shall-clauses: {fails}"
        )
        return "\n".join(lines) + "\n"
