"""``hallmark standards conflicts A B`` and lint's ``loosens_parent``: reasoning over requirements.

Each clause, for one tier on one day, is turned into *requirements* from its rule
kind and parameter values (never from its wording):

- on a center field — the set of values it allows (``Domain``): ``field_is v`` → {v};
  ``rank_at_most r`` → the ranks up to r; ``number_at_least n`` → [n, ∞);
  ``enum_in``/``enum_not_in`` → the listed values / all the others; ``fields_equal``
  → one requirement per field. Finite universes (enums, ranks, booleans) come from
  the center schema;
- on the items of a list — ``all_items_where``: every item matching ``where`` has
  ``field`` in {v};
- coverage kinds (``all_resident``, ``includes_all``, ``catalogue_in_center``) — items
  that must exist, with the values they must hold (*forced items*).

Two clauses conflict on a tier when no center of that tier can satisfy both on some
day: two requirements on one field with an empty intersection; or two item
requirements on one list field whose ``where`` can select the same item, with
disjoint values, when a forced item (of either side) falls under both. Item
requirements with disjoint values but no forced item are reported as *conditional*
(satisfiable only while no such item exists) and do not fail the command.

``conflicts(A, B)`` compares A's clauses with B's — A's own clauses only when A
extends B — and puts on B's side every clause of a bundled standard whose
``source.document`` is B's document number (a standard may encode a document's
requirement: sjz-proposed P-ORG-02 quotes 中办发〔2011〕22号), saying so.

``loosening_problems(std)``: a standard that extends another may only tighten it. A
clause of its own that reads a field a parent clause reads, and allows a value the
parent clause forbids, is ``loosens_parent`` (a lower minimum, a superset enum, a
shorter mandatory list); disjoint with a parent clause of another id (both apply,
no center can satisfy them) it is ``conflicts_parent``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import InputError, Location, Problem
from engine.handbook import field_info, field_label, value_zh
from engine.kinds import KINDS, RANK_FIELDS, SpecError
from engine.rulebook import Rulebook, load_rulebook
from engine.standard import NO_VALUE, RANKS, TIERS, Clause, Standard, iter_bundled, load_standard
from engine.text import Text

INF = float("inf")

# ---------------------------------------------------------------- domains


@dataclass(frozen=True)
class Domain:
    """The values a requirement allows: a finite set, a numeric range, or all but a finite set."""

    kind: str  # set | range | not
    values: frozenset[Any] = frozenset()
    lo: float = -INF
    hi: float = INF

    @staticmethod
    def of(values: Iterable[Any], universe: frozenset[Any] | None = None) -> Domain:
        return Domain("set", frozenset(values))

    @staticmethod
    def excluding(values: Iterable[Any], universe: frozenset[Any] | None) -> Domain:
        if universe is not None:
            return Domain("set", universe - frozenset(values))
        return Domain("not", frozenset(values))

    def is_empty(self) -> bool:
        if self.kind == "set":
            return not self.values
        if self.kind == "range":
            return self.lo > self.hi
        return False

    def _in_range(self, v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool) and self.lo <= v <= self.hi

    def intersect(self, other: Domain) -> Domain:
        a, b = (self, other) if _ORDER[self.kind] <= _ORDER[other.kind] else (other, self)
        if a.kind == "set" and b.kind == "set":
            return Domain("set", a.values & b.values)
        if a.kind == "set" and b.kind == "range":
            return Domain("set", frozenset(v for v in a.values if b._in_range(v)))
        if a.kind == "set" and b.kind == "not":
            return Domain("set", a.values - b.values)
        if a.kind == "range" and b.kind == "range":
            return Domain("range", lo=max(a.lo, b.lo), hi=min(a.hi, b.hi))
        if a.kind == "range" and b.kind == "not":
            if a.lo == a.hi and a.lo in b.values:
                return Domain("set", frozenset())
            return a
        return Domain("not", a.values | b.values)

    def subset_of(self, other: Domain) -> bool:
        if self.is_empty():
            return True
        if self.kind == "set":
            if other.kind == "set":
                return self.values <= other.values
            if other.kind == "range":
                return all(other._in_range(v) for v in self.values)
            return not (self.values & other.values)
        if self.kind == "range":
            if other.kind == "range":
                return self.lo >= other.lo and self.hi <= other.hi
            if other.kind == "not":
                return not any(self._in_range(v) for v in other.values)
            return self.lo == self.hi and self.lo in other.values
        return other.kind == "not" and self.values >= other.values

    def describe(self, field: str, lang: str = "zh") -> str:
        zh = lang == "zh"
        if self.kind == "set":
            if not self.values:
                return "（无）" if zh else "(nothing)"
            vals = sorted(self.values, key=_sort_key(field))
            if zh:
                return "、".join(f"{value_zh(v, field)}" for v in vals) + f"（{', '.join(map(_raw, vals))}）"
            return ", ".join(map(_raw, vals))
        if self.kind == "range":
            lo = _num(self.lo)
            if self.hi == INF:
                return f"≥ {lo}"
            return f"{lo} .. {_num(self.hi)}" if self.lo != self.hi else lo
        vals = sorted(self.values, key=_sort_key(field))
        return ("非 " if zh else "not ") + ("、" if zh else ", ").join(
            value_zh(v, field) if zh else _raw(v) for v in vals
        )

    def to_json(self) -> dict[str, Any]:
        if self.kind == "range":
            return {"min": None if self.lo == -INF else self.lo, "max": None if self.hi == INF else self.hi}
        key = "one_of" if self.kind == "set" else "none_of"
        return {key: sorted(self.values, key=_raw)}


_ORDER = {"set": 0, "range": 1, "not": 2}


def _raw(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return _num(v) if isinstance(v, float) else str(v)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _sort_key(field: str) -> Any:
    if field in RANK_FIELDS:
        return lambda v: RANKS.index(v) if v in RANKS else -1
    return _raw


def _universe(field: str) -> frozenset[Any] | None:
    if field in RANK_FIELDS:
        return frozenset(RANKS)
    info = field_info(field)
    return info.universe() if info else None


# ---------------------------------------------------------------- requirements of a clause


@dataclass(frozen=True)
class Requirement:
    """What a clause demands of a center of one tier on one day, on one field or list field."""

    clause: Clause
    side: str  # the standard whose side it is on
    via: str  # the citing standard and clause ("sjz-proposed P-ORG-02") when it stands for a cited document
    tier: str
    day: dt.date
    target: str  # "field" | "items" | "forced"
    field: str  # dotted center field; for items "departments.window_authorization"
    domain: Domain | None = None
    where: tuple[tuple[str, Any], ...] = ()  # items: the where-checks (field, value); ("key", frozenset) for scopes
    forced: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()  # forced items: (key, ((field, value), …))
    kind: str = ""
    parameters: tuple[tuple[str, Any], ...] = ()


def _values(clause: Clause, names: Sequence[str], tier: str, day: dt.date) -> dict[str, Any] | None:
    out = {}
    for name in names:
        param = clause.parameters.get(name)
        if param is None:
            return None
        value = param.value_at(day, tier)
        if value is NO_VALUE:
            return None
        out[name] = value
    return out


def requirements(
    clause: Clause, rulebook: Rulebook, standard: Standard, tier: str, day: dt.date, side: str = "", via: str = ""
) -> list[Requirement]:
    """The requirements ``clause`` places on a ``tier`` center on ``day`` (empty when it does not apply)."""
    if tier not in clause.tiers or day < clause.in_force_from:
        return []
    rule = rulebook.get(clause.id)
    if rule is None or rule.kind not in KINDS:
        return []
    kind = KINDS[rule.kind]
    spec = rule.spec
    values = _values(clause, kind.parameters(spec), tier, day)
    if values is None:
        return []
    try:  # a malformed rule or a wrong-typed value is lint's wrong_parameter_type, not a requirement
        kind.compile(spec, values, tier, standard.registries)
    except (SpecError, KeyError, TypeError, ValueError):
        return []
    base = dict(clause=clause, side=side or clause.standard_id, via=via, tier=tier, day=day, kind=rule.kind)
    params = tuple(sorted((k, _hashable(v)) for k, v in values.items()))
    name = rule.kind
    out: list[Requirement] = []
    if name in ("field_is", "number_at_least", "enum_in", "enum_not_in", "rank_at_most", "rank_at_least"):
        f = spec["field"]
        v = values[spec["parameter"]]
        dom = _scalar_domain(name, f, v)
        if dom is not None:
            out.append(Requirement(**base, target="field", field=f, domain=dom, parameters=params))  # type: ignore[arg-type]
    elif name == "fields_equal":
        for f, pname in spec["fields"].items():
            out.append(
                Requirement(**base, target="field", field=f, domain=Domain.of([values[pname]]), parameters=params)  # type: ignore[arg-type]
            )
    elif name == "all_items_where" and "parameter" in spec:
        lst, f = spec["list"], spec["field"]
        where: list[tuple[str, Any]] = []
        for wf, cond in (spec.get("where") or {}).items():
            if isinstance(cond, dict):
                where.append(("exists:" + wf, True))
            else:
                where.append(("key" if wf == "id" else wf, cond))
        if spec.get("catalogue_only"):
            where.append(("key", frozenset(standard.registries.catalogue(tier))))
        out.append(
            Requirement(
                **base,  # type: ignore[arg-type]
                target="items",
                field=f"{lst}.{f}",
                domain=Domain.of([_hashable(values[spec["parameter"]])]),
                where=tuple(where),
                parameters=params,
            )
        )
    elif name in ("all_resident", "includes_all", "catalogue_in_center"):
        try:
            reqs = kind.requirements(spec, values, tier, standard.registries)  # type: ignore[attr-defined]
        except (SpecError, KeyError, TypeError):
            return []
        forced = tuple((k, tuple((a[0], a[2]) for a in atoms if a[1] == "eq")) for k, atoms in reqs)
        out.append(
            Requirement(**base, target="forced", field=spec["list"], forced=forced, parameters=params)  # type: ignore[arg-type]
        )
    return out


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _hashable(x)) for k, x in v.items()))
    return v


def _scalar_domain(kind: str, f: str, v: Any) -> Domain | None:
    universe = _universe(f)
    if kind == "field_is":
        if isinstance(v, int | float) and not isinstance(v, bool):
            return Domain("range", lo=float(v), hi=float(v))
        return Domain.of([v])
    if kind == "number_at_least":
        return Domain("range", lo=float(v))
    if kind == "enum_in":
        return Domain.of(v)
    if kind == "enum_not_in":
        return Domain.excluding(v, universe)
    if kind in ("rank_at_most", "rank_at_least") and v in RANKS:
        i = RANKS.index(v)
        return Domain.of(RANKS[: i + 1] if kind == "rank_at_most" else RANKS[i:])
    return None


# ---------------------------------------------------------------- pairs


def _where_compatible(a: Requirement, b: Requirement) -> bool:
    da = dict(_plain_where(a))
    for k, v in _plain_where(b):
        if k in da and da[k] != v:
            return False
    for ra in (a, b):
        for k, v in ra.where:
            if k == "key" and isinstance(v, frozenset):
                other = b if ra is a else a
                for k2, v2 in other.where:
                    if k2 == "key" and isinstance(v2, frozenset) and not (v & v2):
                        return False
    return True


def _plain_where(r: Requirement) -> list[tuple[str, Any]]:
    return [(k, v) for k, v in r.where if not isinstance(v, frozenset) and not k.startswith("exists:")]


def _forced_under(forced: Requirement, a: Requirement, b: Requirement) -> list[str]:
    """Keys of forced items that fall under both ``a``'s and ``b``'s where (the list must hold them)."""
    lst = a.field.split(".")[0]
    if forced.field != lst:
        return []
    out = []
    for key, atoms in forced.forced:
        have = dict(atoms)
        ok = True
        for r in (a, b):
            for k, v in r.where:
                if k == "key":
                    ok &= (key in v) if isinstance(v, frozenset) else key == v
                elif k.startswith("exists:"):
                    ok &= k.split(":", 1)[1] in have
                else:
                    ok &= have.get(k) == v
        if ok:
            out.append(key)
    return out


@dataclass
class Conflict:
    tier: str
    a: Requirement
    b: Requirement
    fields: list[str]
    since: dt.date
    until: dt.date | None  # the first checked day it no longer holds
    hard: bool
    forced_by: list[tuple[Requirement, list[str]]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.tier, self.a.clause.id, self.b.clause.id, self.b.via)

    def to_json(self) -> dict[str, Any]:
        def side(r: Requirement) -> dict[str, Any]:
            via = r.via.split() if r.via else None
            return {
                "standard": r.side,
                "clause": r.clause.id,
                "defined_in": r.clause.standard_id,
                "cited_by": {"standard": via[0], "clause": via[1]} if via else None,
                "title": r.clause.title.to_json(),
                "kind": r.kind,
                "parameters": {k: _jsonable(v) for k, v in r.parameters},
                "in_force_from": r.clause.in_force_from.isoformat(),
                "source": r.clause.source.to_json(),
            }

        return {
            "tier": self.tier,
            "hard": self.hard,
            "fields": self.fields,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "a": side(self.a),
            "b": side(self.b),
            "forced_by": [{"clause": r.clause.id, "items": keys} for r, keys in self.forced_by],
        }


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    return v


def _pair_conflict(
    a: list[Requirement], b: list[Requirement], forced: list[Requirement]
) -> tuple[bool, list[str], list]:  # type: ignore[type-arg]
    """(hard?, conflicting fields, forced items) for two clauses' requirements on one tier and day."""
    fields: list[str] = []
    hard = False
    forcing: list[tuple[Requirement, list[str]]] = []
    for ra in a:
        for rb in b:
            if ra.target != rb.target or ra.field != rb.field or ra.target == "forced":
                continue
            assert ra.domain is not None and rb.domain is not None
            if not ra.domain.intersect(rb.domain).is_empty():
                continue
            if ra.target == "field":
                fields.append(ra.field)
                hard = True
            elif _where_compatible(ra, rb):
                fields.append(ra.field)
                for fr in forced:
                    keys = _forced_under(fr, ra, rb)
                    if keys:
                        forcing.append((fr, keys))
                        hard = True
    return hard, list(dict.fromkeys(fields)), forcing


