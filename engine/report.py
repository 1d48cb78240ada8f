"""The report model (``hallmark/v1``): statuses, severities, results, receipts.

This is the only module that compares raw status/severity strings and the only
one that fills message templates. Every output format reads this model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import metadata
from typing import Any

from engine import runner
from engine.compiler import CompiledClause
from engine.errors import Location
from engine.facts import CenterFacts, Notice, value_at
from engine.kinds import Outcome
from engine.standard import NO_VALUE, Registries, Source
from engine.text import Text
from engine.waivers import Waiver

REPORT_FORMAT = "hallmark/v1"


def engine_version() -> str:
    try:
        return metadata.version("hallmark")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def engine_receipt(engine: str) -> dict[str, Any]:
    """The report's ``engine`` block: what judged (``engine`` is durable or python)."""
    rules_engine = runner.RULES_ENGINE if engine == "durable" else "python (reference)"
    return {"name": "hallmark", "version": engine_version(), "rules_engine": rules_engine}


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NOT_DECLARED = "not_declared"
    WAIVED = "waived"
    ERROR = "error"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


STATUS_ORDER = tuple(Status)
_STATUS_NAMES = tuple((s.value, s) for s in STATUS_ORDER)  # read for every center: .value is slow
# statuses that ask a reviewer for something, most urgent first
FINDINGS = (Status.ERROR, Status.FAIL, Status.NOT_DECLARED, Status.WAIVED)
# the order results are read in: findings first, then passes, then what does not apply
READING_ORDER = {s: i for i, s in enumerate((*FINDINGS, Status.PASS, Status.NOT_APPLICABLE))}
STATUS_TEXT = {
    Status.PASS: Text("通过", "pass"),
    Status.FAIL: Text("不通过", "fail"),
    Status.NOT_APPLICABLE: Text("不适用", "not applicable"),
    Status.NOT_DECLARED: Text("未申报", "not declared"),
    Status.WAIVED: Text("已豁免", "waived"),
    Status.ERROR: Text("评估出错", "error"),
}


@dataclass
class Result:
    clause: str
    section: str
    status: Status
    severity: Severity
    title: Text
    expected: Any
    actual: Any
    message: Text
    remediation: Text | None
    source: Source
    location: Location | None
    waiver: dict[str, Any] | None = None
    gap: Text | None = None  # what closes the gap, exactly: "大厅面积 2,400 m² → 至少 3,000 m²：+600 m²"
    next_severity: dict[str, str] | None = None  # {"date", "severity"}: the clause's next dated severity change
    # clause metadata (from the standard; not in to_json — GET /v1/standards/{id} serves it)
    text: Text | None = None
    strength: str = ""
    tiers: tuple[str, ...] = ()
    # equal for results whose JSON differs only in expected, actual and location (set by build_result
    # where it knows; None: unknown). engine.encode renders each shape once.
    shape: Any = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        # built inline (no nested to_json calls): this runs for every clause of every center
        title, message, remediation, source, location, gap = (
            self.title,
            self.message,
            self.remediation,
            self.source,
            self.location,
            self.gap,
        )
        return {
            "clause": self.clause,
            "status": self.status.value,
            "severity": self.severity.value,
            "title": {"zh": title.zh, "en": title.en},
            "expected": self.expected,
            "actual": self.actual,
            "message": {"zh": message.zh, "en": message.en},
            "remediation": {"zh": remediation.zh, "en": remediation.en} if remediation else None,
            "source": {
                "document": source.document,
                "section": source.section,
                "quote": source.quote,
                "origin": source.origin,
            },
            "location": (
                {"file": location.file, "line": location.line or None, "column": location.column or None}
                if location
                else None
            ),
            "waiver": self.waiver,
            "section": self.section,
            "gap": {"zh": gap.zh, "en": gap.en} if gap else None,
            "next_severity": self.next_severity,
        }


