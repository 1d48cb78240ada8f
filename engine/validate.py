"""JSON Schema errors → ``Problem``s with their place in the user's file.

Like jsonschema's own ``iter_errors``: every error is collected; one problem per
place (the most telling). Codes are stable: ``missing_field``, ``wrong_type``,
``bad_value``, ``bad_format``, ``out_of_range``, ``unknown_key``,
``yaml11_boolean``. Shared by centers, standards and waivers.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.protocols import Validator

from engine.errors import Location, Problem
from engine.source import Document, Path
from engine.text import Text


@cache
def schema_validator(schema_file: str) -> Validator:
    """A validator for ``engine/schemas/<schema_file>``: draft 2020-12, ECMA ``$``, dates checked."""
    schema = json.loads(resources.files("engine").joinpath("schemas", schema_file).read_text(encoding="utf-8"))
    extend: Callable[..., Any] = validators.extend
    cls = extend(Draft202012Validator, {"pattern": _pattern})
    validator: Validator = cls(schema, format_checker=FormatChecker(formats=["date"]))
    return validator


def schema_problems(validator: Validator, doc: Document, base: Path) -> list[Problem]:
    """Every schema violation of the value at ``base`` in ``doc``, as ``Problem``s."""
    center = at(doc.data, base)
    if not isinstance(center, dict):
        return [wrong_type(doc, base, dotted(base), "object", center)]
    by_path: dict[Path, Problem] = {}
    errors = sorted(validator.iter_errors(center), key=lambda e: _PRIORITY.get(str(e.validator), 99))
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
    name = dotted(rel) or dotted(base)
    keyword = str(error.validator)
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "required":
        assert isinstance(instance, dict)
        return [
            problem(
                "missing_field",
                f"缺少必填字段 {dotted((*rel, key))}",
                f"{dotted((*rel, key))} is required",
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
            hint = suggest(key, known)
            where = dotted(rel) or "center"
            out.append(
                problem(
                    "unknown_key",
                    f"{where} 中有未知的键 “{key}”{zh_hint(hint)}；本地扩展字段请以 x- 开头",
                    f"unknown key '{key}' in {where}{en_hint(hint)}; local extensions start with x-",
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
            problem(
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
        return [wrong_type(doc, path, name, value, instance)]
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
        problem(
            code,
            f"{name} 应为{_zh_expected(keyword, value)}，实际为{zh_describe(instance)}",
            f"{name} expected {expected}, got {describe(instance)}",
            doc.location(path),
            path,
            expected=expected,
        )
    ]


def wrong_type(doc: Document, path: Path, name: str, types: Any, instance: Any) -> Problem:
    names = [types] if isinstance(types, str) else list(types)
    zh = "或".join(_TYPE_NAMES.get(t, (t, t))[0] for t in names)
    en = " or ".join(_TYPE_NAMES.get(t, (t, t))[1] for t in names)
    return problem(
        "wrong_type",
        f"{name} 应为{zh}，实际为{zh_describe(instance)}",
        f"{name} expected {en}, got {describe(instance)}",
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


# --- helpers -------------------------------------------------------------------------------------


def pattern_matches(pattern: str, instance: str) -> bool:
    """``pattern`` as ECMA-262 reads it: ``$`` is the end of the text, not "before a final newline"."""
    match = re.search(pattern, instance)
    return match is not None and (not pattern.endswith("$") or match.end() == len(instance))


def _pattern(validator: Validator, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if isinstance(instance, str) and not pattern_matches(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problem(code: str, zh: str, en: str, location: Location, path: Path = (), expected: str = "") -> Problem:
    return Problem(code, Text(zh, en), location, path, expected)


def suggest(key: str, known: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def zh_hint(hint: str | None) -> str:
    return f"（是否应为 “{hint}”？）" if hint else ""


def en_hint(hint: str | None) -> str:
    return f" (did you mean '{hint}'?)" if hint else ""


def describe(value: Any) -> str:
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


def zh_describe(value: Any) -> str:
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
