"""Center configurations (center-config.md): read, validate against the schema, keep every place.

``load_centers(paths)`` reads files and folders, validates each center with
``schemas/center.schema.json`` and the spec's own checks, and raises one
``InputError`` holding every problem of every file, or returns ``CenterDoc``s:
plain values plus the ``Document`` they came from, so any finding can point back
to its file, line and column.
"""

from __future__ import annotations

import copy
import enum
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import InputError, Location, Problem
from engine.source import Document, Path, load_document
from engine.validate import (
    at,
    describe,
    en_hint,
    problem,
    schema_problems,
    schema_validator,
    suggest,
    wrong_type,
    zh_describe,
    zh_hint,
)

TOP_LEVEL_KEYS = ("center", "centers")
INPUT_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing.MISSING
"""What ``CenterDoc.get`` returns for a field that is not declared (never ``None``, ``False`` or ``0``)."""


@dataclass
class CenterDoc:
    data: dict[str, Any]
    document: Document
    base: Path

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def tier(self) -> str:
        return str(self.data["tier"])

    @property
    def region_code(self) -> str:
        return str(self.data["region_code"])

    @property
    def file(self) -> str:
        return self.document.file

    @property
    def sha256(self) -> str:
        return self.document.sha256

    def location(self, rel_path: Path = ()) -> Location:
        return self.document.location(self.base + tuple(rel_path))

    def get(self, dotted: str) -> Any:
        """``"hall.area_m2"`` (or ``"departments.0.id"``) → its value, or ``MISSING``."""
        value: Any = self.data
        for part in dotted.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return MISSING
        return value


# --- reading -------------------------------------------------------------------------------------


def iter_input_files(paths: Sequence[str]) -> list[str]:
    """Files as given; folders searched recursively (hidden ones skipped) for *.yaml, *.yml, *.json, *.jsonl."""
    files, problems = _input_files(paths)
    if problems:
        raise InputError(problems)
    return files


def load_centers(paths: Sequence[str]) -> list[CenterDoc]:
    """Every center of every file; one ``InputError`` with all problems of all files.
    Each file is read by the fast path where it can, else by the strict loader (engine.fastload.load_unit)."""
    from engine.fastload import load_unit, plan_units  # the fast path and JSON Lines

    units, problems = plan_units(paths)
    centers: list[CenterDoc] = []
    for unit in units:
        try:
            centers.extend(load_unit(unit))
        except InputError as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicate_ids(centers))
    if problems:
        raise InputError(problems)
    return centers


def load_center_text(raw: bytes | str, file: str) -> list[CenterDoc]:
    """The centers of one document given as text (the API's request body)."""
    return parse_centers(load_document(raw, file))


def parse_centers(doc: Document) -> list[CenterDoc]:
    """Validate one document; raise ``InputError`` with all its problems."""
    return _parse(doc, check_duplicates=True)


def _input_files(paths: Sequence[str]) -> tuple[list[str], list[Problem]]:
    files: list[str] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(name: str) -> None:
        real = os.path.realpath(name)
        if real not in seen:
            seen.add(real)
            files.append(name)

    for path in paths:
        if os.path.isdir(path):
            found = sorted(_walk(path), key=lambda f: f.split(os.sep))
            if not found:
                problems.append(
                    problem(
                        "no_input_files",
                        f"文件夹中没有 .yaml、.yml 或 .json 文件：{path}",
                        f"no .yaml, .yml or .json file in folder {path}",
                        Location(path),
                        expected="a folder holding center configurations",
                    )
                )
            for name in found:
                add(name)
        elif os.path.exists(path):
            add(path)
        else:
            problems.append(
                problem(
                    "missing_path",
                    f"文件或文件夹不存在：{path}",
                    f"no such file or folder: {path}",
                    Location(path),
                    expected="an existing file or folder",
                )
            )
    return files, problems


def _walk(folder: str) -> Iterator[str]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.endswith(INPUT_SUFFIXES) and not name.startswith("."):
                yield os.path.join(root, name)


# --- validation ----------------------------------------------------------------------------------


def _parse(doc: Document, *, check_duplicates: bool) -> list[CenterDoc]:
    problems: list[Problem] = []
    bases = _center_bases(doc, problems)
    centers: list[CenterDoc] = []
    for base in bases:
        found = schema_problems(schema_validator("center.schema.json"), doc, base)
        problems.extend(found)
        if not found:
            centers.append(CenterDoc(at(doc.data, base), doc, base))
    if check_duplicates:
        problems.extend(_duplicate_ids(centers))
    if problems:
        raise InputError(problems)
    return centers


def _center_bases(doc: Document, problems: list[Problem]) -> list[Path]:
    """Check the top level; return the paths of the center mappings to validate."""
    data = doc.data
    if not isinstance(data, dict):
        problems.append(
            problem(
                "no_center",
                f"文件顶层应为含 center 或 centers 的映射，实际为{zh_describe(data)}",
                f"the top level must be a mapping with center or centers, got {describe(data)}",
                doc.location(()),
                expected="a mapping with center or centers",
            )
        )
        return []
    unknown = [key for key in data if key not in TOP_LEVEL_KEYS]
    for key in unknown:
        hint = suggest(key, TOP_LEVEL_KEYS)
        problems.append(
            problem(
                "unknown_key",
                f"未知的顶层键 “{key}”{zh_hint(hint)}；应为 center 或 centers 之一",
                f"unknown top-level key '{key}'{en_hint(hint)}; expected one of: center, centers",
                doc.key_location((key,)),
                (key,),
                expected="one of: center, centers",
            )
        )
    present = [key for key in TOP_LEVEL_KEYS if key in data]
    if not present:
        if not unknown:
            problems.append(
                problem(
                    "no_center",
                    "文件中没有 center 或 centers",
                    "the file holds neither center nor centers",
                    doc.location(()),
                    expected="center or centers",
                )
            )
        return []
    if len(present) == 2:
        problems.append(
            problem(
                "ambiguous_document",
                "文件同时含有 center 和 centers，只能有其一",
                "the file holds both center and centers; use one of them",
                doc.key_location(("centers",)),
                ("centers",),
                expected="one of: center, centers",
            )
        )
    bases: list[Path] = []
    if "center" in data:
        bases.append(("center",))
    if "centers" in data:
        items = data["centers"]
        if not isinstance(items, list):
            problems.append(wrong_type(doc, ("centers",), "centers", "array", items))
        elif not items:
            problems.append(
                problem(
                    "no_center",
                    "centers 列表为空",
                    "centers is an empty list",
                    doc.location(("centers",)),
                    ("centers",),
                    expected="a non-empty list of centers",
                )
            )
        else:
            bases.extend(("centers", i) for i in range(len(items)))
    return bases


def _duplicate_ids(centers: Sequence[CenterDoc]) -> list[Problem]:
    first: dict[str, CenterDoc] = {}
    problems: list[Problem] = []
    for center in centers:
        seen = first.setdefault(center.id, center)
        if seen is center:
            continue
        where = seen.location(("id",))
        problems.append(
            problem(
                "duplicate_center_id",
                f"中心标识 “{center.id}” 重复（首次出现于 {where}）",
                f"duplicate center id '{center.id}' (first at {where})",
                center.location(("id",)),
                (*center.base, "id"),
                expected="a unique center id",
            )
        )
    return problems


def center_schema() -> dict[str, Any]:
    """The JSON Schema of one center (for the API and the docs); a fresh copy each call."""
    schema: dict[str, Any] = copy.deepcopy(schema_validator("center.schema.json").schema)
    return schema