@dataclass
class CenterReport:
    id: str
    name: str
    tier: str
    file: str
    sha256: str
    results: list[Result]
    notices: list[Notice] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        statuses = [r.status for r in self.results]
        return {name: statuses.count(status) for name, status in _STATUS_NAMES}

    @property
    def compliant(self) -> bool:
        """No fail and no error on a clause of severity error (应); warnings do not decide it."""
        return not any(r.status in (Status.FAIL, Status.ERROR) and r.severity == Severity.ERROR for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return self.json_with([r.to_json() for r in self.results])

    def json_with(self, results: Any) -> dict[str, Any]:
        """The center as ``to_json`` gives it, ``results`` standing for its results (engine.encode
        writes those itself)."""
        return {
            "id": self.id,
            "name": self.name,
            "tier": self.tier,
            "source": {"file": self.file, "sha256": self.sha256},
            "summary": {**self.counts(), "compliant": self.compliant},
            "results": results,
            "notices": [n.to_json() for n in self.notices],
        }


@dataclass
class Report:
    generated_at: dt.datetime
    as_of: dt.date
    standard: dict[str, Any]
    engine: dict[str, Any]
    centers: list[CenterReport]
    rules_sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**self.header_json(), "centers": [c.to_json() for c in self.centers]}

    def header_json(self) -> dict[str, Any]:
        """Everything but ``centers`` (the first line of JSON Lines; what streamed outputs write first)."""
        return {
            "report": REPORT_FORMAT,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "as_of": self.as_of.isoformat(),
            "standard": self.standard,
            "engine": {**self.engine, "rules_sha256": self.rules_sha256},
        }

    def worst(self, fail_on: str, strict: bool = False) -> bool:
        """True when a finding counts for the exit code (interfaces.md)."""
        if fail_on == "never":
            return False
        floor = Severity(fail_on).rank
        for c in self.centers:
            for r in c.results:
                if r.status == Status.ERROR:
                    return True
                if r.status == Status.FAIL and r.severity.rank >= floor:
                    return True
                if strict and r.status == Status.NOT_DECLARED and r.severity.rank >= floor:
                    return True
        return False


# ---------------------------------------------------------------- building results


