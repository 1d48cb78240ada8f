"""The closed vocabulary of rule kinds (like jsonschema's ``_keywords.py``).

A rule (``rules/<area>.yaml``) names a kind, the field or list it reads and the
parameter it compares with. Each kind does three things:

``check(spec)``      lint: the rule entry is well formed for this kind;
``compile(...)``     turn the rule, with parameter values resolved for one tier and
                     date, into *conditions*: flat conjunctions of atoms over one
                     fact, each tagged with what its match means (``pass``,
                     ``fail``, ``bad`` item, ``lack``-ing item, ``sat``-isfied
                     requirement …). The runner translates conditions to
                     durable_rules JSON; the reference evaluator reads them too;
``reduce(...)``      fold the tags that matched into one verdict for the clause.

Conditions are conjunctions only, never ``$or`` (durable_rules multiplies alpha
paths for OR and fails past 64; see design.md). Where a kind needs an OR it
emits one condition per alternative with the same tag.

Facts (built in ``engine/facts.py``): one ``center`` fact with its scalar fields
flattened (``hall.area_m2`` → ``hall__area_m2``), a ``<field>__order`` for ranks and
``<list>__n`` for each declared list; one fact per list item (``dep``, ``mat``,
``fun``) whose ``key`` is the normalised id.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from engine.standard import NO_VALUE, RANKS, Registries

# ---------------------------------------------------------------- the condition language

# An atom: (field, op, value). ops: eq neq lt lte gt gte ex nex gt_field
Atom = tuple[str, str, Any]
OPS = ("eq", "neq", "lt", "lte", "gt", "gte", "ex", "nex", "gt_field")

LIST_FACT_TYPE = {"departments": "dep", "matters": "mat", "organization.functions": "fun"}
ITEM_FIELDS = {
    "dep": ("key", "resident", "chief_representative", "window_authorization", "system_integration"),
    "mat": (
        "key",
        "type",
        "department",
        "department_resident",
        "in_center",
        "exempt",
        "handled_at",
        "online",
        "legal_days",
        "promised_days",
    ),
    "fun": ("key",),
}
SCALAR_FIELDS = (
    "tier",
    "population",
    "organization.nature",
    "organization.rank",
    "organization.staffing",
    "organization.approved_posts",
    "hall.area_m2",
    "hall.windows",
    "hall.one_window_acceptance",
    "platform.unified_platform",
    "platform.reaches_villages",
    "platform.e_supervision",
    "performance.egov_in_assessment",
    "performance.report_frequency",
)
RANK_FIELDS = ("organization.rank",)


def fact_field(dotted: str) -> str:
    return dotted.replace(".", "__")


def list_count_field(list_name: str) -> str:
    return fact_field(list_name) + "__n"


@dataclass(frozen=True)
class Condition:
    """One flat conjunction over one fact, and what its match means."""

    tag: str
    atoms: tuple[Atom, ...]

    def fact_type(self) -> str:
        return str(self.atoms[0][2])


def on(fact_type: str, *atoms: Atom, tag: str) -> Condition:
    return Condition(tag, (("t", "eq", fact_type), *atoms))


@dataclass(frozen=True)
class Outcome:
    """A kind's verdict for one clause, before the report dresses it."""

    status: str  # pass | fail | not_declared | error
    expected: Any
    actual: Any
    items: tuple[str, ...] = ()  # fact ids the verdict points at (offending / lacking items)
    detail: str = ""


@dataclass
class Compiled:
    expected: Any
    conditions: list[Condition] = field(default_factory=list)
    keys: tuple[str, ...] = ()  # requirement keys (coverage kinds)


class SpecError(ValueError):
    pass


# ---------------------------------------------------------------- kinds