def _check_days(clauses: Sequence[Clause], as_of: dt.date | None) -> list[dt.date]:
    if as_of is not None:
        return [as_of]
    start = max(c.in_force_from for c in clauses)
    days = {start}
    for c in clauses:
        for p in c.parameters.values():
            days |= {d for d in p.dates() if d > start}
    return sorted(days)


@dataclass
class Side:
    standard: Standard
    entries: list[tuple[Clause, Standard, str]]  # (clause, standard whose registries it reads, via)


def _sides(a: Standard, b: Standard, bundled: Sequence[Standard]) -> tuple[Side, Side]:
    a_clauses = a.own_clauses if b.id in a.extends else a.clauses
    b_clauses = b.own_clauses if a.id in b.extends else b.clauses
    side_a = Side(a, [(c, a, "") for c in a_clauses])
    side_b = Side(b, [(c, b, "") for c in b_clauses])
    for side, other in ((side_a, side_b), (side_b, side_a)):
        number = str(side.standard.document.get("number") or "")
        if not number:
            continue
        # a clause already on either side is not added again (sjz-proposed vs cn-2011-22: P-ORG-02 is A's own)
        have = {c.id for c, _, _ in side.entries} | {c.id for c, _, _ in other.entries}
        for std in bundled:
            for c in std.own_clauses:
                if c.source.document == number and c.id not in have:
                    side.entries.append((c, std, f"{std.id} {c.id}"))
                    have.add(c.id)
    return side_a, side_b


