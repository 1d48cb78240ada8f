"""The city-wide view (``hallmark matrix``): centers × clauses by tier, uniformity and remediation totals.

The source paper's "four disunities" (入驻部门不统一、入驻事项不统一 …), measured:

- per tier, a grid of status marks (centers × the clauses that apply to the tier);
- per tier, the spread (min / median / max, with the centers at either end) of hall area,
  resident departments (``resident: true``, distinct after alias normalisation) and
  matters in the center (``in_center: true``, distinct), over the centers that declare them;
  the ranks and natures found; and the share of centers meeting each clause (``pass``
  among the centers the clause applies to — waived, not declared and error do not count);
- city-wide remediation totals from the failed or waived results of three clauses: m² of
  hall to build (``HALL_CLAUSE`` gaps), department-window placements to make
  (``DEPARTMENT_CLAUSE`` missing departments) and matters to bring into the centers
  (``MATTER_CLAUSE`` missing matters). A waiver postpones the work, it does not remove
  it, so waived results count; not-declared ones cannot be measured and are counted apart.

``build`` is pure (report + center documents + registries → ``Matrix``); ``RENDERERS``
holds the text, csv and html renderings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.center import CenterDoc, load_centers
from engine.check import Options, check
from engine.outputs.fmt_html import COLOUR, TIER_ZH, e, legend, page, svg_bars
from engine.report import STATUS_ORDER, STATUS_TEXT, Report, Status
from engine.standard import Registries, load_standard
from engine.text import Text, pad
from engine.validate import schema_validator

HALL_CLAUSE = "P-HAL-01"
DEPARTMENT_CLAUSE = "P-DEP-01"
MATTER_CLAUSE = "P-MAT-01"
TIERS = ("city", "county", "township", "village")
MARK = {
    Status.PASS: "✓",
    Status.FAIL: "✗",
    Status.NOT_APPLICABLE: "·",
    Status.NOT_DECLARED: "?",
    Status.WAIVED: "~",
    Status.ERROR: "!",
}
TIER_EN = {"city": "city", "county": "county", "township": "township", "village": "village"}


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Spread:
    n: int = 0
    min: float | None = None
    median: float | None = None
    max: float | None = None
    min_center: str = ""
    max_center: str = ""

    @classmethod
    def of(cls, values: Sequence[tuple[str, float]]) -> Spread:
        if not values:
            return cls()
        low = min(values, key=lambda v: (v[1], v[0]))
        high = max(values, key=lambda v: (v[1], v[0]))
        return cls(len(values), low[1], float(statistics.median(v for _, v in values)), high[1], low[0], high[0])


@dataclass
class CenterRow:
    id: str
    name: str
    tier: str
    file: str
    hall_area: float | None
    resident_departments: int | None
    matters_in_center: int | None
    rank: str | None
    nature: str | None
    compliant: bool
    statuses: dict[str, Status]
    hall_gap: float | None = None  # m² short of the HALL_CLAUSE minimum (fail or waived)
    departments_missing: list[str] = field(default_factory=list)
    matters_missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClauseShare:
    clause: str
    title: Text
    met: int
    applicable: int

    @property
    def share(self) -> float | None:
        return self.met / self.applicable if self.applicable else None


@dataclass
class TierView:
    tier: str
    centers: list[CenterRow]
    clauses: list[str]
    hall_area: Spread
    departments: Spread
    matters: Spread
    ranks: list[tuple[str, int]]
    natures: list[tuple[str, int]]
    shares: list[ClauseShare]


@dataclass(frozen=True)
class Total:
    clause: str
    present: bool  # the standard has the clause
    amount: float
    centers: int  # centers contributing to the amount
    unknown: int  # centers where the clause is not declared (no figure)


@dataclass
class Matrix:
    standard: dict[str, Any]
    as_of: dt.date
    clauses: list[tuple[str, Text]]
    tiers: list[TierView]
    hall: Total
    departments: Total
    matters: Total

    @property
    def centers(self) -> list[CenterRow]:
        return [c for t in self.tiers for c in t.centers]

    def row(self, center_id: str) -> CenterRow:
        return next(c for c in self.centers if c.id == center_id)

    def tier(self, tier: str) -> TierView:
        return next(t for t in self.tiers if t.tier == tier)


def enum_text(field_name: str, value: str | None) -> Text:
    """An organization enum value in words, from the center schema's ``x-enumDescriptions``."""
    if value is None:
        return Text("未申报", "not declared")
    props = schema_validator("center.schema.json").schema["properties"]["organization"]["properties"]
    words = props.get(field_name, {}).get("x-enumDescriptions", {}).get(value)
    if not words:
        return Text(value, value)
    zh, _, en = str(words).partition(" / ")
    return Text(zh, en or value)


