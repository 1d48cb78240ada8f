"""Each rule kind: its compiled conditions, their durable_rules translation, and its reduction.

Every case runs the same compiled conditions through durable_rules (in process) and
through the python evaluator, and checks both reach the expected verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from engine import pyeval
from engine.compiler import CompiledClause, CompiledRuleset, atoms_to_durable
from engine.kinds import KINDS, Compiled, SpecError
from engine.runner import DurableEvaluator
from engine.standard import NO_VALUE, Registries

REGISTRIES = Registries(
    departments={"water": {"zh": "水务局", "aliases": ["水利局"]}, "civil_affairs": {"zh": "民政局"}},
    matters={
        "water_intake_permit": {
            "zh": "取水许可",
            "department": "water",
            "type": "administrative_licensing",
            "tiers": ["county"],
        },
        "minimum_living_allowance": {
            "zh": "低保",
            "department": "civil_affairs",
            "type": "administrative_payment",
            "tiers": ["township"],
        },
    },
)


@dataclass
class FakeFacts:
    """What a kind's reduce() reads: declared values and item keys."""

    data: dict[str, Any]
    keys: dict[str, str] = field(default_factory=dict)

    def get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return NO_VALUE
            node = node[part]
        return node

    def item_key(self, fid: str) -> str:
        return self.keys[fid]


_DURABLE: DurableEvaluator | None = None


def durable() -> DurableEvaluator:
    global _DURABLE
    if _DURABLE is None:
        _DURABLE = DurableEvaluator()
    return _DURABLE


def run(
    kind: str,
    spec: dict[str, Any],
    values: dict[str, Any],
    facts: list[dict[str, Any]],
    data: dict[str, Any] | None = None,
    tier: str = "county",
) -> tuple[str, Any]:
    compiled = KINDS[kind].compile({"kind": kind, **spec}, values, tier, REGISTRIES)
    keys = {f["id"]: f.get("key", "") for f in facts}
    verdicts = []
    for engine in ("durable", "python"):
        if engine == "durable":
            rs = _ruleset(compiled)
            ev = durable()
            ev.register(rs.name, rs.durable_definition())
            matches = ev.evaluate(rs.name, facts)
            index = {name: cond.tag for name, cond in rs.conditions()}
        else:
            rs = _ruleset(compiled)
            matches = pyeval.evaluate(rs, facts)
            index = {name: cond.tag for name, cond in rs.conditions()}
        seen = [(index[name], fid) for name, fid in matches]
        out = KINDS[kind].reduce(spec, compiled, seen, FakeFacts(data or {}, keys))
        verdicts.append((out.status, out.actual))
    assert verdicts[0] == verdicts[1], f"durable {verdicts[0]} != python {verdicts[1]}"
    return verdicts[0]


_COUNTER = [0]


def _ruleset(compiled: Compiled) -> CompiledRuleset:
    from engine.standard import Clause, Source
    from engine.text import Text

    t = Text("t", "t")
    clause = Clause(
        "P-HAL-01",
        "x",
        "hall",
        t,
        t,
        t,
        "应",
        ("county",),
        dt.date(2017, 1, 1),
        Source("d", "", "q", "seed"),
        t,
        t,
        {},
        None,
    )  # type: ignore[arg-type]
    cc = CompiledClause(clause, "error", compiled=compiled)
    rs = CompiledRuleset("", None, "county", dt.date(2019, 1, 1), [cc])  # type: ignore[arg-type]
    import hashlib
    import json

    rs.name = "t_" + hashlib.sha256(json.dumps(rs.durable_definition(), sort_keys=True).encode()).hexdigest()[:20]
    return rs


def center(**fields: Any) -> dict[str, Any]:
    return {"id": "center", "t": "center", **fields}


# ---------------------------------------------------------------- scalar kinds


@pytest.mark.parametrize(
    ("fact", "status"),
    [
        (center(hall__area_m2=3000), "pass"),
        (center(hall__area_m2=2999.5), "fail"),
        (center(), "not_declared"),
        (center(hall__area_m2=10000), "pass"),
    ],
)
def test_number_at_least(fact: dict[str, Any], status: str) -> None:
    assert run("number_at_least", {"field": "hall.area_m2", "parameter": "min"}, {"min": 3000}, [fact])[0] == status


@pytest.mark.parametrize(
    ("fact", "status"),
    [
        (center(organization__rank="full_section"), "pass"),
        (center(organization__rank="deputy_section"), "fail"),
        (center(), "not_declared"),
    ],
)
def test_field_is(fact: dict[str, Any], status: str) -> None:
    assert (
        run("field_is", {"field": "organization.rank", "parameter": "rank"}, {"rank": "full_section"}, [fact])[0]
        == status
    )