def render_value(value: Any, lang: str, registries: Registries, list_name: str = "") -> str:
    """A value as a person reads it: lists joined, department/matter ids named in Chinese."""
    if value is None:
        return "—" if lang == "zh" else "(none)"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("true" if value else "false")
    if isinstance(value, list):
        if lang == "zh" and list_name == "departments":
            return "、".join(registries.department_name(str(v)) for v in value) or "—"
        if lang == "zh" and list_name == "matters":
            return "、".join(registries.matter_name(str(v)) for v in value) or "—"
        return ("、" if lang == "zh" else ", ").join(render_value(v, lang, registries) for v in value) or "—"
    if isinstance(value, dict):
        if set(value) == {"not"}:
            inner = render_value(value["not"], lang, registries)
            return f"非 {inner}" if lang == "zh" else f"not {inner}"
        sep = "；" if lang == "zh" else "; "
        return sep.join(f"{k}={render_value(v, lang, registries)}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _template_fields(cc: CompiledClause, outcome: Outcome, registries: Registries, lang: str) -> dict[str, str]:
    spec = cc.rule.spec if cc.rule else {}
    list_name = str(spec.get("list", ""))
    fields = {
        "expected": render_value(outcome.expected, lang, registries, list_name),
        "actual": render_value(outcome.actual, lang, registries, list_name),
        "field": str(spec.get("field") or spec.get("list") or ", ".join(spec.get("fields", {}))),
        "unit": "",
        "gap": "",
    }
    pname = spec.get("parameter")
    if pname and pname in cc.clause.parameters:
        fields["unit"] = cc.clause.parameters[pname].unit
    e, a = outcome.expected, outcome.actual
    if isinstance(e, int | float) and isinstance(a, int | float) and not isinstance(a, bool):
        fields["gap"] = render_value(e - a, lang, registries)
    return fields


FIELD_LABELS = {
    "hall.area_m2": Text("大厅面积", "hall area"),
    "organization.approved_posts": Text("核定编制", "approved posts"),
}
UNIT_TEXT = {"m2": " m²"}
LIST_NOUNS = {
    "departments": Text("入驻部门", "resident departments"),
    "matters": Text("事项", "matters"),
    "organization.functions": Text("职能", "functions"),
}
MISSING_NOUNS = {  # kinds whose ``actual`` lists what is missing
    "all_resident": Text("入驻部门", "resident departments"),
    "catalogue_in_center": Text("必进事项", "mandatory matters"),
    "includes_all": Text("职能", "functions"),
}


def _number(value: float) -> str:
    """2400 → "2,400"; 12.5 → "12.5" (remediation arithmetic reads better with separators)."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _gap(cc: CompiledClause, outcome: Outcome, registries: Registries) -> Text | None:
    """Exactly what closes the gap of a failed numeric or list clause; None for other clauses."""
    spec = cc.rule.spec if cc.rule else {}
    kind = cc.rule.kind if cc.rule else ""
    e, a = outcome.expected, outcome.actual
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (e, a))
    if kind == "number_at_least" and numbers and e > a:
        pname = spec.get("parameter")
        unit = UNIT_TEXT.get(cc.clause.parameters[pname].unit, "") if pname in cc.clause.parameters else ""
        field = str(spec.get("field", ""))
        label = FIELD_LABELS.get(field, Text(field, field))
        was, need, plus = _number(a), _number(e), _number(e - a)
        return Text(
            f"{label.zh} {was}{unit} → 至少 {need}{unit}：+{plus}{unit}",
            f"{label.en} {was}{unit} → at least {need}{unit}: +{plus}{unit}",
        )
    if isinstance(a, list) and a:
        list_name = str(spec.get("list", ""))
        noun = LIST_NOUNS.get(list_name, Text("项目", "items"))
        zh, en = render_value(a, "zh", registries, list_name), render_value(a, "en", registries, list_name)
        if kind in MISSING_NOUNS:
            noun = MISSING_NOUNS[kind]
            return Text(f"缺少{noun.zh}（{len(a)}）：{zh}", f"missing {noun.en} ({len(a)}): {en}")
        return Text(f"需整改的{noun.zh}（{len(a)}）：{zh}", f"{noun.en} to put right ({len(a)}): {en}")
    return None


def _next_severity(cc: CompiledClause, tier: str, as_of: dt.date) -> dict[str, str] | None:
    """The first date after ``as_of`` on which the clause's dated severity changes (a transition's end)."""
    param = cc.clause.parameters.get("severity")
    if param is None:
        return None
    for day in param.dates():
        if day > as_of and cc.clause.severity_at(day, tier) != cc.severity:
            return {"date": day.isoformat(), "severity": cc.clause.severity_at(day, tier)}
    return None


def _fill(template: Text, cc: CompiledClause, outcome: Outcome, registries: Registries) -> Text:
    try:
        return Text(
            template.zh.format(**_template_fields(cc, outcome, registries, "zh")),
            template.en.format(**_template_fields(cc, outcome, registries, "en")),
        )
    except (KeyError, IndexError, ValueError):
        return template


def _locate(cc: CompiledClause, outcome: Outcome, facts: CenterFacts) -> Location:
    """The offending item, else the field the clause reads, else the center."""
    if outcome.items:
        return facts.item_location(outcome.items[0])
    data = facts.center.data
    for path in _static(cc).candidates:
        if value_at(data, path) is not NO_VALUE:
            return facts.location(path)
    return facts.root_location()


# ---------------------------------------------------------------- what does not depend on the center
#
# build_result runs for every clause of every center (≈ 20 per center, 641,000 centers). What it
# gives depends on the center only through the outcome (expected, actual, items), the center's
# places and its waiver; everything else is worked out once per compiled clause here.

_FILL_CACHE_SIZE = 4096


class _ClauseStatic:
    """Per compiled clause: the parts of its results no center changes."""

    __slots__ = ("candidates", "cc", "common", "field", "fills", "na", "next", "pass_message")

    def __init__(self, cc: CompiledClause) -> None:
        clause = cc.clause
        self.cc = cc  # kept alive: the cache is keyed by id(cc)
        self.common: dict[str, Any] = dict(
            clause=clause.id,
            section=clause.section,
            severity=Severity(cc.severity),
            title=clause.title,
            source=clause.source,
            text=clause.text,
            strength=clause.strength,
            tiers=tuple(clause.tiers),
        )
        self.pass_message = Text(f"符合：{clause.title.zh}", f"complies: {clause.title.en}")
        spec = cc.rule.spec if cc.rule else {}
        candidates = [] if spec.get("kind") == "all_items_where" else [spec.get("field")]
        candidates += [*(spec.get("fields") or {}), spec.get("list")]
        self.candidates = tuple(tuple(d.split(".")) for d in candidates if isinstance(d, str))  # paths _locate tries
        self.field = str(spec.get("field") or spec.get("list") or ", ".join(spec.get("fields", {})))
        self.next: dict[tuple[str, dt.date], tuple[dict[str, str] | None, object]] = {}
        self.na: dict[str, Any] | None = None
        # (id(registries), repr(expected), repr(actual)) → (registries, message, remediation, gap, token):
        # repr tells 1, 1.0 and True apart, which render_value does too
        self.fills: dict[tuple[int, str, str], tuple[Registries, Text, Text, Text | None, object]] = {}

    def not_applicable(self, why: Text) -> dict[str, Any]:
        """The fields of this clause's not_applicable result, ``location`` aside (made once)."""
        if self.na is None or self.na["message"] is not why:
            self.na = vars(
                Result(
                    status=Status.NOT_APPLICABLE,
                    expected=None,
                    actual=None,
                    message=why,
                    remediation=None,
                    location=None,
                    shape=object(),  # one per (clause, reason)
                    **self.common,
                )
            )
        return self.na

    def context(self, tier: str, as_of: dt.date) -> tuple[dict[str, str] | None, object]:
        """(next_severity, token) of a result for ``tier`` on ``as_of``: the token stands for both."""
        key = (tier, as_of)
        found = self.next.get(key)
        if found is None:
            found = self.next[key] = (_next_severity(self.cc, tier, as_of), object())
        ns = found[0]
        return (dict(ns) if ns is not None else None), found[1]  # each result its own dict, as before

    def filled(self, outcome: Outcome, registries: Registries) -> tuple[Text, Text, Text | None, object]:
        """(message, remediation, gap, token) of a fail, worked out once per (expected, actual)."""
        key = (id(registries), repr(outcome.expected), repr(outcome.actual))
        hit = self.fills.get(key)
        if hit is not None and hit[0] is registries:
            return hit[1], hit[2], hit[3], hit[4]
        cc = self.cc
        message = _fill(cc.clause.message, cc, outcome, registries)
        remediation = _fill(cc.clause.remediation, cc, outcome, registries)
        gap = _gap(cc, outcome, registries)
        if len(self.fills) >= _FILL_CACHE_SIZE:
            self.fills.clear()
        token = object()  # this fill's identity, for Result.shape
        self.fills[key] = (registries, message, remediation, gap, token)
        return message, remediation, gap, token