class Kind:
    name: ClassVar[str]
    doc: ClassVar[str]
    allowed: ClassVar[frozenset[str]]
    required: ClassVar[frozenset[str]]

    def check(self, spec: dict[str, Any]) -> list[str]:
        errors = [f"missing '{k}'" for k in sorted(self.required - spec.keys())]
        errors += [f"unknown key '{k}' for kind {self.name}" for k in sorted(spec.keys() - self.allowed - {"kind"})]
        return errors

    def parameters(self, spec: dict[str, Any]) -> list[str]:
        return [spec["parameter"]] if "parameter" in spec else []

    def compile(self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries) -> Compiled:
        raise NotImplementedError

    def reduce(self, spec: dict[str, Any], compiled: Compiled, seen: Sequence[tuple[str, str]], center: Any) -> Outcome:
        raise NotImplementedError


def _scalar_conditions(
    f: str, pass_atoms: list[tuple[Atom, ...]], fail_atoms: list[tuple[Atom, ...]], j: int = 0
) -> list[Condition]:
    ff = fact_field(f)
    out = [on("center", *a, tag=f"pass:{j}") for a in pass_atoms]
    out += [on("center", *a, tag=f"fail:{j}") for a in fail_atoms]
    out.append(on("center", (ff, "nex", None), tag=f"nd:{j}"))
    return out


def _field_verdict(tags: set[str], j: int) -> str:
    hit = [s for s in ("pass", "fail", "nd") if f"{s}:{j}" in tags]
    if len(hit) != 1:
        return "error"
    return {"pass": "pass", "fail": "fail", "nd": "not_declared"}[hit[0]]


def _combine(statuses: list[str]) -> str:
    for s in ("error", "fail", "not_declared"):
        if s in statuses:
            return s
    return "pass"


class _Scalar(Kind):
    allowed = frozenset({"field", "parameter"})
    required = frozenset({"field", "parameter"})

    def atoms(self, ff: str, value: Any) -> tuple[list[tuple[Atom, ...]], list[tuple[Atom, ...]]]:
        raise NotImplementedError

    def check_value(self, value: Any) -> str | None:
        return None

    def compile(self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries) -> Compiled:
        value = values[spec["parameter"]]
        problem = self.check_value(value)
        if problem:
            raise SpecError(problem)
        passes, fails = self.atoms(fact_field(spec["field"]), value)
        return Compiled(self.expected(value), _scalar_conditions(spec["field"], passes, fails))

    def expected(self, value: Any) -> Any:
        return value

    def reduce(self, spec: dict[str, Any], compiled: Compiled, seen: Sequence[tuple[str, str]], center: Any) -> Outcome:
        status = _field_verdict({t for t, _ in seen}, 0)
        actual = center.get(spec["field"])
        return Outcome(status, compiled.expected, None if actual is NO_VALUE else actual)


class FieldIs(_Scalar):
    name = "field_is"
    doc = "The field equals the parameter's value (a rank, a nature, true …)."

    def check_value(self, value: Any) -> str | None:
        return None if isinstance(value, str | bool | int | float) else "field_is needs a scalar parameter"

    def atoms(self, ff: str, value: Any) -> tuple[list[tuple[Atom, ...]], list[tuple[Atom, ...]]]:
        return [((ff, "eq", value),)], [((ff, "ex", None), (ff, "neq", value))]


class NumberAtLeast(_Scalar):
    name = "number_at_least"
    doc = "The number in the field is at least the parameter's value (hall area, approved posts)."

    def check_value(self, value: Any) -> str | None:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "number_at_least needs a number parameter"

    def atoms(self, ff: str, value: Any) -> tuple[list[tuple[Atom, ...]], list[tuple[Atom, ...]]]:
        return [((ff, "gte", value),)], [((ff, "lt", value),)]


class EnumIn(_Scalar):
    name = "enum_in"
    doc = "The field is one of the values in the parameter's list."

    def check_value(self, value: Any) -> str | None:
        return None if isinstance(value, list) and value else "enum_in needs a non-empty list parameter"

    def atoms(self, ff: str, value: Any) -> tuple[list[tuple[Atom, ...]], list[tuple[Atom, ...]]]:
        return [((ff, "eq", v),) for v in value], [((ff, "ex", None), *((ff, "neq", v) for v in value))]

    def expected(self, value: Any) -> Any:
        return list(value)