@dataclass
class ConflictReport:
    a: Standard
    b: Standard
    conflicts: list[Conflict]
    cited: list[tuple[str, str, str]]  # (side standard id, citing standard id, clause id)
    as_of: dt.date | None = None

    @property
    def hard(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.hard]

    def to_json(self) -> dict[str, Any]:
        return {
            "a": {"id": self.a.id, "version": self.a.version, "document": self.a.document.get("number") or None},
            "b": {"id": self.b.id, "version": self.b.version, "document": self.b.document.get("number") or None},
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "cited": [{"for": s, "standard": c, "clause": k} for s, c, k in self.cited],
            "conflicts": [c.to_json() for c in self.conflicts],
            "hard": len(self.hard),
        }


def find_conflicts(
    a: Standard,
    b: Standard,
    rulebook: Rulebook | None = None,
    bundled: Sequence[Standard] | None = None,
    as_of: dt.date | None = None,
) -> ConflictReport:
    rulebook = rulebook or load_rulebook()
    bundled = list(bundled) if bundled is not None else list(iter_bundled())
    side_a, side_b = _sides(a, b, bundled)
    cited = [(s.standard.id, via.split()[0], c.id) for s in (side_a, side_b) for c, _, via in s.entries if via]
    conflicts: list[Conflict] = []
    for tier in TIERS:
        for ca, sa, via_a in side_a.entries:
            for cb, sb, via_b in side_b.entries:
                if ca.id == cb.id and ca.standard_id == cb.standard_id:
                    continue
                if tier not in ca.tiers or tier not in cb.tiers:
                    continue
                found = _conflict_over_days(
                    tier, (ca, sa, via_a, a.id), (cb, sb, via_b, b.id), rulebook, side_a, side_b, as_of
                )
                if found:
                    conflicts.append(found)
    return ConflictReport(a, b, conflicts, cited, as_of)


