"""``hallmark standards handbook ID``: a standard as a readable Chinese document.

Clauses in the standard's order (inherited ones first, marked as such), each with
its text, strength, tiers, in-force date, quoted source, how it is checked, its
parameters by date with their references, and the feature scenarios tagged with
its id as worked examples. Markdown or self-contained HTML (no CDN, escaped).

It also holds the glossary the handbook, the conflict report and the BDD step
library share: the Chinese names of center fields and of their values, read from
``schemas/center.schema.json`` (``description`` and ``x-enumDescriptions``), so a
name is written once, in the schema.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from engine.coverage import FeatureScenario
from engine.kinds import KINDS
from engine.rulebook import Rulebook
from engine.standard import RANKS, TIERS, Clause, Param, Registries, Standard
from engine.validate import schema_validator

TIER_ZH = {"city": "市级", "county": "县级", "township": "乡镇（街道）", "village": "村（社区）"}
STRENGTH_ZH = {"应": "应（必须，error）", "宜": "宜（推荐，warning）", "可": "可（允许，info）"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
UNIT_ZH = {"m2": "m²"}
FUNCTION_ZH = {"coordination": "组织协调", "supervision": "监督管理", "guidance": "指导下级"}

# ---------------------------------------------------------------- glossary (from the center schema)


@dataclass(frozen=True)
class FieldInfo:
    """One center field: dotted name (list items as ``departments.window_authorization``), zh label, type, values."""

    name: str
    label: str
    type: str  # string | number | integer | boolean | array | object
    values: dict[str, str]  # enum value → zh name (empty when not an enum)

    def universe(self) -> frozenset[Any] | None:
        """Every value the field can take, when that is a finite set (enums, booleans); else None."""
        if self.values:
            return frozenset(self.values)
        if self.type == "boolean":
            return frozenset({True, False})
        return None


def _zh_part(description: str) -> str:
    zh = description.split(" / ")[0].split("/")[0].strip()
    return zh


def _short_zh(description: str) -> str:
    """``充分授权（书面授权，含决定和用印）/ full …`` → ``充分授权``."""
    return re.split(r"[（(：:]", _zh_part(description), maxsplit=1)[0].strip()


@cache
def center_fields() -> dict[str, FieldInfo]:
    schema = schema_validator("center.schema.json").schema
    out: dict[str, FieldInfo] = {}

    def walk(props: dict[str, Any], prefix: str) -> None:
        for key, spec in props.items():
            name = f"{prefix}{key}"
            kind = spec.get("type", "string")
            if isinstance(kind, list):
                kind = kind[0]
            values = {v: _short_zh(d) for v, d in (spec.get("x-enumDescriptions") or {}).items()}
            out[name] = FieldInfo(name, _short_zh(spec.get("description", key)), kind, values)
            if kind == "object" and "properties" in spec:
                walk(spec["properties"], f"{name}.")
            if kind == "array" and isinstance(spec.get("items"), dict) and "properties" in spec["items"]:
                walk(spec["items"]["properties"], f"{name}.")

    walk(schema["properties"], "")
    return out


def field_info(name: str) -> FieldInfo | None:
    return center_fields().get(name)


def field_label(name: str) -> str:
    info = field_info(name)
    return info.label if info else name


def value_zh(value: Any, field: str | None = None) -> str:
    """A parameter value as a Chinese reader knows it: ``full_section`` → ``正科级``, lists joined with 、."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_zh(v, field) for v in value) or "（空）"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        info = field_info(field) if field else None
        if info and value in info.values:
            return info.values[value]
        if value in FUNCTION_ZH:
            return FUNCTION_ZH[value]
        for f in center_fields().values():
            if value in f.values:
                return f.values[value]
    return str(value)


def value_names(field: str) -> dict[str, str]:
    """zh name → value for one field (its enum; ranks, booleans and functions too)."""
    info = field_info(field)
    names = {zh: v for v, zh in (info.values if info else {}).items()}
    if field == "organization.functions":
        names.update({zh: v for v, zh in FUNCTION_ZH.items()})
    return names


# ---------------------------------------------------------------- how a clause is checked, in words


LIST_LABELS = {"departments": "入驻部门", "matters": "事项", "organization.functions": "职能"}
DERIVED_LABELS = {"department_resident": "所属部门已入驻", "exempt": "有豁免文号（政府决定）", "key": "标识"}