def _distinct(items: Any, flag: str, table: dict[str, str]) -> int | None:
    if not isinstance(items, list):
        return None
    keys = set()
    for item in items:
        if isinstance(item, dict) and item.get(flag) is True:
            raw = item.get("id")
            key = table.get(str(raw)) or table.get(str(item.get("name"))) or str(raw)
            keys.add(key)
    return len(keys)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def build(report: Report, centers: Sequence[CenterDoc], registries: Registries) -> Matrix:
    docs = {c.id: c for c in centers}
    clause_titles: dict[str, Text] = {}
    rows: list[CenterRow] = []
    totals = {k: [0.0, 0, 0] for k in (HALL_CLAUSE, DEPARTMENT_CLAUSE, MATTER_CLAUSE)}
    for cr in report.centers:
        data = docs[cr.id].data if cr.id in docs else {}
        org = _mapping(data.get("organization"))
        hall = _mapping(data.get("hall"))
        row = CenterRow(
            id=cr.id,
            name=cr.name,
            tier=cr.tier,
            file=cr.file,
            hall_area=_number(hall.get("area_m2")),
            resident_departments=_distinct(data.get("departments"), "resident", registries.department_aliases),
            matters_in_center=_distinct(data.get("matters"), "in_center", registries.matter_aliases),
            rank=org.get("rank"),
            nature=org.get("nature"),
            compliant=cr.compliant,
            statuses={},
        )
        for r in cr.results:
            clause_titles.setdefault(r.clause, r.title)
            row.statuses[r.clause] = r.status
            if r.clause not in totals:
                continue
            if r.status == Status.NOT_DECLARED:
                totals[r.clause][2] += 1
            if r.status not in (Status.FAIL, Status.WAIVED):
                continue
            if r.clause == HALL_CLAUSE:
                e_, a_ = _number(r.expected), _number(r.actual)
                if e_ is not None and a_ is not None and e_ > a_:
                    row.hall_gap = e_ - a_
                    totals[r.clause][0] += e_ - a_
                    totals[r.clause][1] += 1
            elif isinstance(r.actual, list) and r.actual:
                missing = [str(v) for v in r.actual]
                if r.clause == DEPARTMENT_CLAUSE:
                    row.departments_missing = [registries.department_name(v) for v in missing]
                else:
                    row.matters_missing = [registries.matter_name(v) for v in missing]
                totals[r.clause][0] += len(missing)
                totals[r.clause][1] += 1
        rows.append(row)

    order = list(clause_titles)
    tiers = []
    for tier in TIERS:
        members = [r for r in rows if r.tier == tier]
        if not members:
            continue
        applicable = [
            c for c in order if any(r.statuses.get(c, Status.NOT_APPLICABLE) != Status.NOT_APPLICABLE for r in members)
        ]

        def spread(get: Callable[[CenterRow], float | int | None], members: list[CenterRow] = members) -> Spread:
            return Spread.of([(r.id, float(v)) for r in members if (v := get(r)) is not None])

        shares = []
        for c in applicable:
            states = [r.statuses.get(c) for r in members]
            shares.append(
                ClauseShare(
                    c,
                    clause_titles[c],
                    sum(1 for s in states if s == Status.PASS),
                    sum(1 for s in states if s is not None and s != Status.NOT_APPLICABLE),
                )
            )
        tiers.append(
            TierView(
                tier=tier,
                centers=members,
                clauses=applicable,
                hall_area=spread(lambda r: r.hall_area),
                departments=spread(lambda r: r.resident_departments),
                matters=spread(lambda r: r.matters_in_center),
                ranks=_tally(r.rank for r in members),
                natures=_tally(r.nature for r in members),
                shares=shares,
            )
        )

    def total(clause: str) -> Total:
        amount, n, unknown = totals[clause]
        return Total(clause, clause in clause_titles, amount, int(n), int(unknown))

    return Matrix(
        standard=report.standard,
        as_of=report.as_of,
        clauses=[(c, clause_titles[c]) for c in order],
        tiers=tiers,
        hall=total(HALL_CLAUSE),
        departments=total(DEPARTMENT_CLAUSE),
        matters=total(MATTER_CLAUSE),
    )


