"""A center's declaration → the facts the rules read, with alias normalisation.

Facts are flat (durable_rules crashes on deep or very wide facts, design.md):
one ``center`` fact with scalar fields flattened (``hall__area_m2``), a
``<field>__order`` for ranks and ``<list>__n`` for each declared list, then one
fact per department (``dep:i``), matter (``mat:i``) and function (``fun:i``).
Every fact has a unique id prefixed by its kind (a department and a matter may
share a name). Item facts come first and the center fact last: the order
durable_rules needs (design.md).

Normalisation (spec: center-config.md, norms.md "Readings settled"):
- a department's ``id`` (or, failing that, its ``name``) goes through the
  standard's alias table (国土局 → land_resources); an unknown one is kept as
  given and reported once as ``unknown_department`` with the closest known ids;
- two entries normalising to one department are one department: the first is
  kept and the second reported as ``duplicate_department``;
- ``matters[].department`` goes through the same table; a matter's ``id`` (or
  ``name``) through the catalogue's ids, names and aliases;
- derived item fields: ``department_resident`` (the matter's department is
  listed with ``resident: true``; absent when that cannot be known) and
  ``exempt`` (``exemption`` is a non-empty document number).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine.errors import Location
from engine.kinds import ITEM_FIELDS, LIST_FACT_TYPE, RANK_FIELDS, SCALAR_FIELDS, fact_field, list_count_field
from engine.standard import NO_VALUE, RANKS, Registries
from engine.text import Text


@dataclass(frozen=True)
class Notice:
    code: str
    message: Text
    location: Location

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message.to_json(), "location": self.location.to_json()}


@dataclass
class CenterFacts:
    center: Any  # engine.center.CenterDoc
    facts: list[dict[str, Any]]
    items: dict[str, tuple[tuple[str | int, ...], str]] = field(default_factory=dict)  # fact id → (path, key)
    notices: list[Notice] = field(default_factory=list)

    def get(self, dotted: str) -> Any:
        return value_at(self.center.data, dotted.split("."))

    def item_key(self, fact_id: str) -> str:
        return self.items[fact_id][1]

    def location(self, path: tuple[str | int, ...] = ()) -> Location:
        loc: Location = self.center.location(path)
        return loc

    def root_location(self) -> Location:
        """The center's own place (every not_applicable result points there): looked up once per center."""
        loc = self.__dict__.get("_root_location")
        if loc is None:
            loc = self.__dict__["_root_location"] = self.location(())
        return loc

    def item_location(self, fact_id: str) -> Location:
        return self.location(self.items[fact_id][0])


def value_at(node: Any, path: Sequence[str]) -> Any:
    """The value at ``path`` (mapping keys) in ``node``, or ``NO_VALUE``."""
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return NO_VALUE
        node = node[part]
    return node


def _normalise(raw_id: Any, name: Any, table: dict[str, str]) -> tuple[str, bool]:
    for candidate in (raw_id, name):
        if isinstance(candidate, str) and candidate in table:
            return table[candidate], True
    return str(raw_id), False


def build_facts(center: Any, registries: Registries) -> CenterFacts:
    data: dict[str, Any] = center.data
    out = CenterFacts(center, [])
    dep_table = registries.department_aliases
    mat_table = registries.matter_aliases
    center_fact: dict[str, Any] = {"id": "center", "t": "center"}
    for parts, name, order in _SCALARS:
        value = value_at(data, parts)
        if value is not NO_VALUE and value is not None:
            center_fact[name] = value
            if order and value in RANKS:
                center_fact[order] = RANKS.index(value)

    # departments: normalise, drop duplicates (first wins)
    residency: dict[str, Any] = {}
    departments = data.get("departments")
    if isinstance(departments, list):
        center_fact[list_count_field("departments")] = len(departments)
        first_at: dict[str, int] = {}
        for i, dep in enumerate(departments):
            path = ("departments", i)
            key, known = _normalise(dep.get("id"), dep.get("name"), dep_table)
            if not known and dep_table:
                ids = _closest(str(dep.get("id")), tuple(dep_table.items()))
                out.notices.append(
                    Notice(
                        "unknown_department",
                        Text(
                            f"未知部门 “{dep.get('id')}”，按原样保留"
                            + (f"；最接近的部门：{'、'.join(ids)}" if ids else ""),
                            f"unknown department '{dep.get('id')}', kept as given"
                            + (f"; closest known ids: {', '.join(ids)}" if ids else ""),
                        ),
                        center.location((*path, "id")),
                    )
                )
            if key in first_at:
                first = center.location(("departments", first_at[key]))
                out.notices.append(
                    Notice(
                        "duplicate_department",
                        Text(
                            f"部门 {key} 重复列出（首次在第 {first.line} 行），按一个部门计",
                            f"department {key} is listed twice (first at line {first.line}); counted once",
                        ),
                        center.location(path),
                    )
                )
                continue
            first_at[key] = i
            residency[key] = dep.get("resident", NO_VALUE)
            out.facts.append(_item_fact("dep", i, key, dep, {}))
            out.items[f"dep:{i}"] = (path, key)

    matters = data.get("matters")
    if isinstance(matters, list):
        center_fact[list_count_field("matters")] = len(matters)
        for i, mat in enumerate(matters):
            key, _ = _normalise(mat.get("id"), mat.get("name"), mat_table)
            derived: dict[str, Any] = {"exempt": bool(mat.get("exemption"))}
            if "department" in mat:
                dept, _ = _normalise(mat["department"], None, dep_table)
                derived["department"] = dept
                if isinstance(departments, list):
                    resident = residency.get(dept, False)
                    if resident is not NO_VALUE:
                        derived["department_resident"] = resident is True
            out.facts.append(_item_fact("mat", i, key, mat, derived))
            out.items[f"mat:{i}"] = (("matters", i), key)

    functions = out.get("organization.functions")
    if isinstance(functions, list):
        center_fact[list_count_field("organization.functions")] = len(functions)
        for i, fn in enumerate(functions):
            out.facts.append({"id": f"fun:{i}", "t": "fun", "key": fn})
            out.items[f"fun:{i}"] = (("organization", "functions", i), fn)

    out.facts.append(center_fact)  # the center fact last (design.md)
    return out


# (path, fact field, its rank-order field or "") of each scalar the center fact carries
assert set(RANK_FIELDS) <= set(SCALAR_FIELDS), "a rank field is a scalar field"
_SCALARS = tuple(
    (tuple(d.split(".")), fact_field(d), fact_field(d) + "__order" if d in RANK_FIELDS else "") for d in SCALAR_FIELDS
)


@lru_cache(maxsize=4096)
def _closest(raw: str, table: tuple[tuple[str, str], ...]) -> list[str]:
    """The known ids whose names or aliases look most like ``raw`` (for the unknown_department notice)."""
    close = difflib.get_close_matches(raw, [alias for alias, _ in table], n=3, cutoff=0.4)
    ids = dict(table)
    return sorted({ids[c] for c in close})


def _item_fact(ft: str, i: int, key: str, raw: dict[str, Any], derived: dict[str, Any]) -> dict[str, Any]:
    fact: dict[str, Any] = {"id": f"{ft}:{i}", "t": ft, "key": key}
    for name in ITEM_FIELDS[ft]:
        if name in derived:
            fact[name] = derived[name]
        elif name != "key":
            value = raw.get(name)
            if value is not None:
                fact[name] = value
    return fact


__all__ = ["LIST_FACT_TYPE", "CenterFacts", "Notice", "build_facts"]
