"""JSON Schema errors → ``Problem``s with their place in the user's file.

Like jsonschema's own ``iter_errors``: every error is collected, none is dropped.
Codes are stable: ``missing_field``, ``wrong_type``, ``bad_value``, ``bad_format``,
``out_of_range``, ``unknown_key``, ``yaml11_boolean``, ``invalid``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine.errors import Problem
from engine.source import Document
from engine.text import Text

Path = tuple[str | int, ...]

_JSON_TYPE = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "mapping",
    type(None): "null",
}
_ZH_TYPE = {
    "boolean": "布尔值",
    "integer": "整数",
    "number": "数值",
    "string": "字符串",
    "array": "列表",
    "object": "映射",
    "mapping": "映射",
    "null": "空值",
}


def type_name(value: Any) -> str:
    return _JSON_TYPE.get(type(value), type(value).__name__)


def dotted(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _expected_types(schema_type: Any) -> list[str]:
    return [schema_type] if isinstance(schema_type, str) else list(schema_type)


def _problem_for(err: ValidationError, doc: Document, base: Path) -> Problem:
    rel: Path = tuple(err.absolute_path)
    path = (*base, *rel)
    where = dotted(rel)
    kw = err.validator
    value = err.instance
    if kw == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        name = missing[0] if missing else "?"
        full = dotted((*rel, name))
        return Problem(
            "missing_field",
            Text(f"缺少必填字段 {full}", f"{full} is required but missing"),
            doc.location(path),
            (*path, name),
            name,
        )
    if kw == "additionalProperties":
        known = list((err.schema.get("properties") or {}).keys())
        extras = [k for k in value if k not in known] if isinstance(value, dict) else []
        pattern = next(iter(err.schema.get("patternProperties") or {}), None)
        if pattern:
            extras = [k for k in extras if not re.search(pattern, k)]
        key = extras[0] if extras else "?"
        close = difflib.get_close_matches(key, known, n=1)
        hint_en = f"; did you mean '{close[0]}'?" if close else ""
        hint_zh = f"；是否应为 “{close[0]}”？" if close else ""
        full = dotted((*rel, key))
        allowed = ", ".join(known)
        return Problem(
            "unknown_key",
            Text(f"未知字段 {full}{hint_zh}", f"unknown key {full}{hint_en}"),
            doc.location((*path, key)),
            (*path, key),
            f"one of: {allowed}",
        )
    if kw == "type":
        expected = _expected_types(err.validator_value)
        got = type_name(value)
        exp_en = " or ".join("mapping" if t == "object" else t for t in expected)
        exp_zh = "或".join(_ZH_TYPE.get(t, t) for t in expected)
        if path in doc.bool_words and "boolean" not in expected:
            return Problem(
                "yaml11_boolean",
                Text(
                    f"{where} 应为{exp_zh}；未加引号的词被 YAML 1.1 读成了布尔值，请加引号或改为数值",
                    f"{where} expected {exp_en}; the unquoted word was read as a YAML 1.1 boolean "
                    f"(yes/no/on/off): quote it",
                ),
                doc.location(path),
                path,
                exp_en,
            )
        return Problem(
            "wrong_type",
            Text(
                f"{where} 应为{exp_zh}，实际为{_ZH_TYPE.get(got, got)} {_show(value)}",
                f"{where} expected {exp_en}, got {got} {_show(value)}",
            ),
            doc.location(path),
            path,
            exp_en,
        )
    if kw in ("enum", "const"):
        allowed_values = err.validator_value if kw == "enum" else [err.validator_value]
        allowed = ", ".join(str(v) for v in allowed_values)
        if path in doc.bool_words:
            return Problem(
                "yaml11_boolean",
                Text(
                    f"{where} 应为以下之一：{allowed}；未加引号的词被 YAML 1.1 读成了布尔值，请加引号",
                    f"{where} expected one of: {allowed}; the unquoted word was read as a YAML 1.1 boolean: quote it",
                ),
                doc.location(path),
                path,
                allowed,
            )
        return Problem(
            "bad_value",
            Text(
                f"{where} 的值 {_show(value)} 不在允许范围内：{allowed}",
                f"{where} is {_show(value)}, expected one of: {allowed}",
            ),
            doc.location(path),
            path,
            allowed,
        )
    if kw in ("pattern", "format", "minLength", "maxLength"):
        if path in doc.bool_words:
            return Problem(
                "yaml11_boolean",
                Text(
                    f"{where} 未加引号的词被 YAML 1.1 读成了布尔值，请加引号",
                    f"{where}: the unquoted word was read as a YAML 1.1 boolean: quote it",
                ),
                doc.location(path),
                path,
                "a quoted string",
            )
        exp = str(err.validator_value) if kw != "minLength" else f"at least {err.validator_value} characters"
        return Problem(
            "bad_format",
            Text(f"{where} 的值 {_show(value)} 格式不符（应为 {exp}）", f"{where} is {_show(value)}, expected {exp}"),
            doc.location(path),
            path,
            exp,
        )
    if kw in (
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "minProperties",
        "uniqueItems",
    ):
        ops = {
            "minimum": "≥",
            "maximum": "≤",
            "exclusiveMinimum": ">",
            "exclusiveMaximum": "<",
            "minItems": "at least items:",
            "maxItems": "at most items:",
            "minProperties": "at least entries:",
            "uniqueItems": "unique items",
        }
        exp = f"{ops[kw]} {err.validator_value}" if kw != "uniqueItems" else "unique items"
        return Problem(
            "out_of_range",
            Text(f"{where} 的值 {_show(value)} 超出范围（应 {exp}）", f"{where} is {_show(value)}, expected {exp}"),
            doc.location(path),
            path,
            exp,
        )
    return Problem(
        "invalid",
        Text(f"{where} 无效：{err.message}", f"{where} is invalid: {err.message}"),
        doc.location(path),
        path,
        str(err.validator_value)[:80],
    )


def _leaves(errors: Iterable[ValidationError]) -> Iterable[ValidationError]:
    """anyOf/oneOf errors carry the useful ones in ``context``; report those."""
    for err in errors:
        if err.context and err.validator in ("anyOf", "oneOf"):
            deepest = max(len(e.absolute_path) for e in err.context)
            yield from _leaves(e for e in err.context if len(e.absolute_path) == deepest)
        else:
            yield err


def schema_problems(schema: dict[str, Any], data: Any, doc: Document, base: Path) -> list[Problem]:
    """Every schema violation of ``data`` (found at ``base`` in ``doc``), as ``Problem``s."""
    validator = Draft202012Validator(schema)
    out: list[Problem] = []
    seen: set[tuple[str, Path]] = set()
    for err in _leaves(validator.iter_errors(data)):
        p = _problem_for(err, doc, base)
        if (p.code, p.path) not in seen:
            seen.add((p.code, p.path))
            out.append(p)
    return out