def _tally(values: Any) -> list[tuple[str, int]]:
    counts = Counter("" if v is None else str(v) for v in values)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def matrix(paths: Sequence[str], standard: str, as_of: dt.date | None = None, jobs: int | None = None) -> Matrix:
    """Check the centers and read their declarations: the whole city at once."""
    report = check(paths, standard, None, Options(as_of=as_of, jobs=jobs))
    return build(report, load_centers(paths), load_standard(standard).registries)


# ---------------------------------------------------------------- shared wording


def fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{max(digits, 1)}f}"


def _pct(share: ClauseShare) -> str:
    return "—" if share.share is None else f"{share.share * 100:.0f}%"


FIGURES = (
    ("hall_area", Text("大厅面积（m²）", "hall area (m²)")),
    ("departments", Text("入驻部门（resident）", "resident departments")),
    ("matters", Text("进驻事项（in_center）", "matters in the center")),
)


def _total_lines(m: Matrix, zh: bool) -> list[str]:
    def line(t: Total, what_zh: str, what_en: str, unit_zh: str, unit_en: str) -> str:
        if not t.present:
            return f"  {what_zh}：标准无 {t.clause}" if zh else f"  {what_en}: the standard has no {t.clause}"
        extra = (
            (f"；{t.unknown} 个中心未申报，无法计算" if zh else f"; {t.unknown} centers not declared")
            if t.unknown
            else ""
        )
        if zh:
            return f"  {what_zh}：{fmt(t.amount)} {unit_zh}（{t.centers} 个中心，{t.clause}{extra}）"
        return f"  {what_en}: {fmt(t.amount)} {unit_en} ({t.centers} centers, {t.clause}{extra})"

    return [
        "全市整改合计（不通过及已豁免的结果）：" if zh else "City-wide remediation (failed and waived results):",
        line(m.hall, "大厅面积须新增", "hall area to build", "m²", "m²"),
        line(m.departments, "须入驻的部门窗口", "department windows to place", "个", ""),
        line(m.matters, "须进驻中心的事项", "matters to bring into the centers", "项", ""),
    ]


# ---------------------------------------------------------------- text