_STATICS: dict[int, _ClauseStatic] = {}
_STATUS_OF = {s.value: s for s in Status}
_new_result = object.__new__


def _static(cc: CompiledClause) -> _ClauseStatic:
    found = _STATICS.get(id(cc))
    if found is None or found.cc is not cc:
        found = _STATICS[id(cc)] = _ClauseStatic(cc)
    return found


def build_result(
    cc: CompiledClause,
    outcome: Outcome | None,
    facts: CenterFacts,
    registries: Registries,
    waiver: Waiver | None,
    as_of: dt.date,
) -> Result:
    static = _static(cc)
    if cc.not_applicable is not None:
        # the same result for every center but its place: a copy of the clause's, not a new one built
        result = _new_result(Result)
        result.__dict__.update(static.not_applicable(cc.not_applicable))
        result.location = facts.root_location()
        return result
    common = static.common
    next_severity, context = static.context(str(facts.center.tier), as_of)
    if cc.error is not None or outcome is None or outcome.status == "error":
        why = cc.error or Text(
            "规则引擎未给出确定结论" + (f"：{outcome.detail}" if outcome and outcome.detail else ""),
            "the rules engine gave no definite verdict" + (f": {outcome.detail}" if outcome and outcome.detail else ""),
        )
        return Result(
            status=Status.ERROR,
            expected=outcome.expected if outcome else None,
            actual=None,
            message=why,
            remediation=Text("请将此报告转交 hallmark 维护者", "report this to the hallmark maintainers"),
            location=facts.root_location(),
            next_severity=next_severity,
            **common,
        )
    status = _STATUS_OF[outcome.status]
    location = _locate(cc, outcome, facts)
    gap = None
    shape: Any = None
    if status == Status.PASS:
        message = static.pass_message
        remediation = None
        shape = context
    elif status == Status.NOT_DECLARED:
        what = static.field
        if outcome.actual:
            message = Text(
                f"{what} 中以下项目缺少所需字段：{render_value(outcome.actual, 'zh', registries)}",
                f"items of {what} lack a field this clause needs: {render_value(outcome.actual, 'en', registries)}",
            )
        elif outcome.detail == "empty":
            message = Text(f"{what} 中没有本条款适用的项目", f"{what} holds no item this clause applies to")
        else:
            message = Text(f"未申报 {what}", f"{what} is not declared")
        remediation = Text(f"在申报中补充 {what}", f"declare {what}")
    else:
        message, remediation, gap, token = static.filled(outcome, registries)
        if outcome.status != "fail":
            gap = None
        shape = (token, context, outcome.status)
    waiver_json = None
    if waiver is not None:
        shape = None
        expired = waiver.expires < as_of
        waiver_json = waiver.to_json(expired)
        if status in (Status.FAIL, Status.NOT_DECLARED):
            if expired:
                message = Text(
                    f"{message.zh}（豁免已于 {waiver.expires.isoformat()} 到期，不再有效）",
                    f"{message.en} (waiver expired on {waiver.expires.isoformat()}; no longer waives)",
                )
            else:
                status = Status.WAIVED
                message = Text(
                    f"{message.zh}（已豁免至 {waiver.expires.isoformat()}：{waiver.justification}，"
                    f"批准：{waiver.approved_by}）",
                    f"{message.en} (waived until {waiver.expires.isoformat()}: {waiver.justification}; "
                    f"approved by {waiver.approved_by})",
                )
    return Result(
        status=status,
        expected=outcome.expected,
        actual=outcome.actual,
        message=message,
        remediation=remediation,
        location=location,
        waiver=waiver_json,
        gap=gap,
        next_severity=next_severity,
        shape=shape,
        **common,
    )
