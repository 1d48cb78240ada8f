"""The only YAML/JSON reader for user files: strict, and keeping every value's place.

``load_document(text, filename)`` returns a ``Document``: the plain data, a table
``spans`` from a path (``("center", "hall", "area_m2")``) to its ``Location``, and
the set of paths whose scalar was a YAML 1.1 boolean word (``yes``/``no``/``on``…)
written without quotes, so validators can name that mistake precisely.

Rules kept here (center-config.md): duplicate keys are an error; dates become ISO
strings; non-string keys are an error; a document that is empty is an error. YAML
anchors/aliases are refused (they make "billion laughs" bombs cheap and are never
needed in a declaration).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.errors import InputError, Location, Problem
from engine.text import Text

Path = tuple[str | int, ...]

YAML11_BOOL_WORDS = frozenset(
    w for base in ("yes", "no", "on", "off", "y", "n", "true", "false") for w in (base, base.upper(), base.title())
) - {"true", "false", "True", "False", "TRUE", "FALSE"}

MAX_DEPTH = 64


@dataclass
class Document:
    data: Any
    file: str
    spans: dict[Path, Location] = field(default_factory=dict)
    bool_words: set[Path] = field(default_factory=set)
    sha256: str = ""
    key_spans: dict[Path, Location] = field(default_factory=dict)

    def location(self, path: Path) -> Location:
        """The place of ``path``, or of its nearest declared parent."""
        p = tuple(path)
        while p:
            if p in self.spans:
                return self.spans[p]
            p = p[:-1]
        return self.spans.get((), Location(self.file, 1, 1))

    def key_location(self, path: Path) -> Location:
        """The place of the key naming ``path`` (a mapping entry), else ``location(path)``."""
        return self.key_spans.get(tuple(path)) or self.location(path)


def _loc(file: str, node: yaml.Node) -> Location:
    # PyYAML marks are 0-based; users count from 1.
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.spans: dict[Path, Location] = {}
        self.bool_words: set[Path] = set()
        self.key_spans: dict[Path, Location] = {}
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
        yaml.constructor.SafeConstructor.__init__(self._constructor)

    def build(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        self.spans[path] = _loc(self.file, node)
        if depth > MAX_DEPTH:
            self._problem("too_deep", "嵌套层级过深", f"nesting deeper than {MAX_DEPTH} levels", node, path)
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    self._problem("bad_key", "键必须是字符串", "a key must be a plain string", key_node, path)
                    continue
                key = self._text(key_node.value, key_node, (*path, key_node.value))
                if key in out:
                    first = self.spans.get((*path, key))
                    self._problem(
                        "duplicate_key",
                        f"重复的键 “{key}”（首次出现于第 {first.line if first else '?'} 行）",
                        f"duplicate key '{key}' (first at line {first.line if first else '?'})",
                        key_node,
                        (*path, key),
                    )
                    continue
                self.key_spans[(*path, key)] = _loc(self.file, key_node)
                out[key] = self.build(value_node, (*path, key), depth + 1)
                self.spans[(*path, key)] = _loc(self.file, value_node)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError):
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # looks like a date but is not one (2016-02-30): the schema says so
            self._problem(
                "bad_value",
                f"无法按标签 {node.tag} 读取该值",
                f"cannot read this value as {node.tag}",
                node,
                path,
            )
            return None
        if isinstance(value, str):
            return self._text(value, node, path)
        if isinstance(value, bool) and node.style is None and node.value in YAML11_BOOL_WORDS:
            self.bool_words.add(path)
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, bytes):
            return value.decode("latin-1")
        if isinstance(value, float) and not math.isfinite(value):  # NaN, .inf
            self._problem("wrong_type", "不是有效的数值", "not a valid (finite) number", node, path)
        return value

    def _text(self, value: str, node: yaml.Node, path: Path) -> str:
        """JSON writes a character outside the BMP (𡐓, an emoji) as a pair of ``\\u`` escapes, which the
        YAML reader leaves as two lone surrogates: join such pairs; a lone surrogate is no character."""
        if not any("\ud800" <= ch <= "\udfff" for ch in value):
            return value
        try:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            self._problem(
                "invalid_unicode",
                "文本含有不成对的 UTF-16 代理码位（\\ud800-\\udfff）",
                "the text holds an unpaired UTF-16 surrogate (\\ud800-\\udfff)",
                node,
                path,
            )
            return value

    def _problem(self, code: str, zh: str, en: str, node: yaml.Node, path: Path) -> None:
        self.problems.append(Problem(code, Text(zh, en), _loc(self.file, node), path))


class _NoAliasComposer(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                "while composing", None, "YAML aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


# YAML 1.1 reads 1e5 and 1.0e5 as strings; JSON (and YAML 1.2) read them as numbers.
_NoAliasComposer.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_document(raw: bytes | str, file: str) -> Document:
    """Parse one YAML or JSON document strictly; raise ``InputError`` with every problem found."""
    if isinstance(raw, bytes):
        digest = sha256_of(raw)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            good = raw[: exc.start].decode("utf-8-sig")
            line, col = _line_col(good, len(good))
            raise InputError.one(
                "bad_encoding",
                f"文件不是 UTF-8 编码（第 {exc.start} 字节）",
                f"file is not UTF-8 (byte {exc.start})",
                Location(file, line, col),
                expected="UTF-8 text",
            ) from None
    else:
        text = raw
        digest = sha256_of(raw.encode("utf-8"))
    if not text.strip():
        raise InputError.one(
            "empty_document", "文件为空", "the file is empty", Location(file, 1, 1), expected="a YAML mapping"
        )
    if file.endswith(".json"):
        try:
            json.loads(text)
        except RecursionError:
            raise _too_deep(file) from None
        except json.JSONDecodeError as exc:
            raise InputError.one(
                "json_syntax",
                f"JSON 语法错误：{exc.msg}",
                f"JSON syntax error: {exc.msg}",
                Location(file, exc.lineno, exc.colno),
                expected="valid JSON",
            ) from None
        text = text.replace("\t", " ")  # JSON allows tabs where YAML does not; columns stay put
    try:
        node = yaml.compose(text, Loader=_NoAliasComposer)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "syntax error"
        raise InputError.one(
            "yaml_syntax",
            f"YAML 语法错误：{what}",
            f"YAML syntax error: {what}",
            Location(file, line, col),
            expected="valid YAML",
        ) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        raise InputError.one(
            "yaml_syntax",
            f"YAML 语法错误：不允许的字符 #x{exc.character:04x}",
            f"YAML syntax error: character #x{exc.character:04x} is not allowed",
            Location(file, line, col),
            expected="valid YAML",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.one(
            "yaml_syntax", f"YAML 语法错误：{exc}", f"YAML syntax error: {exc}", Location(file, 1, 1)
        ) from None
    except RecursionError:
        raise _too_deep(file) from None
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and not node.value):
        raise InputError.one(
            "empty_document", "文件为空", "the file is empty", Location(file, 1, 1), expected="a YAML mapping"
        )
    builder = _Builder(file)
    data = builder.build(node, ())
    if builder.problems:
        raise InputError(builder.problems)
    return Document(data, file, builder.spans, builder.bool_words, digest, builder.key_spans)


def _line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _too_deep(file: str) -> InputError:
    return InputError.one("too_deep", "嵌套层级过深", f"nesting deeper than {MAX_DEPTH} levels", Location(file, 1, 1))


def read_document(path: str, display: str | None = None) -> Document:
    """Read a file from disk (``display`` is the name shown to the user)."""
    name = display or path
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise InputError.one(
            "unreadable_file",
            f"无法读取文件：{exc.strerror}",
            f"cannot read file: {exc.strerror}",
            Location(name),
        ) from None
    return load_document(raw, name)