def render_text(m: Matrix, lang: str = "zh") -> str:
    zh = lang == "zh"
    number = {c: i for i, (c, _) in enumerate(m.clauses, 1)}
    lines = [
        (
            f"hallmark matrix — 标准 {m.standard.get('id')} {m.standard.get('version')}，基准日 {m.as_of.isoformat()}，"
            f"中心 {len(m.centers)} 个"
            if zh
            else f"hallmark matrix — standard {m.standard.get('id')} {m.standard.get('version')}, "
            f"as of {m.as_of.isoformat()}, {len(m.centers)} centers"
        ),
        ("标记：" if zh else "marks: ")
        + "  ".join(f"{MARK[s]} {STATUS_TEXT[s].zh if zh else s.value}" for s in STATUS_ORDER),
        ("条款：" if zh else "clauses:"),
    ]
    for c, title in m.clauses:
        lines.append(f"  {number[c]:>2} {c}  {title.zh if zh else title.en}")
    for t in m.tiers:
        name_w = max(20, *(len(r.id) for r in t.centers))
        tier_word = TIER_ZH[t.tier] if zh else TIER_EN[t.tier]
        lines += [
            "",
            f"== {tier_word}（{len(t.centers)} 个中心）==" if zh else f"== {tier_word} ({len(t.centers)} centers) ==",
        ]
        lines.append(
            pad("", name_w)
            + " "
            + "".join(f"{number[c]:>3}" for c in t.clauses)
            + "   "
            + ("面积 m²   部门  事项" if zh else "hall m²   deps  matters")
        )
        for r in t.centers:
            marks = "".join(f"{MARK[r.statuses.get(c, Status.NOT_APPLICABLE)]:>3}" for c in t.clauses)
            figures = f"{fmt(r.hall_area):>8}  {fmt(r.resident_departments):>4}  {fmt(r.matters_in_center):>4}"
            lines.append(f"{pad(r.id, name_w)} {marks}   {figures}  {r.name}")
        lines.append("")
        lines.append(
            "  一致性（已申报的中心）：最小 / 中位 / 最大"
            if zh
            else "  uniformity (declaring centers): min / median / max"
        )
        for attr, label in FIGURES:
            s: Spread = getattr(t, attr)
            names = {r.id: r.name for r in t.centers}
            lines.append(
                f"    {pad(label.zh if zh else label.en, 22)} {fmt(s.min):>7} / {fmt(s.median, 1):>7} / {fmt(s.max):>7}"
                + (f"   （{names.get(s.min_center, '')} … {names.get(s.max_center, '')}，n={s.n}）" if s.n else "")
            )
        ranks = "、".join(f"{enum_text('rank', k or None).zh if zh else k or '—'} ×{n}" for k, n in t.ranks)
        natures = "、".join(f"{enum_text('nature', k or None).zh if zh else k or '—'} ×{n}" for k, n in t.natures)
        lines.append(f"    {'机构规格' if zh else 'ranks'}：{ranks}")
        lines.append(f"    {'机构性质' if zh else 'natures'}：{natures}")
        lines.append("  达标率：" if zh else "  share of centers meeting each clause:")
        for sh in t.shares:
            words = sh.title.zh if zh else sh.title.en
            lines.append(
                f"    {number[sh.clause]:>2} {sh.clause}  {sh.met:>3}/{sh.applicable:<3} {_pct(sh):>4}  {words}"
            )
    lines.append("")
    lines += _total_lines(m, zh)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- csv


def render_csv(m: Matrix) -> str:
    clause_ids = [c for c, _ in m.clauses]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(
        [
            "tier",
            "center_id",
            "center_name",
            "file",
            "hall_area_m2",
            "resident_departments",
            "matters_in_center",
            "rank",
            "nature",
            "compliant",
            *clause_ids,
            "hall_gap_m2",
            "departments_missing",
            "matters_missing",
        ]
    )
    for r in m.centers:
        w.writerow(
            [
                r.tier,
                r.id,
                r.name,
                r.file,
                "" if r.hall_area is None else fmt(r.hall_area).replace(",", ""),
                "" if r.resident_departments is None else r.resident_departments,
                "" if r.matters_in_center is None else r.matters_in_center,
                r.rank or "",
                r.nature or "",
                "true" if r.compliant else "false",
                *(r.statuses[c].value if c in r.statuses else "" for c in clause_ids),
                "" if r.hall_gap is None else fmt(r.hall_gap).replace(",", ""),
                "、".join(r.departments_missing),
                "、".join(r.matters_missing),
            ]
        )
    return "\ufeff" + buf.getvalue()


