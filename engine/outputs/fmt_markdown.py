"""``--format markdown``: a 整改通知 (rectification notice) per center, in Chinese.

For every finding: what fails, why (the message and the offending place), the
regulation quoted, what to change (the exact gap and the remediation), and by when:
the end of a transition where the clause's severity is a dated parameter (the day
before ``next_severity.date``), a waiver's expiry, or at once (the as-of date).
Passes and not-applicable clauses close each notice as a short table.
"""

from __future__ import annotations

import datetime as dt
import re

from engine.report import FINDINGS, STATUS_TEXT, CenterReport, Report, Result, Severity, Status

TIER_ZH = {"city": "市级", "county": "县级", "township": "乡镇（街道）", "village": "村（社区）"}
SEVERITY_ZH = {Severity.ERROR: "严重（error）", Severity.WARNING: "警告（warning）", Severity.INFO: "提示（info）"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def md(text: str) -> str:
    """Inline text with Markdown's active characters escaped (and no line breaks)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def _order(r: Result) -> tuple[int, int]:
    return (FINDINGS.index(r.status), -r.severity.rank)


def _deadline(r: Result, as_of: dt.date) -> str:
    if r.status == Status.WAIVED and r.waiver:
        return f"豁免有效期至 {r.waiver.get('expires')}，到期前完成整改"
    if r.status == Status.NOT_DECLARED:
        return f"下次申报时补充（基准日 {as_of.isoformat()}）"
    if r.status == Status.ERROR:
        return "—（评估出错，不作整改要求；请将本报告转交 hallmark 维护者）"
    if r.next_severity:
        change = dt.date.fromisoformat(r.next_severity["date"])
        last = (change - dt.timedelta(days=1)).isoformat()
        return (
            f"{last} 前完成（过渡期内按 {r.severity.value} 报告；"
            f"自 {change.isoformat()} 起按 {r.next_severity['severity']} 处理）"
        )
    return f"立即整改（基准日 {as_of.isoformat()} 已适用）"


def _finding(n: int, r: Result, as_of: dt.date) -> list[str]:
    src = r.source
    lines = [
        f"### {n}. {r.clause} {md(r.title.zh)}（{STATUS_TEXT[r.status].zh}，{SEVERITY_ZH[r.severity]}）",
        "",
        f"- **问题**：{md(r.message.zh)}",
    ]
    if r.location:
        lines.append(f"- **位置**：{code(str(r.location))}")
    lines.append(f"- **依据**：{md(src.document)} {md(src.section)}".rstrip())
    lines.append(f"  > {md(src.quote)}")
    if r.gap:
        lines.append(f"- **差距**：{md(r.gap.zh)}")
    if r.remediation:
        lines.append(f"- **整改要求**：{md(r.remediation.zh)}")
    if r.waiver:
        w = r.waiver
        state = "已过期，不再豁免" if w.get("expired") else f"有效期至 {w.get('expires')}"
        lines.append(
            f"- **豁免**：{md(str(w.get('justification', '')))}（批准：{md(str(w.get('approved_by', '')))}，{state}）"
        )
    lines += [f"- **整改期限**：{_deadline(r, as_of)}", ""]
    return lines


def _center(c: CenterReport, report: Report) -> list[str]:
    counts = c.counts()
    summary = " · ".join(f"{STATUS_TEXT[Status(s)].zh} {n}" for s, n in counts.items())
    lines = [
        f"## {md(c.name)}（{code(c.id)}，{TIER_ZH.get(c.tier, c.tier)}）",
        "",
        f"**结论：{'合规' if c.compliant else '不合规'}**　{summary}",
        "",
        f"申报文件：{code(c.file)}（sha256 {code(c.sha256[:12])}）",
        "",
    ]
    findings = sorted((r for r in c.results if r.status in FINDINGS), key=_order)
    if findings:
        lines += [f"经对照标准 {code(str(report.standard.get('id', '')))}，贵中心存在以下问题，请按期整改：", ""]
        for n, r in enumerate(findings, 1):
            lines += _finding(n, r, report.as_of)
    else:
        lines += ["未发现需要整改的问题。", ""]
    rest = [r for r in c.results if r.status not in FINDINGS]
    if rest:
        lines += ["#### 已符合及不适用的条款", "", "| 条款 | 标题 | 状态 | 说明 |", "|---|---|---|---|"]
        for r in rest:
            lines.append(f"| {r.clause} | {md(r.title.zh)} | {STATUS_TEXT[r.status].zh} | {md(r.message.zh)} |")
        lines.append("")
    return lines


class MarkdownOutput:
    name = "markdown"
    media_type = "text/markdown; charset=utf-8"
    suffix = "md"

    def render(self, report: Report) -> str:
        std = report.standard
        compliant = sum(1 for c in report.centers if c.compliant)
        lines = [
            f"# 整改通知 — 标准 {md(str(std.get('id', '')))} {md(str(std.get('version', '')))}",
            "",
            f"基准日：{report.as_of.isoformat()}　生成时间：{report.generated_at.isoformat(timespec='seconds')}　"
            f"中心：{len(report.centers)} 个，合规 {compliant} 个",
            "",
        ]
        for c in report.centers:
            lines += _center(c, report)
        lines.append(
            f"— hallmark {md(str(report.engine.get('version', '')))}"
            f"（{md(str(report.engine.get('rules_engine', '')))}）"
        )
        return "\n".join(lines) + "\n"
