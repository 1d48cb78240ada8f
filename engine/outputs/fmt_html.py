"""``--format html``: one self-contained page — summary, charts, filters, a table per center.

No network: CSS and JS are inline, charts are inline SVG, and a Content-Security-Policy
forbids fetching anything. Every value from the report goes through ``html.escape``.
Fonts are generic families with CJK fallbacks, so Chinese shows without web fonts.
The summary numbers carry ids (``sum-centers``, ``sum-compliant``, ``sum-<status>``) so
tests and scripts can read them. ``svg_bars``/``svg_stacked``/``page`` are shared with
``hallmark matrix``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from engine.report import (
    FINDINGS,
    READING_ORDER,
    STATUS_ORDER,
    STATUS_TEXT,
    CenterReport,
    Report,
    Result,
    Severity,
    Status,
)
from engine.text import display_width

TIER_ZH = {"city": "市级", "county": "县级", "township": "乡镇（街道）", "village": "村（社区）"}
SEVERITY_ZH = {Severity.ERROR: "严重 · error", Severity.WARNING: "警告 · warning", Severity.INFO: "提示 · info"}
COLOUR = {
    Status.PASS: "#2e7d32",
    Status.FAIL: "#c62828",
    Status.NOT_APPLICABLE: "#9e9e9e",
    Status.NOT_DECLARED: "#f9a825",
    Status.WAIVED: "#00838f",
    Status.ERROR: "#6a1b9a",
}

FONTS = (
    'system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)
CSS = (
    """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: FONTS; margin: 0 auto; max-width: 1280px; padding: 16px 24px; color: #222; line-height: 1.5; }
