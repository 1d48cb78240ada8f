"""``rules/<area>.yaml``: how each clause is checked, one entry per clause id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import InputError, Location, Problem
from engine.kinds import KINDS
from engine.source import Document, read_document
from engine.standard import bundled_dir
from engine.text import Text

AREAS = ("org", "fun", "hal", "dep", "mat", "net", "sup", "per", "tim")


@dataclass(frozen=True)
class RuleSpec:
    clause_id: str
    spec: dict[str, Any]
    location: Location

    @property
    def kind(self) -> str:
        return str(self.spec.get("kind"))


@dataclass(frozen=True)
class Rulebook:
    rules: dict[str, RuleSpec]
    sha256: str

    def get(self, clause_id: str) -> RuleSpec | None:
        return self.rules.get(clause_id)


def _rule_problems(doc: Document, area: str) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(doc.data, dict):
        return [Problem("wrong_type", Text("规则文件应为映射", "a rules file must be a mapping"), doc.location(()))]
    for cid, spec in doc.data.items():
        where = doc.location((cid,))
        if not isinstance(spec, dict):
            problems.append(Problem("wrong_type", Text(f"{cid} 应为映射", f"{cid} must be a mapping"), where, (cid,)))
            continue
        if cid.split("-")[1:2] != [area.upper()]:
            problems.append(
                Problem(
                    "wrong_area",
                    Text(f"{cid} 不属于 {area} 领域", f"{cid} does not belong in rules/{area}.yaml"),
                    where,
                    (cid,),
                )
            )
        kind = KINDS.get(str(spec.get("kind")))
        if kind is None:
            known = ", ".join(KINDS)
            problems.append(
                Problem(
                    "unknown_rule_kind",
                    Text(
                        f"{cid}：未知的规则类型 “{spec.get('kind')}”", f"{cid}: unknown rule kind '{spec.get('kind')}'"
                    ),
                    doc.location((cid, "kind")),
                    (cid, "kind"),
                    f"one of: {known}",
                )
            )
            continue
        for err in kind.check(spec):
            problems.append(Problem("bad_rule", Text(f"{cid}：{err}", f"{cid}: {err}"), where, (cid,), kind.doc))
    return problems


def load_rulebook(folder: Path | None = None) -> Rulebook:
    folder = folder or bundled_dir("rules")
    rules: dict[str, RuleSpec] = {}
    problems: list[Problem] = []
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        doc = read_document(str(path), f"rules/{path.name}")
        digest.update(path.name.encode() + b"\0" + doc.sha256.encode())
        problems += _rule_problems(doc, path.stem)
        for cid, spec in (doc.data or {}).items():
            if cid in rules:
                problems.append(
                    Problem(
                        "duplicate_rule",
                        Text(
                            f"{cid} 的规则重复（另见 {rules[cid].location}）",
                            f"{cid} has two rules (also {rules[cid].location})",
                        ),
                        doc.location((cid,)),
                        (cid,),
                    )
                )
            if isinstance(spec, dict):
                rules[cid] = RuleSpec(cid, dict(spec), doc.location((cid,)))
    if problems:
        raise InputError(problems)
    return Rulebook(rules, digest.hexdigest())
