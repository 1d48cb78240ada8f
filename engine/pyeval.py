"""A plain-Python evaluator of the same compiled conditions the runner gives durable_rules.

It answers, for each fact, which conditions hold, with the same (rule name, fact id)
matches as ``runner.DurableEvaluator``. It serves as ``--engine python`` and as the
reference in the benchmark; the differential tests compare both with an evaluator
written independently from the norms (tests/differential/reference.py).
"""

from __future__ import annotations

from typing import Any

from engine.compiler import CompiledRuleset
from engine.kinds import Atom, Condition

_MISSING = object()


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def atom_holds(atom: Atom, fact: dict[str, Any]) -> bool:
    name, op, value = atom
    have = fact.get(name, _MISSING)
    if op == "ex":
        return have is not _MISSING
    if op == "nex":
        return have is _MISSING
    if have is _MISSING:
        return False
    if op == "eq":
        return bool(have == value and type(have) is type(value)) or (_number(have) and _number(value) and have == value)
    if op == "neq":
        return not atom_holds((name, "eq", value), fact)
    if op == "gt_field":
        other = fact.get(value, _MISSING)
        return bool(other is not _MISSING and _number(have) and _number(other) and have > other)
    if not (_number(have) and _number(value)):
        return False
    return bool({"lt": have < value, "lte": have <= value, "gt": have > value, "gte": have >= value}[op])


def _index(ruleset: CompiledRuleset) -> dict[str, list[tuple[str, Condition]]]:
    """Conditions by the fact type their first atom names (every condition starts with ``t == …``)."""
    by_type: dict[str, list[tuple[str, Condition]]] = {}
    for rule_name, cond in ruleset.conditions():
        by_type.setdefault(cond.fact_type(), []).append((rule_name, cond))
    return by_type


_INDEX: dict[str, dict[str, list[tuple[str, Condition]]]] = {}


def evaluate(ruleset: CompiledRuleset, facts: list[dict[str, Any]]) -> list[tuple[str, str]]:
    index = _INDEX.get(ruleset.name)
    if index is None:
        index = _INDEX[ruleset.name] = _index(ruleset)
    out = []
    for fact in facts:
        for rule_name, cond in index.get(fact["t"], ()):
            if all(atom_holds(a, fact) for a in cond.atoms[1:]):
                out.append((rule_name, fact["id"]))
    return out
