"""Standards: clauses, sources, dated parameters, registries and ``extends``.

A standard is data (``standards/*.yaml``, docs/standard-format.md). This module
reads and validates it and answers two questions the compiler asks: what value a
parameter holds on a day for a tier (``Param.value_at``), and which clauses a
standard comprises once what it extends is included (``Standard.clauses``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from engine.errors import InputError, Location, Problem
from engine.source import Document, read_document
from engine.text import Text
from engine.validate import schema_problems, schema_validator

TIERS = ("city", "county", "township", "village")
STRENGTH_SEVERITY = {"应": "error", "宜": "warning", "可": "info"}
RANKS = (
    "none",
    "unit",
    "deputy_section",
    "full_section",
    "deputy_division",
    "full_division",
    "deputy_bureau",
    "full_bureau",
)


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()


def bundled_dir(name: str) -> Path:
    """Where the bundled ``standards/`` or ``rules/`` live, in a checkout or an installed wheel."""
    packaged = resources.files("engine").joinpath("_bundled", name)
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / name


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass(frozen=True)
class DatedValue:
    since: dt.date
    value: Any
    reference: str
    location: Location


@dataclass(frozen=True)
class Param:
    name: str
    unit: str
    description: Text | None
    series: dict[str | None, tuple[DatedValue, ...]]  # key None: one series for every tier
    location: Location

    @property
    def per_tier(self) -> bool:
        return None not in self.series

    def value_at(self, as_of: dt.date, tier: str) -> Any:
        """The value in force on ``as_of`` for ``tier``; ``NO_VALUE`` before the first date or after a null."""
        series = self.series.get(None) if None in self.series else self.series.get(tier)
        if not series:
            return NO_VALUE
        current: Any = NO_VALUE
        for item in series:
            if item.since <= as_of:
                current = item.value
            else:
                break
        return NO_VALUE if current is None else current

    def dates(self) -> list[dt.date]:
        return sorted({v.since for s in self.series.values() for v in s})


@dataclass(frozen=True)
class Source:
    document: str
    section: str
    quote: str
    origin: str

    def to_json(self) -> dict[str, str]:
        return {"document": self.document, "section": self.section, "quote": self.quote, "origin": self.origin}


@dataclass(frozen=True)
class Clause:
    id: str
    standard_id: str
    section: str
    section_title: Text
    title: Text
    text: Text
    strength: str
    tiers: tuple[str, ...]
    in_force_from: dt.date
    source: Source
    message: Text
    remediation: Text
    parameters: dict[str, Param]
    location: Location

    @property
    def area(self) -> str:
        return self.id.split("-")[1].lower()

    def severity_at(self, as_of: dt.date, tier: str) -> str:
        override = self.parameters.get("severity")
        if override is not None:
            value = override.value_at(as_of, tier)
            if value is not NO_VALUE:
                return str(value)
        return STRENGTH_SEVERITY[self.strength]


@dataclass(frozen=True)
class Registries:
    departments: dict[str, dict[str, Any]] = field(default_factory=dict)
    matters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def merged(self, child: Registries) -> Registries:
        return Registries({**self.departments, **child.departments}, {**self.matters, **child.matters})

    @cached_property
    def department_aliases(self) -> dict[str, str]:
        return _alias_table(self.departments)

    @cached_property
    def matter_aliases(self) -> dict[str, str]:
        return _alias_table(self.matters)

    def department_name(self, key: str) -> str:
        entry = self.departments.get(key)
        return str(entry["zh"]) if entry else key

    def matter_name(self, key: str) -> str:
        entry = self.matters.get(key)
        return str(entry["zh"]) if entry else key

    def catalogue(self, tier: str) -> list[str]:
        return [k for k, v in self.matters.items() if tier in v.get("tiers", ())]


def _alias_table(entries: dict[str, dict[str, Any]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for key, entry in entries.items():
        table[key] = key
        table.setdefault(str(entry.get("zh", key)), key)
        for alias in entry.get("aliases", ()) or ():
            table.setdefault(str(alias), key)
    return table


@dataclass(frozen=True)
class Standard:
    id: str
    version: str
    title: Text
    document: dict[str, Any]
    in_force_from: dt.date
    file: str
    sha256: str
    own_clauses: tuple[Clause, ...]
    own_registries: Registries
    parent: Standard | None = None

    @property
    def extends(self) -> list[str]:
        chain: list[str] = []
        p = self.parent
        while p is not None:
            chain.append(p.id)
            p = p.parent
        return chain

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """Inherited clauses first (in their document's order), then this standard's own."""
        inherited = self.parent.clauses if self.parent else ()
        own_ids = {c.id for c in self.own_clauses}
        return tuple(c for c in inherited if c.id not in own_ids) + self.own_clauses

    def clause(self, clause_id: str) -> Clause:
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)

    @cached_property
    def registries(self) -> Registries:
        base = self.parent.registries if self.parent else Registries()
        return base.merged(self.own_registries)

    def files(self) -> list[dict[str, str]]:
        out = [{"id": self.id, "file": self.file, "sha256": self.sha256}]
        if self.parent:
            out.extend(self.parent.files())
        return out

    @cached_property
    def chain_sha256(self) -> str:
        """Identity of the whole chain (this file and every file it extends); asked once per center."""
        return hashlib.sha256(json.dumps(self.files(), sort_keys=True).encode()).hexdigest()

    def receipt(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "sha256": self.sha256,
            "extends": self.extends,
            "files": self.files(),
        }


# ---------------------------------------------------------------- loading


def _problem(code: str, zh: str, en: str, doc: Document, path: tuple[Any, ...], expected: str = "") -> Problem:
    return Problem(code, Text(zh, en), doc.key_location(path), path, expected)


def _dated_series(raw: dict[str, Any], doc: Document, path: tuple[Any, ...]) -> tuple[DatedValue, ...]:
    out = []
    for date_text, entry in raw.items():
        out.append(
            DatedValue(parse_date(date_text), entry["value"], entry["reference"], doc.location((*path, date_text)))
        )
    return tuple(out)


def semantic_problems(doc: Document) -> list[Problem]:
    """Checks a schema cannot express: dates in order, real dates, duplicate clause ids."""
    problems: list[Problem] = []
    data = doc.data
    seen: dict[str, tuple[Any, ...]] = {}
    for section, body in (data.get("sections") or {}).items():
        for cid, clause in body.items():
            if cid == "title":
                continue
            path = ("sections", section, cid)
            if cid in seen:
                first = doc.key_location(seen[cid])
                problems.append(
                    _problem(
                        "duplicate_clause",
                        f"条款编号 {cid} 重复（首次出现于第 {first.line} 行）",
                        f"clause id {cid} is defined twice (first at line {first.line})",
                        doc,
                        path,
                    )
                )
            seen[cid] = path
            for pname, param in (clause.get("parameters") or {}).items():
                for key, series in param.items():
                    if key in ("unit", "description"):
                        continue
                    values = series if key == "values" else series.get("values", {})
                    spath = (*path, "parameters", pname, key) + (() if key == "values" else ("values",))
                    problems.extend(_date_problems(values, doc, spath))
    for date_key in ("in_force_from",):
        if isinstance(data.get(date_key), str):
            problems.extend(_check_real_date(data[date_key], doc, (date_key,)))
    return problems


def _check_real_date(text: str, doc: Document, path: tuple[Any, ...]) -> list[Problem]:
    try:
        parse_date(text)
    except ValueError:
        return [_problem("bad_date", f"不是有效日期：{text}", f"not a real date: {text}", doc, path, "YYYY-MM-DD")]
    return []


def _date_problems(values: dict[str, Any], doc: Document, path: tuple[Any, ...]) -> list[Problem]:
    problems: list[Problem] = []
    previous: str | None = None
    for date_text in values:
        bad = _check_real_date(date_text, doc, (*path, date_text))
        problems.extend(bad)
        if not bad and previous is not None and date_text <= previous:
            problems.append(
                _problem(
                    "dates_out_of_order",
                    f"日期 {date_text} 应晚于前一日期 {previous}",
                    f"date {date_text} must come after the previous date {previous}",
                    doc,
                    (*path, date_text),
                    "ascending dates",
                )
            )
        previous = date_text
    return problems


def parse_standard(doc: Document, parent: Standard | None = None) -> Standard:
    """Validate a standard document and build the model. Raises ``InputError`` listing every problem."""
    if not isinstance(doc.data, dict):
        raise InputError.one(
            "wrong_type", "标准文件应为映射", "a standard file must be a mapping", doc.location(()), expected="mapping"
        )
    problems = schema_problems(schema_validator("standard.schema.json"), doc, ())
    if not problems:
        problems = semantic_problems(doc)
    if problems:
        raise InputError(problems)
    data = doc.data
    std_from = parse_date(data["in_force_from"])
    clauses = []
    for section, body in data["sections"].items():
        section_title = Text.from_json(body["title"])
        for cid, raw in body.items():
            if cid == "title":
                continue
            path = ("sections", section, cid)
            params = {}
            for pname, praw in (raw.get("parameters") or {}).items():
                ppath = (*path, "parameters", pname)
                series: dict[str | None, tuple[DatedValue, ...]] = {}
                if "values" in praw:
                    series[None] = _dated_series(praw["values"], doc, (*ppath, "values"))
                for tier in TIERS:
                    if tier in praw:
                        series[tier] = _dated_series(praw[tier]["values"], doc, (*ppath, tier, "values"))
                desc = Text.from_json(praw["description"]) if "description" in praw else None
                params[pname] = Param(pname, praw.get("unit", ""), desc, series, doc.location(ppath))
            src = raw["source"]
            clauses.append(
                Clause(
                    id=cid,
                    standard_id=data["id"],
                    section=section,
                    section_title=section_title,
                    title=Text.from_json(raw["title"]),
                    text=Text.from_json(raw["text"]),
                    strength=raw["strength"],
                    tiers=tuple(raw["tiers"]),
                    in_force_from=parse_date(raw["in_force_from"]) if "in_force_from" in raw else std_from,
                    source=Source(src["document"], src.get("section", ""), src["quote"], src["origin"]),
                    message=Text.from_json(raw["message"]),
                    remediation=Text.from_json(raw["remediation"]),
                    parameters=params,
                    location=doc.location(path),
                )
            )
    regs = data.get("registries") or {}
    return Standard(
        id=data["id"],
        version=data["version"],
        title=Text.from_json(data["title"]),
        document=dict(data["document"]),
        in_force_from=std_from,
        file=doc.file,
        sha256=doc.sha256,
        own_clauses=tuple(clauses),
        own_registries=Registries(dict(regs.get("departments") or {}), dict(regs.get("matters") or {})),
        parent=parent,
    )


def bundled_ids() -> list[str]:
    return sorted(p.stem for p in bundled_dir("standards").glob("*.yaml"))


def resolve_ref(ref: str) -> Path:
    """A standard reference is a bundled id or a file path."""
    as_path = Path(ref)
    if as_path.suffix in (".yaml", ".yml", ".json") or os.sep in ref:
        return as_path
    return bundled_dir("standards") / f"{ref}.yaml"


def load_standard(ref: str, _seen: tuple[str, ...] = ()) -> Standard:
    """Load a bundled standard by id, or a standard file; ``extends`` is looked up beside the file, then bundled."""
    path = resolve_ref(ref)
    if not path.is_file():
        known = ", ".join(bundled_ids())
        raise InputError.one(
            "unknown_standard",
            f"找不到标准 “{ref}”；内置标准：{known}",
            f"no standard '{ref}'; bundled standards: {known}",
            Location(ref),
            expected=f"a file or one of: {known}",
        )
    bundled = path.parent == bundled_dir("standards") and ref == path.stem
    doc = read_document(str(path), f"standards/{path.name}" if bundled else ref)
    parent = None
    parent_id = doc.data.get("extends") if isinstance(doc.data, dict) else None
    if isinstance(parent_id, str) and parent_id:
        if parent_id in _seen or parent_id == doc.data.get("id"):
            raise InputError.one(
                "extends_cycle",
                f"extends 形成循环：{' → '.join((*_seen, parent_id))}",
                f"extends forms a cycle: {' → '.join((*_seen, parent_id))}",
                doc.location(("extends",)),
            )
        sibling = path.parent / f"{parent_id}.yaml"
        # beside the file first (a drafter's copy extends its sibling), else the bundled one; named as the user would
        parent_ref = parent_id
        if sibling.is_file() and not bundled:
            parent_ref = os.path.join(os.path.dirname(ref), f"{parent_id}.yaml")
        try:
            parent = load_standard(parent_ref, (*_seen, doc.data.get("id", "")))
        except InputError as exc:
            if any(p.code == "unknown_standard" for p in exc.problems):
                raise InputError.one(
                    "unknown_standard",
                    f"extends 指向不存在的标准 “{parent_id}”",
                    f"extends names no known standard '{parent_id}'",
                    doc.location(("extends",)),
                ) from None
            raise
    return parse_standard(doc, parent)


def iter_bundled() -> Iterator[Standard]:
    for sid in bundled_ids():
        yield load_standard(sid)