h1 { font-size: 1.5em; margin: 0.2em 0; } h2 { font-size: 1.2em; margin: 1.2em 0 0.3em; }
.meta, .file, footer { color: #555; font-size: 0.9em; }
#summary { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 96px; background: #fafafa; }
.card .num { display: block; font-size: 1.6em; font-weight: 600; }
.card .label { color: #555; font-size: 0.9em; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font-family: FONTS; font-size: 12px; fill: #222; }
#filters { position: sticky; top: 0; background: #fff; padding: 8px 0; border-bottom: 1px solid #ddd;
  display: flex; flex-wrap: wrap; gap: 12px; align-items: center; z-index: 1; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #f2f2f2; } td:first-child { white-space: nowrap; } td:nth-child(2) { min-width: 8em; }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; color: #fff; white-space: nowrap; }
.verdict { font-size: 0.8em; padding: 2px 8px; border-radius: 4px; color: #fff; }
.verdict.ok { background: #2e7d32; } .verdict.bad { background: #c62828; }
blockquote { margin: 2px 0; padding-left: 8px; border-left: 3px solid #ccc; color: #444; }
.gap { font-weight: 600; }
code { font-size: 0.9em; }
[hidden] { display: none !important; }
""".replace("FONTS", FONTS)
    + "".join(f".s-{s.value} {{ background: {COLOUR[s]}; }}\n" for s in STATUS_ORDER)
)
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

SCRIPT = """
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-status]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.center"));
  function apply() {
    var st = $("f-status").value, sv = $("f-severity").value, tier = $("f-tier").value;
    var q = $("f-text").value.trim().toLowerCase(), only = $("f-findings").checked, shown = 0;
    rows.forEach(function (tr) {
      var sec = tr.closest("section.center");
      var ok = (!st || tr.dataset.status === st) && (!sv || tr.dataset.severity === sv) &&
        (!tier || sec.dataset.tier === tier) && (!only || tr.dataset.finding === "1") &&
        (!q || tr.textContent.toLowerCase().indexOf(q) >= 0 || sec.dataset.search.indexOf(q) >= 0);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    sections.forEach(function (sec) { sec.hidden = !sec.querySelector("tr[data-status]:not([hidden])"); });
    $("shown").textContent = "显示 " + shown + " / " + rows.length + " 条";
  }
  ["f-status", "f-severity", "f-tier", "f-text", "f-findings"].forEach(function (id) {
    $(id).addEventListener("input", apply);
    $(id).addEventListener("change", apply);
  });
  apply();
})();
"""


def e(value: object) -> str:
    return escape(str(value), quote=True)


# ---------------------------------------------------------------- inline SVG charts


def _label_px(labels: Sequence[str]) -> int:
    return 12 + 7 * max((display_width(label) for label in labels), default=4)


def svg_bars(
    items: Sequence[tuple[str, float, str]], title: str, unit: str = "", width: int = 520, value_text: bool = True
) -> str:
    """A horizontal bar chart: (label, value, colour) per bar, the value written at its end."""
    label_w, bar_h, gap = _label_px([i[0] for i in items]), 16, 6
    top = max((v for _, v, _ in items), default=0) or 1
    plot = max(60, width - label_w - 70)
    height = len(items) * (bar_h + gap) + gap
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{e(title)}</title>'
    ]
    for n, (label, value, colour) in enumerate(items):
        y = gap + n * (bar_h + gap)
        w = round(plot * value / top, 1)
        shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        out.append(
            f"<g><title>{e(label)}：{e(shown)}{e(unit)}</title>"
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{e(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{e(colour)}"/>'
            + (f'<text x="{label_w + w + 4}" y="{y + 12}">{e(shown)}{e(unit)}</text>' if value_text else "")
            + "</g>"
        )
    out.append("</svg>")
    return "".join(out)


def svg_stacked(rows: Sequence[tuple[str, Sequence[tuple[int, str, str]]]], title: str, width: int = 640) -> str:
    """Horizontal stacked bars: per row a label and (count, colour, name) segments, scaled to the row total."""
    label_w, bar_h, gap = _label_px([r[0] for r in rows]), 14, 4
    plot = max(60, width - label_w - 10)
    height = len(rows) * (bar_h + gap) + gap
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{e(title)}</title>'
    ]
    for n, (label, segments) in enumerate(rows):
        y = gap + n * (bar_h + gap)
        total = sum(s[0] for s in segments) or 1
        out.append(f'<text x="{label_w - 6}" y="{y + 11}" text-anchor="end">{e(label)}</text>')
        x = float(label_w)
        for count, colour, name in segments:
            if not count:
                continue
            w = round(plot * count / total, 1)
            out.append(
                f'<rect x="{round(x, 1)}" y="{y}" width="{w}" height="{bar_h}" fill="{e(colour)}">'
                f"<title>{e(label)} · {e(name)}：{count}</title></rect>"
            )
            x += w
    out.append("</svg>")
    return "".join(out)


def legend() -> str:
    return " ".join(f'<span class="badge s-{s.value}">{e(STATUS_TEXT[s].zh)}</span>' for s in STATUS_ORDER)


def page(title: str, body: str, script: str = "") -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        + (f"<script>{script}</script>\n" if script else "")
        + "</body>\n</html>\n"
    )


# ---------------------------------------------------------------- the report page


def _row(r: Result) -> str:
    src = r.source
    fix = []
    if r.gap:
        fix.append(f'<div class="gap">{e(r.gap.zh)}</div>')
    if r.remediation and r.status != Status.PASS:
        fix.append(f"<div>{e(r.remediation.zh)}</div>")
    if r.waiver:
        w = r.waiver
        state = "已过期" if w.get("expired") else f"至 {w.get('expires')}"
        fix.append(
            f"<div>豁免（{e(state)}）：{e(w.get('justification', ''))}；批准：{e(w.get('approved_by', ''))}</div>"
        )
    if r.next_severity:
        fix.append(f"<div>自 {e(r.next_severity['date'])} 起按 {e(r.next_severity['severity'])} 处理</div>")
    finding = "1" if r.status in FINDINGS else "0"
    return (
        f'<tr data-status="{r.status.value}" data-severity="{r.severity.value}" data-finding="{finding}">'
        f"<td><code>{e(r.clause)}</code></td><td>{e(r.title.zh)}</td>"
        f'<td><span class="badge s-{r.status.value}">{e(STATUS_TEXT[r.status].zh)}</span></td>'
        f"<td>{e(SEVERITY_ZH[r.severity])}</td><td>{e(r.message.zh)}</td><td>{''.join(fix)}</td>"
        f"<td>{e(src.document)} {e(src.section)}<blockquote>{e(src.quote)}</blockquote></td>"
        f"<td><code>{e(r.location or '')}</code></td></tr>"
    )


def _center(c: CenterReport) -> str:
    counts = c.counts()
    verdict = '<span class="verdict ok">合规</span>' if c.compliant else '<span class="verdict bad">不合规</span>'
    summary = " · ".join(f"{e(STATUS_TEXT[Status(s)].zh)} {n}" for s, n in counts.items())
    rows = "\n".join(_row(r) for r in sorted(c.results, key=lambda r: (READING_ORDER[r.status], -r.severity.rank)))
    search = f"{c.id} {c.name}".lower()
    return (
        f'<section class="center" id="c-{e(c.id)}" data-center="{e(c.id)}" data-tier="{e(c.tier)}" '
        f'data-search="{e(search)}">\n'
        f"<h2>{e(c.name)} <small><code>{e(c.id)}</code> · {e(TIER_ZH.get(c.tier, c.tier))}</small> {verdict}</h2>\n"
        f'<p class="counts">{summary}</p>\n<p class="file">申报文件 <code>{e(c.file)}</code></p>\n'
        "<table>\n<thead><tr><th>条款</th><th>标题</th><th>状态</th><th>严重程度</th><th>说明</th>"
        "<th>差距与整改</th><th>依据</th><th>位置</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>\n</section>"
    )


def _select(ident: str, label: str, options: Sequence[tuple[str, str]]) -> str:
    opts = "".join(f'<option value="{e(v)}">{e(t)}</option>' for v, t in options)
    return f'<label>{e(label)} <select id="{ident}"><option value="">全部</option>{opts}</select></label>'


class HtmlOutput:
    name = "html"
    media_type = "text/html; charset=utf-8"
    suffix = "html"

    def render(self, report: Report) -> str:
        std = report.standard
        centers = report.centers
        totals = {s: sum(c.counts()[s.value] for c in centers) for s in STATUS_ORDER}
        compliant = sum(1 for c in centers if c.compliant)
        cards = [
            ("sum-centers", len(centers), "中心"),
            ("sum-compliant", compliant, "合规中心"),
            ("sum-noncompliant", len(centers) - compliant, "不合规中心"),
            *((f"sum-{s.value}", totals[s], f"{STATUS_TEXT[s].zh}（项）") for s in STATUS_ORDER),
        ]
        summary = "".join(
            f'<div class="card"><span class="num" id="{i}">{n}</span><span class="label">{e(label)}</span></div>'
            for i, n, label in cards
        )
        status_chart = svg_bars(
            [(STATUS_TEXT[s].zh, totals[s], COLOUR[s]) for s in STATUS_ORDER], "各状态条款数", "项", width=420
        )
        center_chart = svg_stacked(
            [(c.name, [(c.counts()[s.value], COLOUR[s], STATUS_TEXT[s].zh) for s in STATUS_ORDER]) for c in centers],
            "各中心条款状态",
        )
        tiers = [t for t in TIER_ZH if any(c.tier == t for c in centers)]
        filters = (
            _select("f-status", "状态", [(s.value, STATUS_TEXT[s].zh) for s in STATUS_ORDER])
            + _select("f-severity", "严重程度", [(s.value, SEVERITY_ZH[s]) for s in Severity])
            + _select("f-tier", "层级", [(t, TIER_ZH[t]) for t in tiers])
            + '<label>搜索 <input id="f-text" type="search" placeholder="条款、中心、文字"></label>'
            + '<label><input id="f-findings" type="checkbox"> 仅显示问题</label>'
            + '<span id="shown" aria-live="polite"></span>'
        )
        title = f"hallmark 合规报告 — {std.get('id', '')} {std.get('version', '')}（基准日 {report.as_of.isoformat()}）"
        body = "\n".join(
            [
                "<header>",
                "<h1>政务服务中心标准合规报告</h1>",
                f'<p class="meta">标准 <code>{e(std.get("id", ""))}</code> {e(std.get("version", ""))} · '
                f"基准日 {e(report.as_of.isoformat())} · "
                f"生成于 {e(report.generated_at.isoformat(timespec='seconds'))} · "
                f"hallmark {e(report.engine.get('version', ''))}（{e(report.engine.get('rules_engine', ''))}）</p>",
                "</header>",
                f'<section id="summary" aria-label="概要">{summary}</section>',
                f'<section class="charts" aria-label="图表"><figure><figcaption>各状态条款数</figcaption>{status_chart}'
                f"</figure><figure><figcaption>各中心条款状态</figcaption>{center_chart}"
                f"<div>{legend()}</div></figure></section>",
                f'<section id="filters" aria-label="筛选">{filters}</section>',
                "<main>",
                *(_center(c) for c in centers),
                "</main>",
                f"<footer>标准 sha256 <code>{e(std.get('sha256', ''))}</code> · 规则 sha256 "
                f"<code>{e(report.rules_sha256)}</code></footer>",
            ]
        )
        return page(title, body, SCRIPT)
