"""``hallmark standards lint``: schema and semantic checks of standards against ``rules/``.

Reported, each with file, line and column: schema errors; duplicate clause ids;
dates out of order; a value without a reference (schema); a clause without a rule
and a rule without a clause; an unknown rule kind or a malformed rule; a
parameter a rule needs that the clause lacks, or that has no value on a date its
clause is in force for one of its tiers, or whose value has the wrong type; an
``extends`` that cannot be resolved; a message template naming a field the kind
does not supply; a clause that loosens (``loosens_parent``) or contradicts
(``conflicts_parent``) a clause of the standard it extends (engine/conflicts.py).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Sequence

from engine.conflicts import loosening_problems
from engine.errors import InputError, Location, Problem
from engine.kinds import KINDS, SpecError
from engine.rulebook import Rulebook, load_rulebook
from engine.standard import NO_VALUE, Standard, bundled_ids, load_standard
from engine.text import Text

TEMPLATE_FIELDS = {"expected", "actual", "field", "unit", "gap"}


def _p(code: str, zh: str, en: str, location: Location, expected: str = "") -> Problem:
    return Problem(code, Text(zh, en), location, (), expected)


def _template_problems(std: Standard) -> list[Problem]:
    out = []
    for c in std.own_clauses:
        for what, text in (("message", c.message), ("remediation", c.remediation)):
            for lang in ("zh", "en"):
                try:
                    names = {f for _, f, _, _ in string.Formatter().parse(getattr(text, lang)) if f}
                except ValueError as exc:
                    out.append(
                        _p(
                            "bad_template",
                            f"{c.id} {what}.{lang} 模板无效：{exc}",
                            f"{c.id} {what}.{lang} is not a valid template: {exc}",
                            c.location,
                        )
                    )
                    continue
                for name in sorted(names - TEMPLATE_FIELDS):
                    out.append(
                        _p(
                            "bad_template",
                            f"{c.id} {what}.{lang} 使用了未知字段 {{{name}}}",
                            f"{c.id} {what}.{lang} names unknown field {{{name}}}",
                            c.location,
                            ", ".join(sorted(TEMPLATE_FIELDS)),
                        )
                    )
    return out


def _parameter_problems(std: Standard, rulebook: Rulebook) -> list[Problem]:
    out = []
    for c in std.own_clauses:
        rule = rulebook.get(c.id)
        if rule is None:
            out.append(
                _p(
                    "missing_rule",
                    f"条款 {c.id} 在 rules/ 中没有规则",
                    f"clause {c.id} has no rule in rules/",
                    c.location,
                    f"an entry {c.id} in rules/{c.area}.yaml",
                )
            )
            continue
        kind = KINDS.get(rule.kind)
        if kind is None:
            continue  # the rulebook reports it
        for pname in kind.parameters(rule.spec):
            param = c.parameters.get(pname)
            if param is None:
                out.append(
                    _p(
                        "missing_parameter",
                        f"{c.id} 的规则需要参数 {pname}",
                        f"{c.id}: its rule needs parameter {pname}",
                        c.location,
                        pname,
                    )
                )
                continue
            # on every date the clause is in force (its first day and each parameter date after it), every tier
            days = sorted({c.in_force_from, *(d for d in param.dates() if d > c.in_force_from)})
            for tier in c.tiers:
                for day in days:
                    if param.value_at(day, tier) is NO_VALUE:
                        out.append(
                            _p(
                                "parameter_gap",
                                f"{c.id}：参数 {pname} 在 {day} 对 {tier} 层级没有取值",
                                f"{c.id}: parameter {pname} has no value for {tier} on {day}",
                                param.location,
                            )
                        )
                        break
        out += _compile_problems(std, c.id, rulebook)
    return out


def _compile_problems(std: Standard, clause_id: str, rulebook: Rulebook) -> list[Problem]:
    """Compile the clause for each tier on each of its parameter dates: wrong-typed values surface here."""
    c = std.clause(clause_id)
    rule = rulebook.get(clause_id)
    assert rule is not None
    kind = KINDS[rule.kind] if rule.kind in KINDS else None
    if kind is None:
        return []
    out = []
    days = sorted({c.in_force_from, *(d for p in c.parameters.values() for d in p.dates())})
    for tier in c.tiers:
        for day in days:
            values = {n: c.parameters[n].value_at(day, tier) for n in kind.parameters(rule.spec) if n in c.parameters}
            if any(v is NO_VALUE for v in values.values()) or len(values) < len(kind.parameters(rule.spec)):
                continue
            try:
                kind.compile(rule.spec, values, tier, std.registries)
            except (SpecError, KeyError, TypeError) as exc:
                out.append(
                    _p(
                        "wrong_parameter_type",
                        f"{c.id}：{tier} 层级 {day} 的参数不适用于 {rule.kind}：{exc}",
                        f"{c.id}: parameters for {tier} on {day} do not fit {rule.kind}: {exc}",
                        c.location,
                    )
                )
                return out
    return out


def _orphan_rules(rulebook: Rulebook, standards: Sequence[Standard]) -> list[Problem]:
    known = {c.id for s in standards for c in s.clauses}
    return [
        _p("orphan_rule", f"规则 {cid} 没有对应的条款", f"rule {cid} belongs to no clause", r.location)
        for cid, r in sorted(rulebook.rules.items())
        if cid not in known
    ]


def _registry_problems(std: Standard) -> list[Problem]:
    out = []
    deps = std.registries.departments
    for key, entry in std.own_registries.matters.items():
        if deps and entry["department"] not in deps:
            out.append(
                _p(
                    "unknown_department",
                    f"事项 {key} 的部门 {entry['department']} 不在部门目录中",
                    f"matter {key}: department {entry['department']} is not in the registry",
                    Location(std.file),
                )
            )
    return out


def lint_files(files: Sequence[str], today: dt.date | None = None) -> list[Problem]:
    problems: list[Problem] = []
    try:
        rulebook = load_rulebook()
    except InputError as exc:
        return list(exc.problems)
    standards = []
    for f in files:
        try:
            std = load_standard(f)
        except InputError as exc:
            problems += exc.problems
            continue
        standards.append(std)
        problems += _template_problems(std) + _parameter_problems(std, rulebook) + _registry_problems(std)
        problems += loosening_problems(std, rulebook)  # a standard that extends another may only tighten it
    bundled = []
    for sid in bundled_ids():
        try:
            bundled.append(load_standard(sid))
        except InputError:
            pass  # reported when that file itself is linted
    problems += _orphan_rules(rulebook, [*bundled, *standards])
    return sorted(problems, key=Problem.sort_key)