class EnumNotIn(_Scalar):
    name = "enum_not_in"
    doc = "The field is declared and is none of the values in the parameter's list."

    def check_value(self, value: Any) -> str | None:
        return None if isinstance(value, list) and value else "enum_not_in needs a non-empty list parameter"

    def atoms(self, ff: str, value: Any) -> tuple[list[tuple[Atom, ...]], list[tuple[Atom, ...]]]:
        return [((ff, "ex", None), *((ff, "neq", v) for v in value))], [((ff, "eq", v),) for v in value]

    def expected(self, value: Any) -> Any:
        return {"not": list(value)}


class _Rank(_Scalar):
    op_pass: ClassVar[str]
    op_fail: ClassVar[str]

    def check_value(self, value: Any) -> str | None:
        return None if value in RANKS else f"{self.name} needs a rank, one of {', '.join(RANKS)}"

    def compile(self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries) -> Compiled:
        if spec["field"] not in RANK_FIELDS:
            raise SpecError(f"{self.name} reads a rank field: {', '.join(RANK_FIELDS)}")
        return super().compile({**spec, "field": spec["field"] + ".order"}, values, tier, registries)

    def atoms(self, ff: str, value: Any) -> tuple[list[tuple[Atom, ...]], list[tuple[Atom, ...]]]:
        order = RANKS.index(value)
        return [((ff, self.op_pass, order),)], [((ff, self.op_fail, order),)]

    def expected(self, value: Any) -> Any:
        return value


class RankAtMost(_Rank):
    name = "rank_at_most"
    doc = "The rank is no higher than the parameter's rank (none < unit < deputy_section < … < full_bureau)."
    op_pass, op_fail = "lte", "gt"


class RankAtLeast(_Rank):
    name = "rank_at_least"
    doc = "The rank is no lower than the parameter's rank."
    op_pass, op_fail = "gte", "lt"


class FieldsEqual(Kind):
    name = "fields_equal"
    doc = "Several fields each equal their parameter (nature and staffing together)."
    allowed = frozenset({"fields"})
    required = frozenset({"fields"})

    def check(self, spec: dict[str, Any]) -> list[str]:
        errors = super().check(spec)
        if not isinstance(spec.get("fields"), dict) or not spec.get("fields"):
            errors.append("'fields' maps each field to a parameter name")
        return errors

    def parameters(self, spec: dict[str, Any]) -> list[str]:
        return list(spec["fields"].values())

    def compile(self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries) -> Compiled:
        conditions: list[Condition] = []
        expected: dict[str, Any] = {}
        for j, (f, pname) in enumerate(spec["fields"].items()):
            v = values[pname]
            ff = fact_field(f)
            conditions += _scalar_conditions(f, [((ff, "eq", v),)], [((ff, "ex", None), (ff, "neq", v))], j)
            expected[f] = v
        return Compiled(expected, conditions)

    def reduce(self, spec: dict[str, Any], compiled: Compiled, seen: Sequence[tuple[str, str]], center: Any) -> Outcome:
        tags = {t for t, _ in seen}
        status = _combine([_field_verdict(tags, j) for j in range(len(spec["fields"]))])
        actual = {f: (None if center.get(f) is NO_VALUE else center.get(f)) for f in spec["fields"]}
        return Outcome(status, compiled.expected, actual)


def _lack_conditions(fact_type: str, fixed: tuple[Atom, ...], checks: list[Atom], tag: str) -> list[Condition]:
    """Items that hold every fixed atom, and for each non-empty subset of ``checks``
    lack those fields while holding the rest: "no contradiction, something undeclared"."""
    out = []
    for r in range(1, len(checks) + 1):
        for absent in itertools.combinations(range(len(checks)), r):
            atoms = [(checks[i][0], "nex", None) if i in absent else checks[i] for i in range(len(checks))]
            out.append(on(fact_type, *fixed, *atoms, tag=tag))
    return out


def _present(list_name: str) -> Condition:
    return on("center", (list_count_field(list_name), "ex", None), tag="present")


