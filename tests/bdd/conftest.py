"""The shared zh step library for features/*.feature (style.md §7).

Steps only *describe a declaration* and *read the report*: the Given steps build a
center configuration (the same YAML/JSON a reviewer submits), the When step runs
the real engine (``engine.check.evaluate`` with durable_rules in this process,
``jobs=0``), the Then steps compare the report's status, severity, expected and
actual values. No rule is re-implemented here; Chinese words for fields and values
come from the center schema's own descriptions (``engine.handbook`` glossary).

Vocabulary (假如/并且 …):
  一个县级政务服务中心[的<事实>，<事实>…]        新建一个中心（市级/县级/乡镇/村级）
  其<事实>[，<事实>…]                          补充事实：机构规格为副科级、大厅面积为 2400 平方米、
                                               已实行一窗受理 / 未使用全市统一平台、未申报大厅面积 …
  入驻部门为 发改局、国土局                     这些部门均入驻（resident: true）
  入驻部门如下： / 进驻事项如下：+ 表格          列：部门 入驻 首席代表 窗口授权 系统对接 /
                                               事项 类型 部门 进驻 豁免 办理地点 网上办理 法定时限 承诺时限
  本层级必进部门全部入驻                        按所检查标准的必进部门清单
  本层级必进事项全部进驻，均在窗口办理、可网上办理 按所检查标准的必进事项目录
  部门 民政局 未入驻 / 部门 发改局 的窗口授权为部分授权 / 事项 失业登记 未申报 …
当 按标准 sjz-proposed 于 2019-01-01 检查
那么 条款 P-ORG-02 不通过[，并提示应为正科级] / 严重程度为警告 / 不符合项为 民政局 / 该中心[不]合规
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from engine.center import parse_centers
from engine.check import Options, evaluate
from engine.coverage import CLAUSE_TAG
from engine.handbook import FUNCTION_ZH, center_fields, value_names
from engine.report import STATUS_TEXT, Report, Result, Status
from engine.rulebook import Rulebook, load_rulebook
from engine.source import load_document
from engine.standard import NO_VALUE, Standard, bundled_ids, load_standard

AREAS = ("org", "fun", "hal", "dep", "mat", "net", "sup", "per", "tim")

# ---------------------------------------------------------------- markers: clause ids and areas

_CONFIG: list[pytest.Config] = []


def _register(config: pytest.Config, tag: str) -> None:
    config.addinivalue_line("markers", f"{tag}: documents clause or area {tag} (features/)")


def pytest_configure(config: pytest.Config) -> None:
    _CONFIG.append(config)
    for area in AREAS:
        _register(config, area)
    for sid in bundled_ids():
        for clause in _standard(sid).own_clauses:
            _register(config, clause.id)


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> Any:
    # A clause-shaped tag naming no clause is `hallmark standards coverage`'s finding
    # (unknown_clause_tag), not a collection error: register it and let the mark apply.
    if CLAUSE_TAG.match(tag) and _CONFIG:
        _register(_CONFIG[-1], tag)
    return None


# ---------------------------------------------------------------- engine access (cached)


@cache
def _standard(ref: str) -> Standard:
    return load_standard(ref)


@cache
def _rulebook() -> Rulebook:
    return load_rulebook()


# ---------------------------------------------------------------- words → values

TIER_WORDS = {"市级": "city", "县级": "county", "乡镇": "township", "村级": "village", "村": "village"}
TIER_NAMES = {"city": "某市政务服务中心", "county": "某县政务服务中心", "township": "某乡镇便民服务中心"}
TIER_NAMES["village"] = "某村便民服务站"
REGION = {"city": "130100", "county": "130123", "township": "130123100", "village": "130123100201"}

# labels a scenario writes → the field they name (center fields, then item fields)
CENTER_LABELS = {
    "机构规格": "organization.rank",
    "机构性质": "organization.nature",
    "编制类型": "organization.staffing",
    "核定编制": "organization.approved_posts",
    "职能": "organization.functions",
    "大厅面积": "hall.area_m2",
    "窗口数": "hall.windows",
    "一窗受理": "hall.one_window_acceptance",
    "统一平台": "platform.unified_platform",
    "平台延伸到村居": "platform.reaches_villages",
    "电子监察": "platform.e_supervision",
    "电子政务纳入考核": "performance.egov_in_assessment",
    "通报频次": "performance.report_frequency",
    "服务人口": "population",
    "部门列表": "departments",
    "事项列表": "matters",
    "机构": "organization",
    "大厅": "hall",
    "平台": "platform",
    "考核": "performance",
}
# 已<x> / 未<x> → a boolean field
BOOLEAN_PHRASES = {
    "实行一窗受理": "hall.one_window_acceptance",
    "使用全市统一平台": "platform.unified_platform",
    "将平台延伸到村居": "platform.reaches_villages",
    "将电子政务纳入绩效考核": "performance.egov_in_assessment",
}
DEPARTMENT_LABELS = {
    "部门": "id",
    "名称": "name",
    "入驻": "resident",
    "首席代表": "chief_representative",
    "窗口授权": "window_authorization",
    "系统对接": "system_integration",
}
MATTER_LABELS = {
    "事项": "id",
    "名称": "name",
    "类型": "type",
    "部门": "department",
    "办理部门": "department",
    "进驻": "in_center",
    "豁免": "exemption",
    "办理地点": "handled_at",
    "网上办理": "online",
    "法定时限": "legal_days",
    "承诺时限": "promised_days",
}
LISTS = {"部门": ("departments", DEPARTMENT_LABELS), "事项": ("matters", MATTER_LABELS)}
ITEM_PHRASES = {  # whole phrases about one item
    "未入驻": ("resident", False),
    "已入驻": ("resident", True),
    "入驻": ("resident", True),
    "未进驻": ("in_center", False),
    "已进驻": ("in_center", True),
    "进驻": ("in_center", True),
    "可网上办理": ("online", True),
    "不可网上办理": ("online", False),
    "未设首席代表": ("chief_representative", False),
    "已设首席代表": ("chief_representative", True),
}
EXTRA_VALUE_WORDS = {  # short forms beside the schema's names
    "matters.handled_at": {"窗口": "window", "窗口办理": "window", "厅外审批": "outside", "体外循环": "outside"},
    "performance.report_frequency": {"按月": "monthly", "按季": "quarterly", "按年": "yearly"},
    "platform.e_supervision": {"二次录入": "separate_entry"},
}
TRUE_WORDS = {"是", "有", "已", "true"}
FALSE_WORDS = {"否", "无", "未", "false"}
ABSENT_WORDS = {"", "—", "-", "（未申报）", "未申报"}
SEVERITY_WORDS = {"错误": "error", "警告": "warning", "提示": "info"}
UNIT_WORDS = ("平方米", "m²", "名", "个工作日", "工作日", "天", "个")


def _strip_quotes(text: str) -> str:
    return text.strip().strip("“”\"'「」").strip()


def convert(field_name: str, text: str) -> Any:
    """A value as written in a scenario → the value a declaration holds for ``field_name``."""
    text = _strip_quotes(text)
    info = center_fields().get(field_name)
    kind = info.type if info else "string"
    if kind == "boolean":
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise ValueError(f"{field_name}: '{text}' is not 是/否")
    if kind in ("number", "integer"):
        for unit in UNIT_WORDS:
            text = text.removesuffix(unit).strip()
        return float(text) if "." in text else int(text)
    if kind == "array":
        if text in ("空", "（空）", "无"):
            return []
        return [convert_item(field_name, part) for part in re.split(r"[、,，]\s*", text) if part.strip()]
    names = {**value_names(field_name), **EXTRA_VALUE_WORDS.get(field_name, {})}
    if text in names:
        return names[text]
    if info and info.values and text not in info.values:
        raise ValueError(f"{field_name}: '{text}' is none of {', '.join([*names, *info.values])}")
    return text


def convert_item(field_name: str, text: str) -> Any:
    text = _strip_quotes(text)
    if field_name == "organization.functions":
        return {zh: v for v, zh in FUNCTION_ZH.items()}.get(text, text)
    return text


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    node = data
    *parents, last = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _unset(data: dict[str, Any], dotted: str) -> None:
    node: Any = data
    *parents, last = dotted.split(".")
    for part in parents:
        node = node.get(part, {}) if isinstance(node, dict) else {}
    if isinstance(node, dict):
        node.pop(last, None)


def apply_center_phrase(data: dict[str, Any], phrase: str) -> None:
    """One fact about the center: ``机构规格为副科级``, ``已实行一窗受理``, ``未申报大厅面积`` …"""
    phrase = phrase.strip().rstrip("。")
    if not phrase:
        return
    m = re.fullmatch(r"(?P<neg>已|未)(?P<what>.+)", phrase)
    if m and m.group("what") in BOOLEAN_PHRASES:
        _set(data, BOOLEAN_PHRASES[m.group("what")], m.group("neg") == "已")
        return
    m = re.fullmatch(r"未申报(?P<label>.+)", phrase) or re.fullmatch(r"(?P<label>.+?)未申报", phrase)
    if m and m.group("label") in CENTER_LABELS:
        _unset(data, CENTER_LABELS[m.group("label")])
        return
    m = re.fullmatch(r"(?P<label>[^为]+?)为\s*(?P<value>.+)", phrase)
    if m and m.group("label").strip() in CENTER_LABELS:
        name = CENTER_LABELS[m.group("label").strip()]
        _set(data, name, convert(name, m.group("value")))
        return
    raise ValueError(f"unknown fact about a center: '{phrase}' (labels: {', '.join(CENTER_LABELS)})")


def _phrases(text: str) -> list[str]:
    return [p for p in re.split(r"[，；]", text) if p.strip()]


# ---------------------------------------------------------------- the scenario's world

Op = Callable[[dict[str, Any], Standard, dt.date], None]


@dataclass
class World:
    """What a scenario has declared so far (applied when it is checked) and the last report."""

    ops: list[Op] = field(default_factory=list)
    report: Report | None = None
    standard: Standard | None = None

    def results(self) -> dict[str, Result]:
        assert self.report is not None, "no 当 按标准 … 检查 step ran before this 那么 step"
        (center,) = self.report.centers
        return {r.clause: r for r in center.results}

    def result(self, clause_id: str) -> Result:
        results = self.results()
        assert clause_id in results, f"{clause_id} is not a clause of {self.report.standard['id']}"  # type: ignore[union-attr]
        return results[clause_id]


@pytest.fixture
def world() -> World:
    return World()


def _aliases(standard: Standard) -> dict[str, str]:
    table = dict(standard.registries.department_aliases)
    if not table:
        table = dict(_standard("cn-2011-22").registries.department_aliases)
    return table


def _find_item(items: list[dict[str, Any]], name: str, table: dict[str, str]) -> dict[str, Any] | None:
    want = table.get(name, name)
    for item in items:
        for key in ("id", "name"):
            if key in item and table.get(item[key], item[key]) == want:
                return item
    return None


def _item_table(standard: Standard, list_name: str) -> dict[str, str]:
    if list_name == "departments":
        return _aliases(standard)
    table = dict(standard.registries.matter_aliases) or dict(_standard("sjz-proposed").registries.matter_aliases)
    return table


def _mandatory(standard: Standard, name: str) -> Any:
    """A tier list the standard's clauses name (``mandatory_departments``); else sjz-proposed's."""
    for std in (standard, _standard("sjz-proposed")):
        for clause in std.clauses:
            if name in clause.parameters:
                return clause.parameters[name]
    raise AssertionError(f"no standard has a parameter {name}")


# ---------------------------------------------------------------- 假如 / 并且: the declaration


@given(
    parsers.re(
        r"一个(?P<tier>市级|县级|乡镇|村级|村)(?:政务服务中心|便民服务中心|便民服务站|中心)(?:的(?P<facts>.+))?"
    ),
    target_fixture="world",
)
def a_center(tier: str, facts: str | None) -> World:
    w = World()
    t = TIER_WORDS[tier]

    def base(data: dict[str, Any], standard: Standard, as_of: dt.date) -> None:
        data.update({"id": f"bdd-{t}", "name": TIER_NAMES[t], "tier": t, "region_code": REGION[t]})
        for phrase in _phrases(facts or ""):
            apply_center_phrase(data, phrase)

    w.ops.append(base)
    return w


@given(parsers.re(r"其(?P<facts>.+)"))
def more_facts(world: World, facts: str) -> None:
    def op(data: dict[str, Any], standard: Standard, as_of: dt.date) -> None:
        for phrase in _phrases(facts):
            apply_center_phrase(data, phrase)

    world.ops.append(op)


@given(parsers.re(r"入驻部门为\s*(?P<names>.+)"))
def resident_departments(world: World, names: str) -> None:
    def op(data: dict[str, Any], standard: Standard, as_of: dt.date) -> None:
        deps = data.setdefault("departments", [])
        for name in re.split(r"[、,，]\s*", names.strip()):
            if name.strip():
                deps.append({"id": _strip_quotes(name), "resident": True})

    world.ops.append(op)


def _rows(datatable: list[list[str]], labels: dict[str, str], list_name: str) -> list[dict[str, Any]]:
    header, *body = datatable
    unknown = [h for h in header if h not in labels]
    assert not unknown, f"unknown column(s) {unknown}; known: {', '.join(labels)}"
    items = []
    for row in body:
        item: dict[str, Any] = {}
        for h, cell in zip(header, row, strict=True):
            key = labels[h]
            if key == "exemption" and cell.strip() == "":
                item[key] = ""  # declared, and no exemption (norms.md: "" is no exemption)
                continue
            if cell.strip() in ABSENT_WORDS:
                continue
            item[key] = convert(f"{list_name}.{key}", cell) if key not in ("id", "name") else cell.strip()
        items.append(item)
    return items


@given(parsers.re(r"入驻部门如下[:：]?"))
def departments_table(world: World, datatable: list[list[str]]) -> None:
    items = _rows(datatable, DEPARTMENT_LABELS, "departments")
    world.ops.append(lambda data, s, d: data.setdefault("departments", []).extend(json.loads(json.dumps(items))))


@given(parsers.re(r"进驻事项如下[:：]?"))
def matters_table(world: World, datatable: list[list[str]]) -> None:
    items = _rows(datatable, MATTER_LABELS, "matters")
    world.ops.append(lambda data, s, d: data.setdefault("matters", []).extend(json.loads(json.dumps(items))))


@given(parsers.re(r"本层级必进部门全部入驻"))
def all_mandatory_departments(world: World) -> None:
    def op(data: dict[str, Any], standard: Standard, as_of: dt.date) -> None:
        value = _mandatory(standard, "mandatory_departments").value_at(max(as_of, dt.date(2017, 1, 1)), data["tier"])
        deps = data.setdefault("departments", [])
        for key in [] if value is NO_VALUE else value:
            deps.append({"id": key, "resident": True})

    world.ops.append(op)


@given(parsers.re(r"本层级必进事项全部进驻，均在窗口办理、可网上办理"))
def all_catalogue_matters(world: World) -> None:
    def op(data: dict[str, Any], standard: Standard, as_of: dt.date) -> None:
        registries = standard.registries if standard.registries.matters else _standard("sjz-proposed").registries
        matters = data.setdefault("matters", [])
        for key in registries.catalogue(data["tier"]):
            entry = registries.matters[key]
            matters.append(
                {
                    "id": key,
                    "name": entry["zh"],
                    "type": entry["type"],
                    "department": entry["department"],
                    "in_center": True,
                    "exemption": "",
                    "handled_at": "window",
                    "online": True,
                }
            )

    world.ops.append(op)


def apply_item_phrase(item: dict[str, Any], phrase: str, list_name: str, labels: dict[str, str]) -> None:
    phrase = phrase.strip().rstrip("。")
    if phrase in ITEM_PHRASES:
        key, value = ITEM_PHRASES[phrase]
        item[key] = value
        return
    m = re.fullmatch(r"由\s*(?P<dep>.+?)\s*办理", phrase)
    if m and list_name == "matters":
        item["department"] = _strip_quotes(m.group("dep"))
        return
    m = re.fullmatch(r"未申报(?P<label>.+)", phrase) or re.fullmatch(r"(?P<label>.+?)未申报", phrase)
    if m and m.group("label") in labels:
        item.pop(labels[m.group("label")], None)
        return
    m = re.fullmatch(r"(?P<label>[^为]+?)为\s*(?P<value>.*)", phrase)
    if m and m.group("label") in labels:
        key = labels[m.group("label")]
        value = m.group("value")
        item[key] = (
            _strip_quotes(value)
            if key in ("id", "name", "department", "exemption")
            else (convert(f"{list_name}.{key}", value))
        )
        return
    raise ValueError(f"unknown fact about a {list_name} item: '{phrase}'")


@given(parsers.re(r"(?P<kind>部门|事项)\s+(?P<name>\S+)\s+(?:的)?(?P<facts>.+)"))
def item_facts(world: World, kind: str, name: str, facts: str) -> None:
    list_name, labels = LISTS[kind]
    name = _strip_quotes(name)

    def op(data: dict[str, Any], standard: Standard, as_of: dt.date) -> None:
        items = data.setdefault(list_name, [])
        table = _item_table(standard, list_name)
        item = _find_item(items, name, table)
        if facts.strip() == "未申报":
            if item is not None:
                items.remove(item)
            return
        if item is None:
            item = {"id": name}
            items.append(item)
        for phrase in _phrases(facts):
            apply_item_phrase(item, phrase, list_name, labels)

    world.ops.append(op)


# ---------------------------------------------------------------- 当: the real engine


@when(parsers.re(r"按标准\s*[“\"]?(?P<ref>[\w.-]+)[”\"]?\s*于\s*[“\"]?(?P<day>\d{4}-\d{2}-\d{2})[”\"]?\s*检查"))
def check_against(world: World, ref: str, day: str) -> None:
    standard = _standard(ref)
    as_of = dt.date.fromisoformat(day)
    data: dict[str, Any] = {}
    for op in world.ops:
        op(data, standard, as_of)
    text = json.dumps({"center": data}, ensure_ascii=False)
    centers = parse_centers(load_document(text, "scenario.yaml"))
    world.standard = standard
    world.report = evaluate(standard, _rulebook(), centers, {}, Options(as_of=as_of, jobs=0))


# ---------------------------------------------------------------- 那么 / 并且: reading the report

_STATUS_ZH = {t.zh: s for s, t in STATUS_TEXT.items()}
_STATUS_RE = "|".join(sorted(_STATUS_ZH, key=len, reverse=True))


def _flatten(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in _flatten(v)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return [str(value)]


def _normalise_word(word: str, world: World) -> set[str]:
    """One word a scenario uses for a value → every id it may stand for."""
    word = _strip_quotes(word)
    for unit in UNIT_WORDS:
        if word.endswith(unit) and word[: -len(unit)].strip().replace(".", "", 1).isdigit():
            word = word[: -len(unit)].strip()
    out = {word}
    if word in TRUE_WORDS:
        out.add("true")
    if word in FALSE_WORDS:
        out.add("false")
    for info in center_fields().values():
        out |= {v for v, zh in info.values.items() if zh == word}
    out |= {v for v, zh in FUNCTION_ZH.items() if zh == word}
    for extra in EXTRA_VALUE_WORDS.values():
        if word in extra:
            out.add(extra[word])
    assert world.standard is not None
    regs = world.standard.registries
    for table in (regs.department_aliases, regs.matter_aliases, _aliases(world.standard)):
        if word in table:
            out.add(table[word])
    return out


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[、,，和及]\s*", _strip_quotes(text)) if w.strip()]


def _check_hint(world: World, result: Result, hint: str) -> None:
    hint = _strip_quotes(hint)
    m = re.fullmatch(r"应(?:为|不高于|不低于|包括|至少为|达到)\s*(?P<value>.+?)(?:之一)?", hint)
    if m:
        expected = set(_flatten(result.expected))
        for word in _words(m.group("value")):
            assert _normalise_word(word, world) & expected, (
                f"{result.clause}: expected value {result.expected!r} does not say '{word}'"
            )
        return
    shown = f"{result.message.zh}\n{result.remediation.zh if result.remediation else ''}"
    assert hint in shown, f"{result.clause}: the message does not say '{hint}':\n{shown}"


@then(
    parsers.re(
        rf"条款\s*[“\"]?(?P<clause>[A-Z]+-[A-Z]+-\d+)[”\"]?\s*(?:的状态为\s*)?(?P<status>{_STATUS_RE})"
        r"(?:[，,]\s*并?提示\s*(?P<hint>.+))?"
    )
)
def clause_status(world: World, clause: str, status: str, hint: str | None) -> None:
    result = world.result(clause)
    want = _STATUS_ZH[status]
    assert result.status == want, (
        f"{clause}: expected {want.value}, got {result.status.value}: {result.message.zh} "
        f"(expected={result.expected!r}, actual={result.actual!r})"
    )
    if hint:
        _check_hint(world, result, hint)


@then(parsers.re(r"条款\s*(?P<clause>[A-Z]+-[A-Z]+-\d+)\s*提示\s*(?P<hint>.+)"))
def clause_hint(world: World, clause: str, hint: str) -> None:
    _check_hint(world, world.result(clause), hint)


@then(parsers.re(r"条款\s*(?P<clause>[A-Z]+-[A-Z]+-\d+)\s*的严重程度为\s*(?P<severity>错误|警告|提示)"))
def clause_severity(world: World, clause: str, severity: str) -> None:
    result = world.result(clause)
    assert result.severity.value == SEVERITY_WORDS[severity], (
        f"{clause}: severity {result.severity.value}, expected {SEVERITY_WORDS[severity]}"
    )


@then(parsers.re(r"条款\s*(?P<clause>[A-Z]+-[A-Z]+-\d+)\s*的不符合项为\s*(?P<items>.+)"))
def clause_items(world: World, clause: str, items: str) -> None:
    result = world.result(clause)
    actual = result.actual if isinstance(result.actual, list) else [result.actual]
    words = [] if _strip_quotes(items) in ("无", "（无）") else _words(items)
    assert len(words) == len(actual), f"{clause}: actual {actual!r}, expected {len(words)} item(s): {words}"
    remaining = [str(a) for a in actual]
    for word in words:
        hit = _normalise_word(word, world) & set(remaining)
        assert hit, f"{clause}: '{word}' is not among {remaining}"
        remaining.remove(sorted(hit)[0])


@then(parsers.re(r"该中心(?P<neg>不)?合规"))
def center_compliant(world: World, neg: str | None) -> None:
    assert world.report is not None
    (center,) = world.report.centers
    failing = [f"{r.clause} {r.status.value}" for r in center.results if r.status in (Status.FAIL, Status.ERROR)]
    assert center.compliant is (neg is None), f"compliant={center.compliant}; failing: {failing}"


@then(parsers.re(r"没有条款评估出错"))
def no_errors(world: World) -> None:
    errors = [f"{r.clause}: {r.message.zh}" for r in world.results().values() if r.status == Status.ERROR]
    assert not errors, errors


# ---------------------------------------------------------------- English mirror (features/en/*.feature)

EN_LABELS = {
    "rank": "organization.rank",
    "nature": "organization.nature",
    "staffing": "organization.staffing",
    "approved posts": "organization.approved_posts",
    "hall area": "hall.area_m2",
}
EN_STATUS = {
    "passes": Status.PASS,
    "fails": Status.FAIL,
    "does not apply": Status.NOT_APPLICABLE,
    "is not declared": Status.NOT_DECLARED,
}


@given(parsers.re(r"a (?P<tier>city|county|township|village) center(?: whose (?P<facts>.+))?"), target_fixture="world")
def an_english_center(tier: str, facts: str | None) -> World:
    w = World()

    def base(data: dict[str, Any], standard: Standard, as_of: dt.date) -> None:
        data.update({"id": f"bdd-{tier}", "name": TIER_NAMES[tier], "tier": tier, "region_code": REGION[tier]})
        for phrase in re.split(r",\s*|\s+and\s+", facts or ""):
            m = re.fullmatch(r"(?P<label>.+?) is (?P<value>.+)", phrase.strip())
            assert m and m.group("label") in EN_LABELS, f"unknown fact '{phrase}' (labels: {', '.join(EN_LABELS)})"
            name = EN_LABELS[m.group("label")]
            _set(data, name, convert(name, m.group("value")))

    w.ops.append(base)
    return w


@when(parsers.re(r"it is checked against (?P<ref>[\w.-]+) on (?P<day>\d{4}-\d{2}-\d{2})"))
def english_check(world: World, ref: str, day: str) -> None:
    check_against(world, ref, day)


@then(
    parsers.re(
        r"clause (?P<clause>[A-Z]+-[A-Z]+-\d+) (?P<status>passes|fails|does not apply|is not declared)"
        r"(?:, expecting (?P<expected>.+))?"
    )
)
def english_status(world: World, clause: str, status: str, expected: str | None) -> None:
    result = world.result(clause)
    assert result.status == EN_STATUS[status], f"{clause}: {result.status.value}: {result.message.en}"
    if expected:
        assert expected in _flatten(result.expected), f"{clause}: expected {result.expected!r}"


__all__ = ["World"]
