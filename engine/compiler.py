"""(standard, rules, tier, as-of) → ``CompiledRuleset``: conditions per clause, and
their durable_rules JSON. Named stages, as OPA's compiler has; compiled once per
(standard chain sha256, rules sha256, tier, as-of) and cached.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.kinds import KINDS, Atom, Compiled, Condition, SpecError
from engine.rulebook import Rulebook, RuleSpec
from engine.standard import NO_VALUE, Clause, Standard
from engine.text import Text


@dataclass
class CompiledClause:
    clause: Clause
    severity: str
    rule: RuleSpec | None = None
    compiled: Compiled | None = None
    not_applicable: Text | None = None  # why the clause does not apply
    error: Text | None = None  # why the clause cannot be evaluated

    @property
    def evaluable(self) -> bool:
        return self.compiled is not None


@dataclass
class CompiledRuleset:
    name: str
    standard: Standard
    tier: str
    as_of: dt.date
    clauses: list[CompiledClause]
    rule_index: dict[str, tuple[str, str]] = field(default_factory=dict)  # durable rule name → (clause, tag)
    definition: dict[str, Any] = field(default_factory=dict)  # durable_definition(), computed once

    @cached_property
    def plan(self) -> list[tuple[CompiledClause, str, tuple[Callable[..., Any], dict[str, Any], Compiled] | None]]:
        """(compiled clause, clause id, (its kind's ``reduce``, its rule's spec, its compiled conditions)
        or None when it is not evaluated), in clause order: what engine.check reads for every center,
        worked out once per ruleset."""
        return [
            (
                cc,
                cc.clause.id,
                (KINDS[cc.rule.kind].reduce, cc.rule.spec, cc.compiled)
                if cc.compiled is not None and cc.rule is not None
                else None,
            )
            for cc in self.clauses
        ]

    def conditions(self) -> list[tuple[str, Condition]]:
        """(durable rule name, condition) for every evaluable clause, in clause order."""
        out = []
        for cc in self.clauses:
            if cc.compiled is None:
                continue
            for i, cond in enumerate(cc.compiled.conditions):
                out.append((f"{cc.clause.id}#{i}", cond))
        return out

    def durable_definition(self) -> dict[str, Any]:
        """The ruleset as durable_rules JSON (``Host.set_rulesets`` takes ``{name: this}``)."""
        rules: dict[str, Any] = {}
        for rule_name, cond in self.conditions():
            rules[rule_name] = {"all": [{"m": atoms_to_durable(cond.atoms)}], "run": rule_name}
        # a sink that takes every fact: a batch holding a fact no rule takes is rejected whole (design.md)
        rules["$sink"] = {"all": [{"m": {"$ex": {"t": 1}}}], "run": "$sink"}
        return rules


def atom_to_durable(atom: Atom) -> dict[str, Any]:
    name, op, value = atom
    if op == "eq":
        return {name: value}
    if op in ("ex", "nex"):
        return {f"${op}": {name: 1}}
    if op == "gt_field":
        return {"$gt": {name: {"$m": value}}}
    return {f"${op}": {name: value}}


def atoms_to_durable(atoms: tuple[Atom, ...]) -> dict[str, Any]:
    # flat: one $and of atoms, never nested (a join after a nested conjunction is ignored: design.md)
    return {"$and": [atom_to_durable(a) for a in atoms]} if len(atoms) > 1 else atom_to_durable(atoms[0])


# ---------------------------------------------------------------- stages


def _stage_rule(cc: CompiledClause, rulebook: Rulebook) -> None:
    cc.rule = rulebook.get(cc.clause.id)
    if cc.rule is None:
        cc.error = Text(f"条款 {cc.clause.id} 没有对应的规则（rules/）", f"clause {cc.clause.id} has no rule in rules/")


def _stage_tier(cc: CompiledClause, tier: str) -> None:
    if tier not in cc.clause.tiers:
        tiers = "、".join(cc.clause.tiers)
        cc.not_applicable = Text(f"本条款适用于 {tiers} 层级", f"applies to tiers: {', '.join(cc.clause.tiers)}")


def _stage_date(cc: CompiledClause, as_of: dt.date) -> None:
    if as_of < cc.clause.in_force_from:
        since = cc.clause.in_force_from.isoformat()
        cc.not_applicable = Text(f"本条款自 {since} 起施行", f"in force from {since}")


def _stage_parameters(cc: CompiledClause, tier: str, as_of: dt.date) -> dict[str, Any] | None:
    assert cc.rule is not None
    kind = KINDS.get(cc.rule.kind)
    if kind is None:
        cc.error = Text(f"未知的规则类型 {cc.rule.kind}", f"unknown rule kind {cc.rule.kind}")
        return None
    values: dict[str, Any] = {}
    for pname in kind.parameters(cc.rule.spec):
        param = cc.clause.parameters.get(pname)
        if param is None:
            cc.error = Text(
                f"规则需要的参数 {pname} 在标准中不存在", f"the rule needs parameter {pname}, not in the standard"
            )
            return None
        value = param.value_at(as_of, tier)
        if value is NO_VALUE:
            cc.not_applicable = Text(
                f"参数 {pname} 在 {as_of.isoformat()} 对 {tier} 层级没有取值",
                f"parameter {pname} has no value for {tier} on {as_of.isoformat()}",
            )
            return None
        values[pname] = value
    return values


def _stage_kind(cc: CompiledClause, values: dict[str, Any], tier: str, standard: Standard) -> None:
    assert cc.rule is not None
    try:
        cc.compiled = KINDS[cc.rule.kind].compile(cc.rule.spec, values, tier, standard.registries)
    except (SpecError, KeyError, TypeError) as exc:
        cc.error = Text(f"规则无法编译：{exc}", f"the rule cannot be compiled: {exc}")


def compile_clause(clause: Clause, rulebook: Rulebook, standard: Standard, tier: str, as_of: dt.date) -> CompiledClause:
    cc = CompiledClause(clause, clause.severity_at(as_of, tier))
    _stage_tier(cc, tier)
    if not cc.not_applicable:
        _stage_date(cc, as_of)
    if not cc.not_applicable:
        _stage_rule(cc, rulebook)
    if cc.not_applicable or cc.error:
        return cc
    values = _stage_parameters(cc, tier, as_of)
    if values is not None:
        _stage_kind(cc, values, tier, standard)
    return cc


_CACHE: dict[tuple[str, str, str, dt.date], CompiledRuleset] = {}


def compile_standard(standard: Standard, rulebook: Rulebook, tier: str, as_of: dt.date) -> CompiledRuleset:
    key = (standard.chain_sha256, rulebook.sha256, tier, as_of)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    clauses = [compile_clause(c, rulebook, standard, tier, as_of) for c in standard.clauses]
    rs = CompiledRuleset("", standard, tier, as_of, clauses)
    definition = rs.definition = rs.durable_definition()
    # the name is the content hash: durable_rules refuses a reused name, and equal content may share one
    rs.name = (
        "hm_" + hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]
    )
    rs.rule_index = {name: (cc_id, cond.tag) for name, cond in rs.conditions() for cc_id in [name.split("#")[0]]}
    if len(_CACHE) > 512:
        _CACHE.clear()
    _CACHE[key] = rs
    return rs