def _conflict_over_days(
    tier: str,
    ea: tuple[Any, ...],
    eb: tuple[Any, ...],
    rulebook: Rulebook,
    side_a: Any,
    side_b: Any,
    as_of: Any,
) -> Conflict | None:
    ca, sa, via_a, ida = ea
    cb, sb, via_b, idb = eb
    first: Conflict | None = None
    for day in _check_days([ca, cb], as_of):
        ra = requirements(ca, rulebook, sa, tier, day, ida, via_a)
        rb = requirements(cb, rulebook, sb, tier, day, idb, via_b)
        if not ra or not rb:
            continue
        forced = [
            r
            for side in (side_a, side_b)
            for c, s, v in side.entries
            for r in requirements(c, rulebook, s, tier, day, side.standard.id, v)
            if r.target == "forced"
        ]
        hard, fields, forcing = _pair_conflict(ra, rb, forced)
        if fields and first is None:
            first = Conflict(tier, _pick(ra, fields), _pick(rb, fields), fields, day, None, hard, forcing)
        elif not fields and first is not None and first.until is None:
            first.until = day
            break
    return first


def _pick(reqs: list[Requirement], fields: list[str]) -> Requirement:
    for r in reqs:
        if r.field in fields:
            return r
    return reqs[0]


# ---------------------------------------------------------------- rendering