def _item_label(list_name: str, name: str) -> str:
    if name in DERIVED_LABELS:
        return f"{DERIVED_LABELS[name]}（{name}）"
    return f"{field_label(f'{list_name}.{name}')}（{name}）"


def rule_zh(kind: str, spec: dict[str, Any]) -> str:
    """How a rule checks its clause, in Chinese (parameter values are in the clause's parameter table)."""
    f = spec.get("field") or ""
    label = f"{field_label(f)}（{f}）" if f else ""
    lst = spec.get("list", "")
    list_label = f"{LIST_LABELS.get(lst, field_label(lst))}（{lst}）" if lst else ""
    param = spec.get("parameter", "")
    if kind == "field_is":
        return f"{label}应等于参数 {param}"
    if kind == "number_at_least":
        return f"{label}应不小于参数 {param}"
    if kind == "enum_in":
        return f"{label}应为参数 {param} 所列值之一"
    if kind == "enum_not_in":
        return f"{label}应已申报，且不为参数 {param} 所列值"
    if kind == "rank_at_most":
        return f"{label}应不高于参数 {param}（规格由低到高：{'、'.join(value_zh(r) for r in RANKS)}）"
    if kind == "rank_at_least":
        return f"{label}应不低于参数 {param}"
    if kind == "fields_equal":
        return "；".join(f"{field_label(k)}（{k}）应等于参数 {p}" for k, p in spec["fields"].items())
    if kind == "all_items_where":
        conds = []
        for k, v in (spec.get("where") or {}).items():
            if isinstance(v, dict):
                conds.append(f"已申报{_item_label(lst, k)}")
            else:
                conds.append(f"{_item_label(lst, k)}为{value_zh(v, f'{lst}.{k}')}")
        scope = f"{list_label}中{'、'.join(conds)}的每一项" if conds else f"{list_label}中的每一项"
        if spec.get("catalogue_only"):
            scope = f"{list_label}中属于本层级必进事项目录的每一项"
        item = _item_label(lst, f)
        if "at_most_field" in spec:
            return f"{scope}，其{item}应不大于{_item_label(lst, spec['at_most_field'])}"
        return f"{scope}，其{item}应等于参数 {param}"
    if kind == "all_resident":
        return f"参数 {param} 所列每个部门都应列于{list_label}且已入驻（resident: true）"
    if kind == "includes_all":
        return f"{list_label}应包括参数 {param} 所列全部值"
    if kind == "catalogue_in_center":
        return (
            "本层级必进事项目录（registries.matters）中的每个事项都应申报、"
            "已进驻中心（in_center），并由目录所列部门办理"
        )
    return kind


# ---------------------------------------------------------------- the document model


@dataclass
class Block:
    """One piece of the handbook: heading, paragraph, quote, table, list or steps (pre-formatted)."""

    kind: str  # h1 h2 h3 h4 p quote table list steps
    text: str = ""
    rows: list[list[str]] | None = None  # tables: first row is the header; list: one item per row


def _param_field(spec: dict[str, Any], pname: str) -> str | None:
    """The center field a parameter is compared with (for naming its values), if one."""
    if spec.get("parameter") == pname and "field" in spec:
        f = str(spec["field"])
        return f"{spec['list']}.{f}" if "list" in spec else f
    for f, p in (spec.get("fields") or {}).items():
        if p == pname:
            return str(f)
    return None


def _param_rows(param: Param, field: str | None, registries: Registries) -> list[list[str]]:
    rows = []
    for tier_key, series in param.series.items():
        for v in series:
            tier = "全部层级" if tier_key is None else TIER_ZH.get(tier_key, tier_key)
            if v.value is None:
                shown = "（终止）"
            elif param.name == "severity" and v.value in SEVERITY_ZH:
                shown = f"{SEVERITY_ZH[v.value]}（{v.value}）"
            else:
                shown = _value_with_id(v.value, field, registries)
            unit = f" {UNIT_ZH.get(param.unit, param.unit)}" if param.unit and v.value is not None else ""
            rows.append([param.name, tier, v.since.isoformat(), shown + unit, v.reference])
    return rows


def _value_with_id(value: Any, field: str | None, registries: Registries | None = None) -> str:
    if isinstance(value, list) and value and registries and all(v in registries.departments for v in value):
        return "、".join(registries.department_name(v) for v in value) + f"（{len(value)} 个）"
    if isinstance(value, list) and not value:
        return "（无）"
    zh = value_zh(value, field)
    raw = value if not isinstance(value, list) else ", ".join(map(str, value))
    raw_text = "true" if raw is True else "false" if raw is False else str(raw)
    return zh if zh == raw_text else f"{zh}（{raw_text}）"