def test_field_is_boolean_false_is_a_fail_not_absent() -> None:
    spec = {"field": "hall.one_window_acceptance", "parameter": "required"}
    assert run("field_is", spec, {"required": True}, [center(hall__one_window_acceptance=False)])[0] == "fail"
    assert run("field_is", spec, {"required": True}, [center(hall__one_window_acceptance=True)])[0] == "pass"


@pytest.mark.parametrize(
    ("value", "status"), [("monthly", "pass"), ("quarterly", "pass"), ("yearly", "fail"), (None, "not_declared")]
)
def test_enum_in(value: str | None, status: str) -> None:
    fact = center() if value is None else center(performance__report_frequency=value)
    spec = {"field": "performance.report_frequency", "parameter": "f"}
    assert run("enum_in", spec, {"f": ["monthly", "quarterly"]}, [fact])[0] == status


@pytest.mark.parametrize(
    ("value", "status"), [("integrated", "pass"), ("separate_entry", "pass"), ("none", "fail"), (None, "not_declared")]
)
def test_enum_not_in(value: str | None, status: str) -> None:
    fact = center() if value is None else center(platform__e_supervision=value)
    assert (
        run("enum_not_in", {"field": "platform.e_supervision", "parameter": "f"}, {"f": ["none"]}, [fact])[0] == status
    )


@pytest.mark.parametrize(
    ("rank", "order", "status"),
    [("deputy_section", 2, "pass"), ("unit", 1, "pass"), ("full_section", 3, "fail"), ("full_bureau", 7, "fail")],
)
def test_rank_at_most(rank: str, order: int, status: str) -> None:
    fact = center(organization__rank=rank, organization__rank__order=order)
    spec = {"field": "organization.rank", "parameter": "max"}
    assert run("rank_at_most", spec, {"max": "deputy_section"}, [fact])[0] == status
    assert run("rank_at_least", spec, {"max": "full_section"}, [fact])[0] == ("pass" if order >= 3 else "fail")


def test_rank_kinds_refuse_a_value_that_is_not_a_rank() -> None:
    with pytest.raises(SpecError):
        KINDS["rank_at_most"].compile(
            {"kind": "rank_at_most", "field": "organization.rank", "parameter": "m"},
            {"m": "colonel"},
            "county",
            REGISTRIES,
        )


def test_fields_equal_fail_wins_over_not_declared() -> None:
    spec = {"fields": {"organization.nature": "n", "organization.staffing": "s"}}
    values = {"n": "administrative_organ", "s": "administrative"}
    both = center(organization__nature="administrative_organ", organization__staffing="administrative")
    assert run("fields_equal", spec, values, [both])[0] == "pass"
    assert run("fields_equal", spec, values, [center(organization__nature="public_institution")])[0] == "fail"
    assert run("fields_equal", spec, values, [center(organization__nature="administrative_organ")])[0] == "not_declared"


# ---------------------------------------------------------------- list kinds

DEP_SPEC = {"list": "departments", "where": {"resident": True}, "field": "window_authorization", "parameter": "auth"}


def dep(i: int, key: str, **fields: Any) -> dict[str, Any]:
    return {"id": f"dep:{i}", "t": "dep", "key": key, **fields}


def test_all_items_where_reports_offending_items_in_order() -> None:
    facts = [
        dep(0, "water", resident=True, window_authorization="partial"),
        dep(1, "civil_affairs", resident=False, window_authorization="none"),
        dep(2, "health", resident=True, window_authorization="none"),
        center(departments__n=3),
    ]
    assert run("all_items_where", DEP_SPEC, {"auth": "full"}, facts) == ("fail", ["water", "health"])


def test_all_items_where_lacking_field_is_not_declared_unless_something_offends() -> None:
    lacking = [dep(0, "water", resident=True), center(departments__n=1)]
    assert run("all_items_where", DEP_SPEC, {"auth": "full"}, lacking) == ("not_declared", ["water"])
    unknown_scope = [dep(0, "water", window_authorization="partial"), center(departments__n=1)]
    assert run("all_items_where", DEP_SPEC, {"auth": "full"}, unknown_scope)[0] == "not_declared"
    both = [*lacking[:1], dep(1, "health", resident=True, window_authorization="none"), center(departments__n=2)]
    assert run("all_items_where", DEP_SPEC, {"auth": "full"}, both) == ("fail", ["health"])


def test_all_items_where_empty_list_passes_and_absent_list_is_not_declared() -> None:
    assert run("all_items_where", DEP_SPEC, {"auth": "full"}, [center(departments__n=0)]) == ("pass", [])
    assert run("all_items_where", DEP_SPEC, {"auth": "full"}, [center()]) == ("not_declared", None)