def _where_atoms(where: dict[str, Any]) -> tuple[list[Atom], list[Atom]]:
    """``where`` → (filters that must hold outright, checks whose absence means "not declared")."""
    filters: list[Atom] = []
    checks: list[Atom] = []
    for f, cond in where.items():
        name = "key" if f == "id" else f
        if isinstance(cond, dict) and cond.get("exists") is True:
            filters.append((name, "ex", None))
        else:
            checks.append((name, "eq", cond))
    return filters, checks


class AllItemsWhere(Kind):
    name = "all_items_where"
    doc = (
        "Every item of a list that matches ``where`` has ``field`` equal to the parameter "
        "(or, with ``at_most_field``, not above another field of the item). Any offending item → fail; "
        "else any item lacking a field the rule needs → not_declared; else pass. An empty list passes "
        "unless ``empty: not_declared``. ``catalogue_only`` keeps the matters of the tier's catalogue."
    )
    allowed = frozenset({"list", "where", "field", "parameter", "at_most_field", "empty", "catalogue_only"})
    required = frozenset({"list", "field"})

    def check(self, spec: dict[str, Any]) -> list[str]:
        errors = super().check(spec)
        if spec.get("list") not in ("departments", "matters"):
            errors.append("'list' is departments or matters")
            return errors
        if ("parameter" in spec) == ("at_most_field" in spec):
            errors.append("give exactly one of 'parameter' or 'at_most_field'")
        fields = ITEM_FIELDS[LIST_FACT_TYPE[spec["list"]]]
        for f in [spec.get("field"), spec.get("at_most_field"), *(spec.get("where") or {})]:
            if f is not None and f != "id" and f not in fields:
                errors.append(f"'{f}' is not a field of {spec['list']} items ({', '.join(fields)})")
        if spec.get("empty", "pass") not in ("pass", "not_declared"):
            errors.append("'empty' is pass or not_declared")
        if spec.get("catalogue_only") and spec["list"] != "matters":
            errors.append("'catalogue_only' applies to matters")
        return errors

    def compile(self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries) -> Compiled:
        ft = LIST_FACT_TYPE[spec["list"]]
        f = spec["field"]
        filters, checks = _where_atoms(spec.get("where") or {})
        if "at_most_field" in spec:
            other = spec["at_most_field"]
            bad_atoms: list[Atom] = [(f, "gt_field", other)]
            expected: Any = f"{f} ≤ {other}"
        else:
            value = values[spec["parameter"]]
            bad_atoms = [(f, "ex", None), (f, "neq", value)]
            expected = value
        scopes: list[tuple[Atom, ...]] = [()]
        if spec.get("catalogue_only"):
            scopes = [(("key", "eq", k),) for k in registries.catalogue(tier)]
        conditions = [_present(spec["list"])]
        for scope in scopes:
            base = (*scope, *filters)
            # in scope: every where-check holds; "bad": in scope and the field offends
            conditions.append(on(ft, *base, *checks, *bad_atoms, tag="bad"))
            if spec.get("empty") == "not_declared":  # only then does "nothing in scope" matter
                conditions.append(on(ft, *base, *checks, tag="sel"))
            # lacking: no where-check contradicted, and a where-field or the field itself undeclared
            conditions += _lack_conditions(ft, base, checks, tag="lack")
            if "at_most_field" not in spec:
                conditions.append(on(ft, *base, *checks, (f, "nex", None), tag="lack"))
        return Compiled(expected, conditions)

    def reduce(self, spec: dict[str, Any], compiled: Compiled, seen: Sequence[tuple[str, str]], center: Any) -> Outcome:
        tags = {t for t, _ in seen}
        bad = tuple(sorted({fid for t, fid in seen if t == "bad"}, key=_fact_order))
        lack = tuple(sorted({fid for t, fid in seen if t == "lack"} - set(bad), key=_fact_order))
        if "present" not in tags:
            return Outcome("not_declared", compiled.expected, None)
        if bad:
            return Outcome("fail", compiled.expected, [center.item_key(i) for i in bad], bad)
        if lack:
            return Outcome("not_declared", compiled.expected, [center.item_key(i) for i in lack], lack)
        if spec.get("empty") == "not_declared" and "sel" not in tags:
            return Outcome("not_declared", compiled.expected, [], detail="empty")
        return Outcome("pass", compiled.expected, [])