def _catalogue_rows(clause: Clause, registries: Registries) -> list[list[str]]:
    rows = [["事项", "标识", "办理部门", "类型", "层级"]]
    for key, entry in registries.matters.items():
        tiers = [t for t in entry.get("tiers", ()) if t in clause.tiers]
        if not tiers:
            continue
        rows.append(
            [
                str(entry.get("zh", key)),
                key,
                registries.department_name(str(entry.get("department", ""))),
                value_zh(entry.get("type", ""), "matters.type"),
                "、".join(TIER_ZH.get(t, t) for t in tiers),
            ]
        )
    return rows


def _tiers(clause: Clause) -> str:
    return "、".join(TIER_ZH.get(t, t) for t in clause.tiers)


def handbook_blocks(
    standard: Standard, rulebook: Rulebook | None, scenarios: list[FeatureScenario], generated: dt.date | None = None
) -> list[Block]:
    doc = standard.document
    blocks = [Block("h1", f"{standard.title.zh}")]
    meta = [
        ["标准编号", f"{standard.id} {standard.version}"],
        ["发文机关", str(doc.get("issuer") or "—")],
        ["文号", str(doc.get("number") or "（未给出）")],
        ["成文日期", f"{doc.get('date')}" + ("（约）" if doc.get("approximate") else "")],
        ["施行日期", standard.in_force_from.isoformat()],
        ["继承", "、".join(standard.extends) or "—"],
        ["条款数", str(len(standard.clauses))],
    ]
    blocks.append(Block("table", rows=[["项目", "内容"], *meta]))
    blocks.append(
        Block(
            "p",
            "本手册由 hallmark 根据标准文件自动生成：条款按标准顺序排列（继承的条款在前），"
            "每条给出条文、强度、适用层级、施行日期、出处原文、检查方式、按日期的参数及其依据，"
            "以及 features/ 中标注该条款编号的场景作为示例。",
        )
    )
    by_clause: dict[str, list[FeatureScenario]] = {}
    for s in scenarios:
        if not s.language.startswith("zh"):
            continue  # a Chinese handbook shows the Chinese scenarios (features/en/ mirrors them)
        for cid in s.clauses:
            by_clause.setdefault(cid, []).append(s)
    section = None
    for clause in standard.clauses:
        key = (clause.standard_id, clause.section)
        if key != section:
            section = key
            inherited = "" if clause.standard_id == standard.id else f"（继承自 {clause.standard_id}）"
            blocks.append(Block("h2", f"{clause.section_title.zh}{inherited}"))
        blocks += _clause_blocks(clause, rulebook, standard.registries, by_clause.get(clause.id, []))
    if generated:
        blocks.append(Block("p", f"生成日期：{generated.isoformat()}"))
    return blocks


def _clause_blocks(
    clause: Clause, rulebook: Rulebook | None, registries: Registries, scenarios: list[FeatureScenario]
) -> list[Block]:
    out = [Block("h3", f"{clause.id} {clause.title.zh}")]
    out.append(Block("p", clause.text.zh))
    facts = [
        ["强度", STRENGTH_ZH.get(clause.strength, clause.strength)],
        ["适用层级", _tiers(clause)],
        ["施行日期", f"自 {clause.in_force_from.isoformat()} 起"],
        ["出处", f"{clause.source.document} {clause.source.section}".strip()],
    ]
    rule = rulebook.get(clause.id) if rulebook else None
    if rule is not None and rule.kind in KINDS:
        facts.append(["检查方式", f"{rule_zh(rule.kind, rule.spec)}（规则类型 {rule.kind}）"])
    out.append(Block("table", rows=[["项目", "内容"], *facts]))
    src = clause.source
    out.append(Block("quote", f"{src.quote}\n—— {src.document} {src.section}".strip()))
    spec = rule.spec if rule is not None else {}
    if clause.parameters:
        rows = [["参数", "层级", "自", "取值", "依据"]]
        for param in clause.parameters.values():
            rows += _param_rows(param, _param_field(spec, param.name), registries)
        out.append(Block("h4", "参数（按日期）"))
        out.append(Block("table", rows=rows))
    if rule is not None and rule.kind == "catalogue_in_center":
        out.append(Block("h4", "必进事项目录（registries.matters）"))
        out.append(Block("table", rows=_catalogue_rows(clause, registries)))
    out.append(Block("h4", "示例"))
    if not scenarios:
        out.append(Block("p", "（尚无场景。）"))
    for s in scenarios:
        out.append(Block("p", f"{s.keyword}：{s.name}（{s.file}:{s.line}）"))
        lines = [f"{kw} {text}" for kw, text in s.steps]
        out.append(Block("steps", "\n".join(lines)))
        for header, body in s.examples:
            out.append(Block("table", rows=[header, *body]))
    return out