def test_all_items_where_at_most_field_and_empty_not_declared() -> None:
    spec = {
        "list": "matters",
        "where": {"legal_days": {"exists": True}, "promised_days": {"exists": True}},
        "field": "promised_days",
        "at_most_field": "legal_days",
        "empty": "not_declared",
    }

    def mat(i: int, **f: Any) -> dict[str, Any]:
        return {"id": f"mat:{i}", "t": "mat", "key": f"m{i}", **f}

    assert run("all_items_where", spec, {}, [mat(0, legal_days=20, promised_days=20), center(matters__n=1)]) == (
        "pass",
        [],
    )
    assert run("all_items_where", spec, {}, [mat(0, legal_days=20, promised_days=21), center(matters__n=1)]) == (
        "fail",
        ["m0"],
    )
    assert run("all_items_where", spec, {}, [mat(0, legal_days=20), center(matters__n=1)])[0] == "not_declared"


def test_all_items_where_catalogue_only_looks_at_the_tier_catalogue() -> None:
    spec = {"list": "matters", "catalogue_only": True, "field": "online", "parameter": "req", "empty": "not_declared"}
    facts = [
        {"id": "mat:0", "t": "mat", "key": "local-1", "online": False},
        {"id": "mat:1", "t": "mat", "key": "water_intake_permit", "online": False},
        center(matters__n=2),
    ]
    assert run("all_items_where", spec, {"req": True}, facts) == ("fail", ["water_intake_permit"])
    assert run("all_items_where", spec, {"req": True}, [*facts[:1], center(matters__n=1)])[0] == "not_declared"


def test_all_resident_lists_missing_departments() -> None:
    spec = {"list": "departments", "parameter": "m"}
    facts = [dep(0, "water", resident=True), dep(1, "health", resident=False), center(departments__n=2)]
    assert run("all_resident", spec, {"m": ["water", "health", "civil_affairs"]}, facts) == (
        "fail",
        ["health", "civil_affairs"],
    )
    assert run("all_resident", spec, {"m": []}, [center(departments__n=0)]) == ("pass", [])
    assert run("all_resident", spec, {"m": ["water"]}, [dep(0, "water"), center(departments__n=1)])[0] == "not_declared"


def test_includes_all_functions() -> None:
    spec = {"list": "organization.functions", "parameter": "f"}
    facts = [{"id": "fun:0", "t": "fun", "key": "coordination"}, center(organization__functions__n=1)]
    assert run("includes_all", spec, {"f": ["coordination", "guidance"]}, facts) == ("fail", ["guidance"])
    assert run("includes_all", spec, {"f": ["coordination"]}, facts) == ("pass", [])
    assert run("includes_all", spec, {"f": ["coordination"]}, [center()])[0] == "not_declared"


def test_catalogue_in_center_needs_in_center_and_the_catalogue_department() -> None:
    spec = {"list": "matters"}

    def mat(**f: Any) -> dict[str, Any]:
        return {"id": "mat:0", "t": "mat", "key": "water_intake_permit", **f}

    ok = [mat(in_center=True, department="water"), center(matters__n=1)]
    assert run("catalogue_in_center", spec, {}, ok) == ("pass", [])
    wrong_dept = [mat(in_center=True, department="civil_affairs"), center(matters__n=1)]
    assert run("catalogue_in_center", spec, {}, wrong_dept) == ("fail", ["water_intake_permit"])
    outside = [mat(in_center=False, department="water"), center(matters__n=1)]
    assert run("catalogue_in_center", spec, {}, outside)[0] == "fail"
    unknown = [mat(department="water"), center(matters__n=1)]
    assert run("catalogue_in_center", spec, {}, unknown)[0] == "not_declared"
    assert run("catalogue_in_center", spec, {}, [center(matters__n=0)]) == ("fail", ["water_intake_permit"])


# ---------------------------------------------------------------- translation and vocabulary


def test_conditions_are_flat_conjunctions_without_or() -> None:
    compiled = KINDS["enum_in"].compile(
        {"kind": "enum_in", "field": "performance.report_frequency", "parameter": "f"},
        {"f": ["monthly", "quarterly"]},
        "county",
        REGISTRIES,
    )
    for cond in compiled.conditions:
        durable_json = atoms_to_durable(cond.atoms)
        assert "$or" not in str(durable_json)
        if "$and" in durable_json:
            assert all("$and" not in str(part) for part in durable_json["$and"])


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_is_documented_and_checks_its_spec(name: str) -> None:
    kind = KINDS[name]
    assert kind.doc and len(kind.doc) > 20
    assert kind.check({"kind": name, "bogus": 1})  # an unknown key is reported
