"""Center configurations (center-config.md): read, validate against the schema, keep every place.

``load_centers(paths)`` reads files and folders, validates each center with
``schemas/center.schema.json`` and the spec's own checks, and raises one
``InputError`` holding every problem of every file, or returns ``CenterDoc``s:
plain values plus the ``Document`` they came from, so any finding can point back
to its file, line and column.
"""

from __future__ import annotations

import difflib
import enum
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator

from engine.errors import InputError, Location, Problem
from engine.source import Document, Path, load_document, read_document
from engine.text import Text

TOP_LEVEL_KEYS = ("center", "centers")
INPUT_SUFFIXES = (".yaml", ".yml", ".json")


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
    """Files as given; folders searched recursively (hidden ones skipped) for *.yaml, *.yml, *.json."""
    files, problems = _input_files(paths)
    if problems:
        raise InputError(problems)
    return files


def load_centers(paths: Sequence[str]) -> list[CenterDoc]:
    """Every center of every file; one ``InputError`` with all problems of all files."""
    files, problems = _input_files(paths)
    centers: list[CenterDoc] = []
    for file in files:
        try:
            centers.extend(_parse(read_document(file), check_duplicates=False))
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
                    _problem(
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
                _problem(
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
        found = _schema_problems(doc, base)
        problems.extend(found)
        if not found:
            centers.append(CenterDoc(_at(doc.data, base), doc, base))
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
            _problem(
                "no_center",
                f"文件顶层应为含 center 或 centers 的映射，实际为{_zh_describe(data)}",
                f"the top level must be a mapping with center or centers, got {_describe(data)}",
                doc.location(()),
                expected="a mapping with center or centers",
            )
        )
        return []
    unknown = [key for key in data if key not in TOP_LEVEL_KEYS]
    for key in unknown:
        hint = _suggest(key, TOP_LEVEL_KEYS)
        problems.append(
            _problem(
                "unknown_key",
                f"未知的顶层键 “{key}”{_zh_hint(hint)}；应为 center 或 centers 之一",
                f"unknown top-level key '{key}'{_en_hint(hint)}; expected one of: center, centers",
                doc.key_location((key,)),
                (key,),
                expected="one of: center, centers",
            )
        )
    present = [key for key in TOP_LEVEL_KEYS if key in data]
    if not present:
        if not unknown:
            problems.append(
                _problem(
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
            _problem(
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
            problems.append(_wrong_type(doc, ("centers",), "centers", "array", items))
        elif not items:
            problems.append(
                _problem(
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


def _schema_problems(doc: Document, base: Path) -> list[Problem]:
    center = _at(doc.data, base)
    if not isinstance(center, dict):
        return [_wrong_type(doc, base, _dotted(base), "object", center)]
    by_path: dict[Path, Problem] = {}
    errors = sorted(_validator().iter_errors(center), key=lambda e: _PRIORITY.get(str(e.validator), 99))
    for error in errors:
        for problem in _problems_of(doc, base, error):
            by_path.setdefault(problem.path, problem)  # one problem per place: the most telling one
    return list(by_path.values())


_PRIORITY = {"type": 0, "required": 1, "additionalProperties": 1, "enum": 2, "const": 2, "minLength": 3}

_TYPE_NAMES = {
    "string": ("字符串", "string"),
    "number": ("数值", "number"),
    "integer": ("整数", "integer"),
    "boolean": ("布尔值（true/false）", "boolean"),
    "object": ("映射", "mapping"),
    "array": ("列表", "list"),
    "null": ("空值", "null"),
}


def _problems_of(doc: Document, base: Path, error: ValidationError) -> list[Problem]:
    rel: Path = tuple(error.absolute_path)
    path = base + rel
    name = _dotted(rel) or _dotted(base)
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "required":
        assert isinstance(instance, dict)
        return [
            _problem(
                "missing_field",
                f"缺少必填字段 {_dotted((*rel, key))}",
                f"{_dotted((*rel, key))} is required",
                doc.location(path),
                (*path, key),
                expected=f"field {key}",
            )
            for key in value
            if key not in instance
        ]
    if keyword == "additionalProperties":
        assert isinstance(instance, dict)
        known = list(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        out = []
        for key in instance:
            if key in known or any(re.search(p, key) for p in patterns):
                continue
            hint = _suggest(key, known)
            where = _dotted(rel) or "center"
            out.append(
                _problem(
                    "unknown_key",
                    f"{where} 中有未知的键 “{key}”{_zh_hint(hint)}；本地扩展字段请以 x- 开头",
                    f"unknown key '{key}' in {where}{_en_hint(hint)}; local extensions start with x-",
                    doc.key_location((*path, key)),
                    (*path, key),
                    expected="one of: " + ", ".join(known),
                )
            )
        return out
    if isinstance(instance, bool) and path in doc.bool_words:
        expected = _expected(keyword, value)
        word = str(instance).lower()
        advice_zh, advice_en = (
            ("请改为数字", "use a number") if schema.get("type") in ("number", "integer") else ("请加引号", "quote it")
        )
        return [
            _problem(
                "yaml11_boolean",
                f"{name} 应为{_zh_expected(keyword, value)}，但未加引号的 yes/no/on/off"
                f" 被 YAML 1.1 读成了布尔值 {word}；{advice_zh}",
                f"{name} expected {expected}, got boolean {word}:"
                f" the unquoted word yes/no/on/off was read as a boolean by YAML 1.1; {advice_en}",
                doc.location(path),
                path,
                expected=expected,
            )
        ]
    if keyword == "type":
        return [_wrong_type(doc, path, name, value, instance)]
    code = {
        "enum": "bad_value",
        "const": "bad_value",
        "minLength": "bad_value",
        "pattern": "bad_format",
        "format": "bad_format",
        "minimum": "out_of_range",
        "exclusiveMinimum": "out_of_range",
        "maximum": "out_of_range",
        "exclusiveMaximum": "out_of_range",
    }.get(keyword, "bad_value")
    expected = _expected(keyword, value)
    return [
        _problem(
            code,
            f"{name} 应为{_zh_expected(keyword, value)}，实际为{_zh_describe(instance)}",
            f"{name} expected {expected}, got {_describe(instance)}",
            doc.location(path),
            path,
            expected=expected,
        )
    ]


def _wrong_type(doc: Document, path: Path, name: str, types: Any, instance: Any) -> Problem:
    names = [types] if isinstance(types, str) else list(types)
    zh = "或".join(_TYPE_NAMES.get(t, (t, t))[0] for t in names)
    en = " or ".join(_TYPE_NAMES.get(t, (t, t))[1] for t in names)
    return _problem(
        "wrong_type",
        f"{name} 应为{zh}，实际为{_zh_describe(instance)}",
        f"{name} expected {en}, got {_describe(instance)}",
        doc.location(path),
        path,
        expected=en,
    )


def _expected(keyword: str, value: Any) -> str:
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        return " or ".join(_TYPE_NAMES.get(t, (t, t))[1] for t in names)
    if keyword == "enum":
        return "one of: " + ", ".join(str(v) for v in value)
    if keyword == "const":
        return json.dumps(value, ensure_ascii=False)
    if keyword == "minLength":
        return "a non-empty string"
    if keyword == "pattern":
        return _PATTERN_NAMES.get(value, (f"text matching {value}", ""))[0]
    if keyword == "format":
        return "a date YYYY-MM-DD" if value == "date" else f"format {value}"
    if keyword == "minimum":
        return f"a number >= {value}"
    if keyword == "exclusiveMinimum":
        return f"a number > {value}"
    if keyword == "maximum":
        return f"a number <= {value}"
    if keyword == "exclusiveMaximum":
        return f"a number < {value}"
    return f"{keyword} {value}"


def _zh_expected(keyword: str, value: Any) -> str:
    if keyword == "type":
        names = [value] if isinstance(value, str) else list(value)
        return "或".join(_TYPE_NAMES.get(t, (t, t))[0] for t in names)
    if keyword == "enum":
        return "以下之一：" + "、".join(str(v) for v in value)
    if keyword == "minLength":
        return "非空字符串"
    if keyword == "pattern":
        return _PATTERN_NAMES.get(value, ("", f"符合 {value} 的文本"))[1]
    if keyword == "format":
        return "日期 YYYY-MM-DD" if value == "date" else f"格式 {value}"
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        op = {
            "minimum": "不小于",
            "exclusiveMinimum": "大于",
            "maximum": "不大于",
            "exclusiveMaximum": "小于",
        }[keyword]
        return f"{op} {value} 的数值"
    return _expected(keyword, value)


_PATTERN_NAMES = {
    r"^[A-Za-z0-9_.-]+$": ("an id of letters, digits, _ . -", "由字母、数字、_ . - 组成的标识"),
    r"^(\d{6}|\d{9}|\d{12})$": ("a 6, 9 or 12 digit division code", "6、9 或 12 位行政区划代码"),
    r"^\d{4}-\d{2}-\d{2}$": ("a date YYYY-MM-DD", "日期 YYYY-MM-DD"),
    r"\S": ("a non-blank string", "非空白字符串"),
}


def _duplicate_ids(centers: Sequence[CenterDoc]) -> list[Problem]:
    first: dict[str, CenterDoc] = {}
    problems: list[Problem] = []
    for center in centers:
        seen = first.setdefault(center.id, center)
        if seen is center:
            continue
        where = seen.location(("id",))
        problems.append(
            _problem(
                "duplicate_center_id",
                f"中心标识 “{center.id}” 重复（首次出现于 {where}）",
                f"duplicate center id '{center.id}' (first at {where})",
                center.location(("id",)),
                (*center.base, "id"),
                expected="a unique center id",
            )
        )
    return problems


# --- helpers -------------------------------------------------------------------------------------


def _pattern(validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """``pattern`` as ECMA-262 reads it: ``$`` is the end of the text, not "before a final newline"."""
    if not isinstance(instance, str):
        return
    match = re.search(pattern, instance)
    if match is None or (pattern.endswith("$") and match.end() != len(instance)):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def center_schema() -> dict[str, Any]:
    """The JSON Schema of one center (for the API and the docs); a fresh copy each call."""
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@cache
def _schema_text() -> str:
    return resources.files("engine").joinpath("schemas", "center.schema.json").read_text(encoding="utf-8")


@cache
def _validator() -> Validator:
    extend: Callable[..., Any] = validators.extend
    cls = extend(Draft202012Validator, {"pattern": _pattern})
    validator: Validator = cls(center_schema(), format_checker=FormatChecker(formats=["date"]))
    return validator


def _at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _problem(code: str, zh: str, en: str, location: Location, path: Path = (), expected: str = "") -> Problem:
    return Problem(code, Text(zh, en), location, path, expected)


def _suggest(key: str, known: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _zh_hint(hint: str | None) -> str:
    return f"（是否应为 “{hint}”？）" if hint else ""


def _en_hint(hint: str | None) -> str:
    return f" (did you mean '{hint}'?)" if hint else ""


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"string {json.dumps(_short(value), ensure_ascii=False)}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value:g}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _zh_describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, str):
        return f"字符串 {json.dumps(_short(value), ensure_ascii=False)}"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, float):
        return f"数值 {value:g}"
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    return type(value).__name__


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