# ---------------------------------------------------------------- renderers


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3", "h4"):
            out.append("#" * int(b.kind[1]) + " " + b.text)
        elif b.kind == "p":
            out.append(b.text)
        elif b.kind == "quote":
            out.append("\n>\n".join("> " + line for line in b.text.split("\n")))
        elif b.kind == "steps":
            out.append("```gherkin\n" + b.text + "\n```")
        elif b.kind == "table" and b.rows:
            header, *body = b.rows
            out.append("| " + " | ".join(_md_cell(c) for c in header) + " |")
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
        elif b.kind == "list" and b.rows:
            out += [f"- {row[0]}" for row in b.rows]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = (
    "body{font-family:'Noto Serif CJK SC','Source Han Serif SC','SimSun',serif;max-width:60em;margin:2em auto;"
    "padding:0 1em;line-height:1.7;color:#222}h1{text-align:center}h2{border-bottom:2px solid #a00;"
    "padding-bottom:.2em;margin-top:2em}h3{color:#a00;margin-top:1.6em}table{border-collapse:collapse;"
    "margin:.6em 0;width:100%}th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}"
    "th{background:#f3eeee}blockquote{border-left:4px solid #a00;margin:.6em 0;padding:.2em 1em;background:#faf6f6}"
    "pre{background:#f6f6f6;padding:.6em 1em;overflow-x:auto;font-size:.95em}"
)


def render_html(blocks: list[Block], title: str) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    for b in blocks:
        if b.kind in ("h1", "h2", "h3", "h4"):
            out.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "p":
            out.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "quote":
            out.append("<blockquote>" + "<br>".join(e(line) for line in b.text.split("\n")) + "</blockquote>")
        elif b.kind == "steps":
            out.append(f"<pre>{e(b.text)}</pre>")
        elif b.kind == "table" and b.rows:
            header, *body = b.rows
            out.append("<table>")
            out.append("<tr>" + "".join(f"<th>{e(c)}</th>" for c in header) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in body]
            out.append("</table>")
        elif b.kind == "list" and b.rows:
            out.append("<ul>" + "".join(f"<li>{e(row[0])}</li>" for row in b.rows) + "</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


FORMATS = ("markdown", "html")


def render(
    standard: Standard,
    rulebook: Rulebook | None,
    scenarios: list[FeatureScenario],
    fmt: str = "markdown",
    generated: dt.date | None = None,
) -> str:
    """The handbook of ``standard`` in ``fmt`` (markdown | html). Pure: no I/O, no clock."""
    blocks = handbook_blocks(standard, rulebook, scenarios, generated)
    if fmt == "html":
        return render_html(blocks, f"{standard.id} {standard.title.zh}")
    return render_markdown(blocks)


__all__ = [
    "FORMATS",
    "TIERS",
    "Block",
    "FieldInfo",
    "center_fields",
    "field_label",
    "handbook_blocks",
    "render",
    "rule_zh",
    "value_names",
    "value_zh",
]


def handbook(ref: str, fmt: str = "markdown", features: str | None = None, generated: dt.date | None = None) -> str:
    """Load a standard (bundled id or file) and the scenarios of ``features`` (when found), and render it."""
    from engine.coverage import default_features_dir, read_features
    from engine.errors import InputError, Location
    from engine.rulebook import load_rulebook
    from engine.standard import load_standard

    if fmt not in FORMATS:
        raise InputError.one(
            "unknown_format",
            f"未知格式 {fmt}；可用：{', '.join(FORMATS)}",
            f"unknown format {fmt}; one of: {', '.join(FORMATS)}",
            Location("--format"),
            expected=", ".join(FORMATS),
        )
    standard = load_standard(ref)
    scenarios: list[FeatureScenario] = []
    if features is not None or default_features_dir().is_dir():
        _, scenarios = read_features(features)
    return render(standard, load_rulebook(), scenarios, fmt, generated)