# ---------------------------------------------------------------- html


def svg_heatmap(t: TierView, titles: dict[str, Text]) -> str:
    """Centers (rows) × clauses (columns), one coloured cell per status, tooltips in Chinese."""
    cell, label_w, head = 18, 12 + 7 * max(len(r.name) * 2 for r in t.centers), 70
    width = label_w + cell * len(t.clauses) + 50  # room for the last rotated clause id
    height = head + cell * len(t.centers) + 6
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{e(TIER_ZH[t.tier])}：中心 × 条款 状态热图</title>'
    ]
    for j, c in enumerate(t.clauses):
        x = label_w + j * cell + cell / 2
        out.append(
            f'<text x="{x}" y="{head - 6}" transform="rotate(-60 {x} {head - 6})">'
            f"<title>{e(c)} {e(titles[c].zh)}</title>{e(c)}</text>"
        )
    for i, r in enumerate(t.centers):
        y = head + i * cell
        out.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{e(r.name)}</text>')
        for j, c in enumerate(t.clauses):
            s = r.statuses.get(c, Status.NOT_APPLICABLE)
            out.append(
                f'<rect x="{label_w + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{COLOUR[s]}" '
                f'data-center="{e(r.id)}" data-clause="{e(c)}" data-status="{s.value}">'
                f"<title>{e(r.name)} · {e(c)} {e(titles[c].zh)}：{e(STATUS_TEXT[s].zh)}</title></rect>"
            )
    out.append("</svg>")
    return "".join(out)


def _spread_rows(t: TierView) -> str:
    names = {r.id: r.name for r in t.centers}
    out = []
    for attr, label in FIGURES:
        s: Spread = getattr(t, attr)
        key = f"{t.tier}-{attr.replace('_', '-')}"
        out.append(
            f"<tr><th>{e(label.zh)}</th>"
            f'<td id="{key}-min">{e(fmt(s.min))}</td><td>{e(names.get(s.min_center, ""))}</td>'
            f'<td id="{key}-median">{e(fmt(s.median, 1))}</td>'
            f'<td id="{key}-max">{e(fmt(s.max))}</td><td>{e(names.get(s.max_center, ""))}</td>'
            f"<td>{s.n}</td></tr>"
        )
    return (
        "<table><thead><tr><th>指标</th><th>最小</th><th>最小的中心</th><th>中位</th><th>最大</th>"
        "<th>最大的中心</th><th>申报中心数</th></tr></thead><tbody>" + "".join(out) + "</tbody></table>"
    )