TIER_ZH = {"city": "市级", "county": "县级", "township": "乡镇", "village": "村级"}


def _req_text(reqs: list[Requirement], fields: list[str], lang: str) -> str:
    parts = []
    for r in reqs:
        if r.field not in fields or r.domain is None:
            continue
        label = f"{field_label(r.field)}（{r.field}）" if lang == "zh" else r.field
        scope = ""
        if r.target == "items":
            conds = ", ".join(f"{k}={_raw(v)}" for k, v in r.where if not isinstance(v, frozenset))
            scope = (f"[{conds}] " if conds else "") + ("每一项的" if lang == "zh" else "every item's ")
        parts.append(f"{scope}{label} ∈ {{{r.domain.describe(r.field, lang)}}}")
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


def _side_name(r: Requirement, lang: str) -> str:
    if r.via:
        doc = r.clause.source.document
        return f"{doc} as cited by {r.via}（据 {r.via} 所引）" if lang == "zh" else f"{doc} as cited by {r.via}"
    return f"{r.side} {r.clause.id}"


def render_text(report: ConflictReport, rulebook: Rulebook | None = None, lang: str = "zh") -> str:
    rulebook = rulebook or load_rulebook()
    zh = lang == "zh"
    a, b = report.a, report.b
    lines = [
        (
            f"条款冲突：{a.id} {a.version} ⟷ {b.id} {b.version}"
            if zh
            else f"clause conflicts: {a.id} {a.version} ⟷ {b.id} {b.version}"
        )
    ]
    if b.id in a.extends or a.id in b.extends:
        child = a if b.id in a.extends else b
        lines.append(
            f"（{child.id} 继承 {(b if child is a else a).id}：只比较 {child.id} 自己的条款）"
            if zh
            else f"({child.id} extends {(b if child is a else a).id}: only {child.id}'s own clauses are compared)"
        )
    for side_id, citing, clause_id in report.cited:
        doc = (a if side_id == a.id else b).document.get("number")
        lines.append(
            f"{side_id} 一方另含 {citing} {clause_id}（出处为 {doc}）：{doc} as cited by {citing} {clause_id}"
            if zh
            else f"{side_id}'s side also holds {citing} {clause_id}, whose source is {doc}: "
            f"{doc} as cited by {citing} {clause_id}"
        )
    lines.append("")
    if not report.conflicts:
        lines.append("没有发现冲突。" if zh else "no conflicts found.")
        return "\n".join(lines) + "\n"
    n = 0
    for c in report.conflicts:
        n += 1
        tier = TIER_ZH[c.tier] if zh else c.tier
        when = c.since.isoformat() + (
            f" 至 {c.until.isoformat()} 前" if c.until and zh else f" until {c.until}" if c.until else ""
        )
        fields = "、".join(f"{field_label(f)}（{f}）" for f in c.fields) if zh else ", ".join(c.fields)
        kind = ("冲突" if c.hard else "条件性冲突") if zh else ("conflict" if c.hard else "conditional conflict")
        lines.append(
            f"{n}. [{tier}] {kind}：{c.a.clause.id} ⟷ {c.b.clause.id} — {fields}，自 {when}"
            if zh
            else f"{n}. [{tier}] {kind}: {c.a.clause.id} ⟷ {c.b.clause.id} — {fields}, from {when}"
        )
        for r in (c.a, c.b):
            day = c.since
            reqs = requirements(r.clause, rulebook, _std_for(report, r), c.tier, day, r.side, r.via)
            title = r.clause.title.zh if zh else r.clause.title.en
            lines.append(
                f"   {_side_name(r, lang)}  {title}（{r.clause.strength}，自 {r.clause.in_force_from}）"
                if zh
                else f"   {_side_name(r, lang)}  {title} ({r.clause.strength}, from {r.clause.in_force_from})"
            )
            lines.append(("     要求：" if zh else "     requires: ") + _req_text(reqs, c.fields, lang))
            src = r.clause.source
            lines.append(
                f"     出处：{src.document} {src.section}：“{src.quote}”"
                if zh
                else f"     source: {src.document} {src.section}: “{src.quote}”"
            )
        if c.hard:
            lines.append(
                "   同一中心无法同时满足两者：允许的取值没有交集。"
                if zh
                else "   no center can satisfy both: the values they allow do not intersect."
            )
            for fr, keys in c.forced_by:
                lines.append(
                    f"   （{fr.clause.id} 要求以下项目存在：{'、'.join(keys)}）"
                    if zh
                    else f"   ({fr.clause.id} requires these items to exist: {', '.join(keys)})"
                )
        else:
            lines.append(
                "   只有在清单中没有同时受两条约束的项目时才能同时满足。"
                if zh
                else "   both can hold only while no item falls under both clauses."
            )
        lines.append("")
    hard = len(report.hard)
    lines.append(
        f"共 {len(report.conflicts)} 处冲突（其中 {hard} 处任何中心都无法同时满足）。"
        if zh
        else f"{len(report.conflicts)} conflict(s), {hard} that no center can satisfy."
    )
    return "\n".join(lines) + "\n"