def _fact_order(fid: str) -> tuple[str, int]:
    kind, _, idx = fid.partition(":")
    return (kind, int(idx) if idx.isdigit() else -1)


class _Coverage(Kind):
    """Every required key has an item that satisfies the requirement."""

    def requirements(
        self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries
    ) -> list[tuple[str, list[Atom]]]:
        raise NotImplementedError

    def compile(self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries) -> Compiled:
        ft = LIST_FACT_TYPE[spec["list"]]
        conditions = [_present(spec["list"])]
        reqs = self.requirements(spec, values, tier, registries)
        for key, checks in reqs:
            conditions.append(on(ft, ("key", "eq", key), *checks, tag=f"sat:{key}"))
            conditions += _lack_conditions(ft, (("key", "eq", key),), checks, tag=f"lack:{key}")
        keys = tuple(k for k, _ in reqs)
        return Compiled(list(keys), conditions, keys)

    def reduce(self, spec: dict[str, Any], compiled: Compiled, seen: Sequence[tuple[str, str]], center: Any) -> Outcome:
        tags = {t for t, _ in seen}
        if not compiled.keys:
            # nothing is required of this tier (P-DEP-01 at village): it passes, list or no list (norms.md)
            return Outcome("pass", compiled.expected, [])
        if "present" not in tags:
            return Outcome("not_declared", compiled.expected, None)
        missing = [k for k in compiled.keys if f"sat:{k}" not in tags]
        hard = [k for k in missing if f"lack:{k}" not in tags]
        if hard:
            return Outcome("fail", compiled.expected, hard)
        if missing:
            lacking = tuple(sorted({fid for t, fid in seen if t.startswith("lack:")}, key=_fact_order))
            return Outcome("not_declared", compiled.expected, missing, lacking)
        return Outcome("pass", compiled.expected, [])


class _ListParameter(_Coverage):
    """The requirement keys are the parameter's list; each key needs an item holding ``checks``."""

    allowed = frozenset({"list", "parameter"})
    required = frozenset({"list", "parameter"})
    checks: ClassVar[list[Atom]] = []

    def requirements(
        self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries
    ) -> list[tuple[str, list[Atom]]]:
        keys = values[spec["parameter"]]
        if not isinstance(keys, list):
            raise SpecError(f"{self.name} needs a list parameter")
        return [(k, list(self.checks)) for k in keys]


class AllResident(_ListParameter):
    name = "all_resident"
    doc = "Every department in the parameter's list is listed with resident: true (an empty list passes)."
    checks: ClassVar[list[Atom]] = [("resident", "eq", True)]


class IncludesAll(_ListParameter):
    name = "includes_all"
    doc = "The list field (e.g. organization.functions) includes every value in the parameter's list."


class CatalogueInCenter(_Coverage):
    name = "catalogue_in_center"
    doc = (
        "Every matter of the standard's catalogue (registries.matters) for the center's tier is declared, "
        "in_center, and owned by its catalogue department."
    )
    allowed = frozenset({"list"})
    required = frozenset({"list"})

    def requirements(
        self, spec: dict[str, Any], values: dict[str, Any], tier: str, registries: Registries
    ) -> list[tuple[str, list[Atom]]]:
        return [
            (k, [("in_center", "eq", True), ("department", "eq", registries.matters[k]["department"])])
            for k in registries.catalogue(tier)
        ]


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        FieldIs(),
        NumberAtLeast(),
        EnumIn(),
        EnumNotIn(),
        RankAtMost(),
        RankAtLeast(),
        FieldsEqual(),
        AllItemsWhere(),
        AllResident(),
        IncludesAll(),
        CatalogueInCenter(),
    )
}