def render_html(m: Matrix) -> str:
    titles = dict(m.clauses)
    std = m.standard
    cards = [
        ("sum-centers", fmt(len(m.centers)), "中心"),
        ("sum-compliant", fmt(sum(1 for r in m.centers if r.compliant)), "合规中心"),
        ("sum-hall-m2", fmt(m.hall.amount), "大厅面积须新增（m²）"),
        ("sum-departments", fmt(m.departments.amount), "须入驻的部门窗口"),
        ("sum-matters", fmt(m.matters.amount), "须进驻中心的事项"),
    ]
    parts = [
        "<header><h1>全市政务服务中心一览（矩阵）</h1>",
        f'<p class="meta">标准 <code>{e(std.get("id", ""))}</code> {e(std.get("version", ""))} · '
        f"基准日 {e(m.as_of.isoformat())} · 统一性：入驻部门、入驻事项、大厅面积、机构规格与性质</p></header>",
        '<section id="summary" aria-label="概要">'
        + "".join(
            f'<div class="card"><span class="num" id="{i}">{e(n)}</span><span class="label">{e(t)}</span></div>'
            for i, n, t in cards
        )
        + "</section>",
        f"<p>{legend()}</p>",
    ]
    for t in m.tiers:
        tier_word = TIER_ZH[t.tier]
        bar = COLOUR[Status.WAIVED]
        charts = [
            (
                "入驻部门数（resident: true）",
                svg_bars(
                    [(r.name, r.resident_departments, bar) for r in t.centers if r.resident_departments is not None],
                    f"{tier_word}入驻部门数",
                    "个",
                ),
            ),
            (
                "进驻事项数（in_center: true）",
                svg_bars(
                    [(r.name, r.matters_in_center, bar) for r in t.centers if r.matters_in_center is not None],
                    f"{tier_word}进驻事项数",
                    "项",
                ),
            ),
            (
                "大厅面积（m²）",
                svg_bars(
                    [(r.name, r.hall_area, bar) for r in t.centers if r.hall_area is not None],
                    f"{tier_word}大厅面积",
                    " m²",
                ),
            ),
            (
                "各条款达标率（%）",
                svg_bars(
                    [(f"{s.clause} {s.title.zh}", round((s.share or 0) * 100), COLOUR[Status.PASS]) for s in t.shares],
                    f"{tier_word}各条款达标率",
                    "%",
                ),
            ),
        ]
        ranks = "、".join(f"{e(enum_text('rank', k or None).zh)} ×{n}" for k, n in t.ranks)
        natures = "、".join(f"{e(enum_text('nature', k or None).zh)} ×{n}" for k, n in t.natures)
        shares = "".join(
            f"<tr><td><code>{e(s.clause)}</code></td><td>{e(s.title.zh)}</td><td>{s.met}/{s.applicable}</td>"
            f'<td id="{t.tier}-share-{e(s.clause)}">{e(_pct(s))}</td></tr>'
            for s in t.shares
        )
        parts.append(
            f'<section class="tier" id="tier-{t.tier}" data-tier="{t.tier}">'
            f"<h2>{e(tier_word)}（{len(t.centers)} 个中心）</h2>"
            f"<figure><figcaption>状态热图（中心 × 条款）</figcaption>{svg_heatmap(t, titles)}</figure>"
            f"<h3>一致性</h3>{_spread_rows(t)}"
            f"<p>机构规格：{ranks}</p><p>机构性质：{natures}</p>"
            '<div class="charts">'
            + "".join(f"<figure><figcaption>{e(cap)}</figcaption>{svg}</figure>" for cap, svg in charts)
            + "</div>"
            f"<h3>各条款达标率</h3><table><thead><tr><th>条款</th><th>标题</th><th>达标/适用</th><th>达标率</th>"
            f"</tr></thead><tbody>{shares}</tbody></table></section>"
        )
    rem_rows = "".join(
        f"<tr><td>{e(r.name)}</td><td><code>{e(r.id)}</code></td><td>{e(fmt(r.hall_gap))}</td>"
        f"<td>{e('、'.join(r.departments_missing) or '—')}</td><td>{e('、'.join(r.matters_missing) or '—')}</td></tr>"
        for r in m.centers
        if r.hall_gap or r.departments_missing or r.matters_missing
    )
    totals = "".join(f"<li>{e(line.strip())}</li>" for line in _total_lines(m, True)[1:])
    parts.append(
        '<section id="remediation"><h2>全市整改合计</h2>'
        f"<ul>{totals}</ul>"
        "<table><thead><tr><th>中心</th><th>编号</th><th>大厅面积缺口（m²）</th><th>须入驻的部门</th>"
        f"<th>须进驻的事项</th></tr></thead><tbody>{rem_rows}</tbody></table></section>"
    )
    title = f"hallmark matrix — {std.get('id', '')} {std.get('version', '')}（基准日 {m.as_of.isoformat()}）"
    return page(title, "\n".join(parts))


RENDERERS: dict[str, tuple[str, Callable[[Matrix, str], str]]] = {
    "text": ("txt", render_text),
    "csv": ("csv", lambda m, lang: render_csv(m)),
    "html": ("html", lambda m, lang: render_html(m)),
}