def _std_for(report: ConflictReport, r: Requirement) -> Standard:
    for std in (report.a, report.b):
        if std.id == r.clause.standard_id:
            return std
        for p in std.extends:
            if p == r.clause.standard_id:
                return std
    return load_standard(r.clause.standard_id)


def conflicts(a_ref: str, b_ref: str | None, as_of: dt.date | None = None) -> ConflictReport:
    """Load the standards (bundled ids or files) and compare them; one argument: a standard and its parent."""
    a = load_standard(a_ref)
    if b_ref is None:
        if a.parent is None:
            raise InputError.one(
                "missing_argument",
                f"{a.id} 没有继承任何标准：请给出两个标准",
                f"{a.id} extends nothing: give two standards",
                Location(a_ref),
            )
        b = a.parent
    else:
        b = load_standard(b_ref)
    return find_conflicts(a, b, as_of=as_of)


# ---------------------------------------------------------------- lint: a child may only tighten


def loosening_problems(std: Standard, rulebook: Rulebook) -> list[Problem]:
    """``loosens_parent`` / ``conflicts_parent`` for ``std``'s own clauses against every clause it extends."""
    parent = std.parent
    if parent is None:
        return []
    out: list[Problem] = []
    for child in std.own_clauses:
        for pc in parent.clauses:
            found = _loosening(child, pc, std, parent, rulebook)
            if found:
                out.append(found)
    return out


def _loosening(child: Clause, pc: Clause, std: Standard, parent: Standard, rulebook: Rulebook) -> Problem | None:
    for tier in TIERS:
        if tier not in child.tiers or tier not in pc.tiers:
            continue
        for day in _check_days([child, pc], None):
            rc = requirements(child, rulebook, std, tier, day)
            rp = requirements(pc, rulebook, parent, tier, day)
            for a in rc:
                for p in rp:
                    verdict = _compare(a, p)
                    if verdict:
                        return _loosen_problem(verdict, a, p, child, pc)
    return None


def _compare(child: Requirement, parent: Requirement) -> str | None:
    if child.target != parent.target or child.field != parent.field:
        return None
    if child.target == "forced":
        if child.kind != parent.kind:
            return None
        missing = {k for k, _ in parent.forced} - {k for k, _ in child.forced}
        return "loosens" if missing else None
    if child.target == "items" and child.where != parent.where:
        return None
    assert child.domain is not None and parent.domain is not None
    if child.domain.subset_of(parent.domain):
        return None
    if child.domain.intersect(parent.domain).is_empty():
        return "loosens" if child.clause.id == parent.clause.id else "conflicts"
    return "loosens"


def _loosen_problem(verdict: str, c: Requirement, p: Requirement, child: Clause, pc: Clause) -> Problem:
    tier = TIER_ZH[c.tier]
    if c.target == "forced":
        missing = sorted({k for k, _ in p.forced} - {k for k, _ in c.forced})
        zh_what = f"{c.field} 少要求了 {'、'.join(missing)}"
        en_what = f"{c.field} no longer requires {', '.join(missing)}"
    else:
        assert c.domain is not None and p.domain is not None
        zh_what = (
            f"{field_label(c.field)}（{c.field}）允许 {c.domain.describe(c.field)}，"
            f"上级只允许 {p.domain.describe(c.field)}"
        )
        en_what = (
            f"{c.field} allows {c.domain.describe(c.field, 'en')} where the parent allows only "
            f"{p.domain.describe(c.field, 'en')}"
        )
    if verdict == "conflicts":
        return Problem(
            "conflicts_parent",
            Text(
                f"{child.id} 与所继承的 {pc.standard_id} {pc.id} 相矛盾（{tier}，{c.day}）："
                f"{zh_what}，没有中心能同时满足",
                f"{child.id} contradicts inherited {pc.standard_id} {pc.id} ({c.tier}, {c.day}): {en_what}; "
                "no center can satisfy both",
            ),
            child.location,
            (),
            "a requirement within the parent's",
        )
    return Problem(
        "loosens_parent",
        Text(
            f"{child.id} 放宽了所继承的 {pc.standard_id} {pc.id}（{tier}，{c.day}）：{zh_what}；继承的标准只能从严",
            f"{child.id} loosens inherited {pc.standard_id} {pc.id} ({c.tier}, {c.day}): {en_what}; "
            "a standard that extends another may only tighten it",
        ),
        child.location,
        (),
        "a requirement within the parent's",
    )
