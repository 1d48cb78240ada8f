"""The fast path for bulk input: the same ``Document`` as the strict loader, or ``None``.

``engine.source.load_document`` (the strict loader) composes YAML in pure Python to keep
every value's place; it costs ≈ 2.6 ms for a 1.5 KB center. Most bulk input is plain
block YAML as tools write it, or one JSON object per line, and for those this module
builds the very same ``Document`` (data, and every value's and key's place), or answers
``None`` — "ask the strict loader" — on anything outside the subset it reads exactly:

- YAML (``scan_yaml``), in two tiers. First ``scan_yaml_rs``: yaml-rs (Rust, YAML 1.2) reads
  the text, once one regular expression over the whole text (``_RS_GRAMMAR``) has found it
  inside the subset where YAML 1.2 and the strict loader's YAML 1.1 give the same data; places
  are found only when a report asks for one (``YamlDocument``), ≈ 45 µs per center instead of
  ≈ 150. Else ``scan_yaml_lines``, a line scanner in Python that builds data and places in one
  pass (yaml-rs not installed, or a text the first tier declines but this one reads: a key such
  as ``1`` or ``true``, a plain scalar such as ``_1``). Both read block mappings and indented
  block sequences; one-line plain, single- or double-quoted scalars (no backslash escapes) and
  one-line flow sequences of such scalars; comments. Declined: tabs, CR, ``---``/``...``,
  flow mappings, anchors, aliases, tags, block scalars (``|`` ``>``), multi-line scalars,
  indentless sequences, empty values, duplicate keys, deep nesting, and any plain scalar whose
  YAML 1.1 reading is not one of: a string, ``true``/``false``, ``null``/``~``, a decimal
  integer without sign or leading zero (``-`` allowed), a decimal number ``d.d``, or a date
  ``YYYY-MM-DD`` (kept as text, as the strict loader keeps it). So ``yes``/``on``, ``0x1f``,
  ``010``, ``1_000``, ``1e5``, ``.inf`` all go to the strict loader, which reads them and
  explains them.
- JSON Lines (``scan_json_line``): one object per line, read by ``json`` (orjson when
  installed), places from a tokenizer; declined on duplicate keys, numbers past 64 bits or
  with an exponent, and escapes that are not plain (``\\ud800``).

Validation (``fast_valid``) asks jsonschema-rs' ``is_valid`` first when it is installed,
then re-checks in Python the keywords whose meaning differs between the two (``pattern``:
Python's ``\\s`` and ``\\d`` are not Rust's; ``format: date``). A center it does not vouch
for goes through the Python validator, which explains it with file, line and column
(``engine.center``). Equality with the strict path is tested on every file of
tests/data and examples (tests/unit/engine/test_fastload.py) and on generated YAML
(tests/unit/engine/test_fastload_yaml_rs.py).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

import yaml

from engine.center import CenterDoc, _center_bases, _input_files, _parse
from engine.errors import InputError, Location, Problem
from engine.source import MAX_DEPTH, Document, Path, _NoAliasComposer, load_document, read_document, sha256_of
from engine.validate import at, schema_problems, schema_validator, wrong_type

try:  # optional accelerators: without them the fast path still works, a little slower
    import orjson

    _json_loads: Callable[[str], Any] = orjson.loads
except ImportError:  # pragma: no cover
    _json_loads = json.loads
try:
    import yaml_rs
except ImportError:  # pragma: no cover
    yaml_rs = None  # type: ignore[assignment]

MAX_FAST_DEPTH = 60
_RESOLVED_FIRST = frozenset(k for k in _NoAliasComposer.yaml_implicit_resolvers if k)
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INDICATORS = frozenset("[]{},#&*!|>'\"%@`")
_NULLS = frozenset(("~", "null", "Null", "NULL"))
# what the YAML reader refuses, and what it takes for a line break besides \n
_NON_PRINTABLE = re.compile("[^\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]")


class Decline(Exception):
    """The fast path does not read this exactly: ask the strict loader."""


def _plain(raw: str) -> Any:
    """A one-line plain scalar as the strict loader (YAML 1.1, dates as text) reads it."""
    if raw[0] not in _RESOLVED_FIRST:
        return raw
    return _resolved(raw)


@lru_cache(maxsize=65536)
def _resolved(raw: str) -> Any:
    if _INT.fullmatch(raw):
        return int(raw)
    if _FLOAT.fullmatch(raw):
        number = float(raw)
        if not math.isfinite(number):
            raise Decline(raw)  # the strict loader says it is no valid number
        return number
    if _DATE.fullmatch(raw):
        return raw
    if raw == "true":
        return True
    if raw == "false":
        return False
    if raw in _NULLS:
        return None
    tag = _NoAliasComposer.resolve(_NoAliasComposer, yaml.ScalarNode, raw, (True, False))  # type: ignore[arg-type, no-untyped-call]
    if tag != "tag:yaml.org,2002:str":
        raise Decline(raw)
    return raw


def _scalar(text: str, col: int) -> tuple[Any, int]:
    """The scalar starting at ``text[col]`` (one line); its value and the index just after it."""
    ch = text[col]
    if ch == '"':
        end = text.find('"', col + 1)
        if end < 0:
            raise Decline("open quote")
        return text[col + 1 : end], end + 1
    if ch == "'":
        i = col + 1
        while True:
            end = text.find("'", i)
            if end < 0:
                raise Decline("open quote")
            if text.startswith("''", end):
                i = end + 2
                continue
            return text[col + 1 : end].replace("''", "'"), end + 1
    raise Decline("not quoted")


def _rest_is_empty(text: str, i: int) -> None:
    """Nothing but spaces, or spaces and a comment, after a value ending at ``i``."""
    tail = text[i:]
    rest = tail.lstrip(" ")
    if rest and not (rest[0] == "#" and len(rest) < len(tail)):
        raise Decline("text after a value")


def _plain_text(text: str, col: int) -> str:
    """A plain scalar from ``col`` to a comment or the end of the line."""
    end = text.find(" #", col)
    raw = (text[col:] if end < 0 else text[col:end]).rstrip(" ")
    if raw[0] in _INDICATORS or raw[:2] in ("- ", "? ", ": ") or raw in ("-", "?", ":"):
        raise Decline("indicator")
    if ": " in raw or raw.endswith(":"):
        raise Decline("colon in a plain scalar")
    return raw


def _flow(text: str, col: int, line: int, file: str, path: Path, spans: dict[Path, Any]) -> list[Any]:
    """A one-line flow sequence of scalars at ``text[col] == '['``."""
    out: list[Any] = []
    i = col + 1
    n = len(text)
    while True:
        while i < n and text[i] == " ":
            i += 1
        if i >= n:
            raise Decline("open flow sequence")
        if text[i] == "]":
            _rest_is_empty(text, i + 1)
            return out
        if out:
            if text[i] != ",":
                raise Decline("flow sequence")
            i += 1
            while i < n and text[i] == " ":
                i += 1
            if i < n and text[i] == "]":
                _rest_is_empty(text, i + 1)  # a trailing comma, as YAML allows
                return out
        if i >= n:
            raise Decline("open flow sequence")
        spans[(*path, len(out))] = (line, i + 1)
        ch = text[i]
        if ch in "\"'":
            value, i = _scalar(text, i)
            out.append(value)
            continue
        j = i
        while j < n and text[j] not in ",]":
            j += 1
        raw = text[i:j].rstrip(" ")
        if not raw or raw[0] in _INDICATORS or raw[0] == "?" or raw == "-" or raw.startswith("- "):
            raise Decline("flow scalar")  # "?" starts a key in a flow sequence, "- " an item of a block one
        if " #" in raw or any(c in raw for c in "[]{}:?"):
            raise Decline("flow scalar")
        out.append(_plain(raw))
        i = j


def _value(text: str, col: int, line: int, file: str, path: Path, spans: dict[Path, Any]) -> Any:
    """The value starting at ``text[col]``, ending on its line."""
    spans[path] = (line, col + 1)
    ch = text[col]
    if ch == "[":
        return _flow(text, col, line, file, path, spans)
    if ch in "\"'":
        value, end = _scalar(text, col)
        _rest_is_empty(text, end)
        return value
    return _plain(_plain_text(text, col))


class _Places(dict):  # type: ignore[type-arg]
    """Places kept as (line, column) pairs, handed out as ``Location``s (``spans[path].line`` works)."""

    def __init__(self, file: str, pairs: dict[Path, Any]) -> None:
        super().__init__(pairs)
        self.file = file

    def __getitem__(self, path: Path) -> Location:
        line, col = dict.__getitem__(self, path)
        return Location(self.file, line, col)

    def get(self, path: Path, default: Any = None) -> Any:
        return self[path] if path in self else default

    def values(self) -> Any:
        return [self[p] for p in self]

    def items(self) -> Any:
        return [(p, self[p]) for p in self]


class FastDocument(Document):
    """A ``Document`` whose places are kept as (line, column) pairs and made ``Location``s when asked.
    It has no ``key_spans``: a document with any problem is read again by the strict loader, which
    explains it."""

    def location(self, path: Path) -> Location:
        spans = self.spans
        p = tuple(path)
        while p:
            if p in spans:
                return spans[p]
            p = p[:-1]
        if () in spans:
            return spans[()]
        return Location(self.file, 1, 1)

    def key_location(self, path: Path) -> Location:
        return self.location(path)

    def places(self) -> dict[Path, Location]:
        """The spans as ``Location``s (to compare with the strict loader's)."""
        raw: Any = dict.items(self.spans)
        return {p: Location(self.file, *pos) for p, pos in raw}


# ---------------------------------------------------------------- YAML through yaml-rs
#
# yaml-rs reads YAML 1.2, the strict loader YAML 1.1 (and keeps dates as text). They read the same
# data where ``_RS_GRAMMAR`` matches — one regular expression over the whole text, no Python step
# per line. Lines: ``key: value``; ``key:`` with a deeper block below; ``- value``; ``- key: value``
# and ``- key:`` (any spaces after the dash); comments; blank lines. The line after a complete value
# may not be deeper than it (a multi-line plain scalar); the line after ``key:`` must be deeper (else
# the value is empty, or an indentless sequence). Values, on one line:
# - a plain scalar whose first character no resolver of either reader looks at (a letter, a CJK
#   character, "$", "(", …; not a digit, sign, ".", "_", "~", an indicator), and that is not a YAML
#   1.1 boolean word (yes/no/on/off); words read alike (true, null, True, NULL…) are fine. Without
#   ": " (yaml-rs refuses it after a key; after a dash it would make a mapping, so it is checked);
# - a number in the forms both read alike: a decimal integer without a leading zero, ``d.d``, at
#   most 18 digits before the point and 20 after; ``~``; a date ``YYYY-MM-DD`` (yaml-rs keeps it
#   as text with ``parse_datetime=False``, as the strict loader does);
# - a quoted scalar closed on its line, with no backslash; a one-line flow sequence of such
#   scalars (its plain ones without ``:``, ``?``, brackets).
# Keys: plain, not starting as a value may not (YAML 1.2 reads ``1:`` or ``true:`` as a number or a
# boolean key, the strict loader as text), at most 200 characters. Nothing deeper than 49 columns
# (nesting stays well under ``MAX_DEPTH``), no character of ``_RS_BAD`` anywhere, the first line a
# key at column 1. What the grammar lets through and yaml-rs refuses (bad indentation, ``a: b: c``,
# a duplicate key: ``DuplicateKeyPolicy.Error``) is declined too. Checked against the strict
# loader on every file of tests/data and examples, on generated documents and on every short
# scalar in every position (tests/unit/engine/test_fastload_yaml_rs.py).

# tabs, CR, backslash escapes, anchors, aliases, tags, flow mappings, and what the YAML reader
# refuses or takes for a line break: no class of the grammar takes them
_RS_BAD = "\t\r\\\\&*!{\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\ufeff"
_RS_N = "\n" + _RS_BAD
_RS_KEY = (
    rf"(?:[^ :#'\"\[\]{{}},|>%@`?\-<=.+~0-9_tTfFnN{_RS_N}]"
    r"|(?!(?:true|True|TRUE|false|False|FALSE|null|Null|NULL):)[tTfFnN])"
    rf"[^:#{_RS_N}]{{0,199}}+(?<! )"
)
_RS_BOOL11 = r"(?:[yY]es|YES|[nN]o|NO|[oO]n|ON|[oO]ff|OFF)"
# the first character of a plain scalar (y, n, o: below); yaml-rs reads "_1" as 1
_RS_FIRST = rf"[^ \-+.0-9~<=\[\]{{}},#|>'\"%@`?:_yYnNoO{_RS_N}]"
_RS_NUMBER = r"(?:-?(?:[0-9]{1,18}+\.[0-9]{0,20}+|0|[1-9][0-9]{0,17}+)|[0-9]{4}-[0-9]{2}-[0-9]{2}|~)"
_RS_QUOTED = rf"(?:\"[^\"{_RS_N}]*+\"|'(?:[^'{_RS_N}]++|'')*+')"
_RS_TAIL = rf"(?: ++#[^{_RS_N}]*+)? *+\n"  # a comment, or spaces, to the end of the line
_RS_PLAIN = rf"(?:{_RS_FIRST}|(?!{_RS_BOOL11}{_RS_TAIL})[yYnNoO])[^{_RS_N}]*+(?<!:)\n"
_RS_FLOW_END = r"(?= *+[,\]])"
_RS_FLOW_PLAIN = (
    rf"(?:{_RS_FIRST}|(?!{_RS_BOOL11}{_RS_FLOW_END})[yYnNoO])"
    rf"(?:[^ ,?\[\]{{}}:{_RS_N}]++| ++(?=[^ ,?\[\]{{}}:#{_RS_N}]))*+"  # "#" after a space: a comment
)
_RS_FLOW_ITEM = rf"(?:{_RS_FLOW_PLAIN}|{_RS_QUOTED}|{_RS_NUMBER}{_RS_FLOW_END})"
_RS_FLOW = rf"\[ *+(?:{_RS_FLOW_ITEM} *+(?:, *+{_RS_FLOW_ITEM} *+)*+(?:, *+)?)?\]"
_RS_VALUE = rf"(?:{_RS_PLAIN}|(?:{_RS_QUOTED}|{_RS_FLOW}|{_RS_NUMBER}){_RS_TAIL})"  # to the end of the line
# the plain scalar of "- item": no ": " in it (that would make the item a mapping)
_RS_ITEM_PLAIN = (
    rf"(?:{_RS_FIRST}|(?!{_RS_BOOL11}{_RS_TAIL})[yYnNoO])(?:[^: {_RS_N}]++|:(?=[^ \n])| ++(?=[^ #\n]))*+{_RS_TAIL}"
)
_RS_ITEM = rf"(?:{_RS_ITEM_PLAIN}|(?:{_RS_QUOTED}|{_RS_FLOW}|{_RS_NUMBER}){_RS_TAIL})"
_RS_BLANK = rf"[ ]*+(?:#[^{_RS_N}]*+)?\n"  # a blank or comment line
_RS_SKIP = rf"(?:{_RS_BLANK})*+"
_RS_GRAMMAR = re.compile(
    rf"(?={_RS_SKIP}[^ \n#\-])(?:"
    rf"(?P<i> {{0,49}}+)(?:"
    rf"{_RS_KEY}:(?: ++{_RS_VALUE}(?!{_RS_SKIP}(?P=i) )|{_RS_TAIL}(?={_RS_SKIP}(?P=i) ))"
    rf"|(?<=[ ])-(?P<g> ++)(?:"
    rf"{_RS_KEY}:(?: ++{_RS_VALUE}(?!{_RS_SKIP}(?P=i) (?P=g) )|{_RS_TAIL}(?={_RS_SKIP}(?P=i) (?P=g) ))"
    rf"|{_RS_ITEM}(?!{_RS_SKIP}(?P=i) )"
    rf"))|{_RS_BLANK})*+"
)
_RS_ROOT = re.compile(rf"{_RS_SKIP}")  # the blank and comment lines before the root mapping
# after a key's colon and spaces, when its value is the block below: to the block (group 1: its indent)
_RS_BLOCK_AT = re.compile(rf"(?:#[^\n]*+)?\n{_RS_SKIP}( *+)")
_RS_FLOW_ITEM_AT = re.compile(r" *+(\"[^\"\n]*+\"|'(?:[^'\n]++|'')*+'|[^ ,\]\n][^,\]\n]*+) *+([,\]])")


def scan_yaml_rs(text: str, file: str, digest: str) -> YamlDocument | None:
    """``text`` as the strict loader would read it, read by yaml-rs, or ``None`` (outside ``_RS_GRAMMAR``,
    or yaml-rs refuses it, or yaml-rs is not installed)."""
    if yaml_rs is None:  # pragma: no cover
        return None
    if not text.endswith("\n"):
        text += "\n"
    if _RS_GRAMMAR.fullmatch(text) is None:
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except Exception:  # a syntax error (bad indentation…) or a duplicate key: the strict loader says which
        return None
    if type(data) is not dict:
        return None
    return YamlDocument(data, file, text, digest)


class _Mismatch(Exception):
    """The text does not have the shape the data says (never seen: ``_RS_GRAMMAR`` rules it out)."""


# where a value is: (offset and line of its key (-1, 0: an item, or the root), its line and column, its
# offset, itself)
_Place = tuple[int, int, int, int, int, Any]


class YamlDocument(FastDocument):
    """A YAML document read by yaml-rs, whose places are found when a report asks for one, as
    ``JsonLineDocument``'s: the path is followed through the text, each step from the place of the
    step before (``_find``: the line of a key is found by one search of the text; ``_item``: the items
    of a sequence, up to the one asked), and every place found is kept. ``spans`` and ``key_spans``
    (every place) are worked out only when read. Should the text ever not have the shape the data
    says, every place is taken from the strict loader instead."""

    def __init__(self, data: Any, file: str, text: str, digest: str) -> None:
        self._text = text  # ends with a newline
        self._spans: Any = None
        self._key_spans: Any = None
        self._strict = False
        super().__init__(data, file, None, set(), digest, None)  # type: ignore[arg-type]
        root = _RS_ROOT.match(text).end()  # type: ignore[union-attr]
        self._places: dict[Path, _Place] = {(): (-1, 0, text.count("\n", 0, root) + 1, 1, root, data)}
        self._asked: dict[Path, Location] = {}  # the answers of ``location``
        # of each sequence asked: where its items found so far start, and the furthest item whose line
        # was counted (index, offset, line)
        self._rows: dict[Path, tuple[list[int], int, int, int]] = {}

    @property
    def spans(self) -> Any:
        if self._spans is None:
            try:
                places = {p: (line, column) for p, line, column, _ in self._every_place()}
            except _Mismatch:
                self._use_strict()
            else:
                self._spans = _Places(self.file, places)
        return self._spans

    @spans.setter
    def spans(self, value: Any) -> None:
        self._spans = value

    @property
    def key_spans(self) -> Any:
        if self._key_spans is None:
            try:
                self._key_spans = {p: key for p, _, _, key in self._every_place() if key is not None}
            except _Mismatch:
                self._use_strict()
        return self._key_spans

    @key_spans.setter
    def key_spans(self, value: Any) -> None:
        self._key_spans = value

    def location(self, path: Path) -> Location:
        if type(path) is not tuple:
            path = tuple(path)
        found = self._asked.get(path)
        if found is not None:
            return found
        if not self._strict:
            try:
                place = self._find(path)[1]
            except _Mismatch:
                self._use_strict()
            else:
                found = self._asked[path] = Location(self.file, place[2], place[3])
                return found
        return Document.location(self, path)

    def key_location(self, path: Path) -> Location:
        if not self._strict:
            try:
                found, (key, key_line, line, column, _, _) = self._find(tuple(path))
            except _Mismatch:
                self._use_strict()
            else:
                if found and key >= 0:
                    return Location(self.file, key_line, key - self._text.rfind("\n", 0, key))
                return Location(self.file, line, column)
        return Document.key_location(self, path)

    def places(self) -> dict[Path, Location]:
        spans = self.spans
        return {p: spans[p] for p in spans}

    def _use_strict(self) -> None:
        strict = load_document(self._text, self.file)
        self._strict = True
        self._asked.clear()
        self._spans = _Places(self.file, {p: (loc.line, loc.column) for p, loc in strict.spans.items()})
        self._key_spans = dict(strict.key_spans)

    def _find(self, path: Path) -> tuple[bool, _Place]:
        """(whether all of ``path`` is there, its place); past the end of what is there, the place of the
        longest prefix of ``path`` that is (as ``Document.location`` answers). Each step goes from the
        place of the container: the entry ``key`` of a block mapping is on the first line after its first
        key that is indented as that key and starts with ``key:`` (the lines between are the mapping's,
        which has no duplicate keys, or deeper); an item of a sequence: ``_item``."""
        places = self._places
        place = places.get(path)
        if place is not None:
            return True, place
        n = len(path) - 1
        while (place := places.get(path[:n])) is None:  # () is always there
            n -= 1
        text = self._text
        for i in range(n, len(path)):
            part = path[i]
            node = place[5]
            if type(node) is dict:
                if type(part) is not str or part not in node:
                    return False, place
                _, _, line, column, start, _ = place
                size = len(part)
                if text.startswith(part, start) and text[start + size] == ":":
                    row = start
                else:
                    row = text.find(f"\n{' ' * (column - 1)}{part}:", start)
                    if row < 0:
                        raise _Mismatch(self.file)
                    row += column
                    line += text.count("\n", start, row)
                at = row + size + 1
                while text[at] == " ":
                    at += 1
                if text[at] not in "\n#":  # the value is on the key's line
                    place = (row, line, line, column + at - row, at, node[part])
                else:  # the value is the block on the next lines
                    m = _RS_BLOCK_AT.match(text, at)
                    at = m.end()  # type: ignore[union-attr]
                    place = (row, line, line + text.count("\n", row, at), len(m.group(1)) + 1, at, node[part])  # type: ignore[union-attr]
                places[path[: i + 1]] = place
            elif type(node) is list:
                if not isinstance(part, int) or not 0 <= part < len(node):
                    return False, place
                place = places[path[: i + 1]] = self._item(path[:i], place, part)
            else:
                return False, place
        return True, place

    def _item(self, path: Path, place: _Place, index: int) -> _Place:
        """The place of item ``index`` of the sequence at ``path`` (whose place is ``place``). The items of
        a flow sequence are found all at once (``_flow_items``); those of a block sequence are the first
        ``len(sequence)`` lines indented as its first one and starting with a dash (the lines between are
        its items' or deeper), found up to the one asked; lines are counted from the furthest item
        counted before."""
        text = self._text
        _, _, line, column, start, node = place
        rows = self._rows.get(path)
        if rows is None:
            offsets = self._flow_items(start, len(node)) if text[start] == "[" else [start]
            rows = (offsets, 0, start, line)
        offsets, last, last_row, last_line = rows
        if len(offsets) <= index:
            dash = f"\n{' ' * (column - 1)}- "
            row = offsets[-1]
            while len(offsets) <= index:
                row = text.find(dash, row)
                if row < 0:
                    raise _Mismatch(self.file)
                row += column
                offsets.append(row)
        row = offsets[index]
        if last <= index:
            line = last_line + text.count("\n", last_row, row)
            rows = (offsets, index, row, line)
        else:
            line += text.count("\n", start, row)
        self._rows[path] = rows
        if text[start] == "[":
            return -1, 0, line, column + row - start, row, node[index]
        at = row + 1  # past the dash and the spaces after it
        while text[at] == " ":
            at += 1
        if text[row] != "-":
            raise _Mismatch(self.file)
        return -1, 0, line, column + at - row, at, node[index]

    def _flow_items(self, start: int, size: int) -> list[int]:
        """Where each of the ``size`` items of the flow sequence at ``start`` starts."""
        text = self._text
        rows: list[int] = []
        i = start + 1
        while len(rows) < size and (m := _RS_FLOW_ITEM_AT.match(text, i)) is not None:
            rows.append(m.start(1))
            if m.group(2) == "]":
                break
            i = m.end()
        if len(rows) != size:
            raise _Mismatch(self.file)
        return rows

    def _every_place(self) -> Iterator[tuple[Path, int, int, Location | None]]:
        """(path, line, column, the place of its key or None) of every value of the document."""
        paths: list[Path] = [()]
        while paths:
            path = paths.pop()
            found, (key, key_line, line, column, _, node) = self._find(path)
            assert found
            key_place = Location(self.file, key_line, key - self._text.rfind("\n", 0, key)) if key >= 0 else None
            yield path, line, column, key_place
            if type(node) is dict:
                paths.extend((*path, k) for k in node)
            elif type(node) is list:
                paths.extend((*path, i) for i in range(len(node)))


# ---------------------------------------------------------------- YAML, line by line

_LINE = re.compile(
    r"^( *)(?:(-)( +|$))?(?:([^\s:#'\"\[\]{},&*!|>%@`?\-<=][^\s:#]*(?: [^\s:#]+)*):(?: +|$))?(.*)$", re.M
)
_DECLINE = re.compile(
    r"[\t\r\\&*!{\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\ufeff]"
    r"|^(?:---|\.\.\.|%)",
    re.M,
)


def scan_yaml(text: str, file: str, digest: str) -> FastDocument | None:
    """``text`` (one YAML document) as the strict loader would read it, or ``None``: read by yaml-rs
    (``scan_yaml_rs``), else line by line (``scan_yaml_lines``)."""
    return scan_yaml_rs(text, file, digest) or scan_yaml_lines(text, file, digest)


def scan_yaml_lines(text: str, file: str, digest: str) -> FastDocument | None:
    """``text`` read line by line in Python, as the strict loader would read it, or ``None``."""
    if _DECLINE.search(text):
        return None  # rare in bulk data; the strict loader reads these
    try:
        return _scan_yaml(text, file, digest)
    except (Decline, ValueError, IndexError, TypeError):
        return None


def _scan_yaml(text: str, file: str, digest: str) -> FastDocument:
    spans: dict[Path, Any] = {}
    # the open block collections, innermost last: (column, path, container, is_sequence)
    stack: list[tuple[int, Path, Any, bool]] = []
    pending: tuple[Path, Any, Any, int] | None = None  # a "key:" (and its column) whose value is below
    root: Any = None
    line_no = 0
    for m in _LINE.finditer(text):
        line_no += 1
        indent, dash, gap, key, rest = m.groups()
        if not dash and not key and (not rest or rest[0] == "#"):
            continue  # blank, or a comment
        col = len(indent)
        while stack and stack[-1][0] > col:
            stack.pop()
        is_item = dash is not None
        top = stack[-1] if stack else None
        if top is not None and top[0] == col:
            if pending is not None or top[3] != is_item:
                raise Decline("structure")
            _, cpath, container, _ = top
        else:
            # a new block: the value of the pending key, or the document itself
            if pending is not None:
                cpath, parent, pkey, pcol = pending
                pending = None
                if col <= pcol:
                    raise Decline("indentation")  # less indented than its key: the strict loader refuses it
            elif root is None and not stack and not is_item and col == 0:
                cpath, parent, pkey = (), None, None
            else:
                raise Decline("indentation")
            if len(cpath) > MAX_FAST_DEPTH:
                raise Decline("deep")
            container = [] if is_item else {}
            spans[cpath] = (line_no, col + 1)
            if parent is None:
                root = container
            else:
                parent[pkey] = container
            stack.append((col, cpath, container, is_item))
        if is_item:
            if not gap or (not key and not rest):
                raise Decline("empty item")
            inner = col + 1 + len(gap)
            ipath = (*cpath, len(container))
            if key is None:
                if rest[:2] in ("- ", "-") or rest[0] == "#":
                    raise Decline("nested sequence")
                container.append(_value(m.group(0), inner, line_no, file, ipath, spans))
                continue
            item: dict[str, Any] = {}
            container.append(item)
            spans[ipath] = (line_no, inner + 1)
            stack.append((inner, ipath, item, False))
            container, cpath, col = item, ipath, inner
        elif key is None:
            raise Decline("not a key")
        if key in container:
            raise Decline("duplicate key")
        kpath = (*cpath, key)
        if not rest or rest[0] == "#":
            if rest and m.group(0)[m.start(5) - m.start(0) - 1] != " ":
                raise Decline("comment")
            pending = (kpath, container, key, col)
            container[key] = None
            continue
        container[key] = _value(m.group(0), m.start(5) - m.start(0), line_no, file, kpath, spans)
    if pending is not None or root is None:
        raise Decline("empty value")
    return FastDocument(root, file, _Places(file, spans), set(), digest, {})


# ---------------------------------------------------------------- JSON Lines

_TOKEN = re.compile(
    r'\s*(?:("(?:[^"\\]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*")|([{}\[\],:])|(-?[0-9][0-9.]*|true|false|null))'
)
_SURROGATE = re.compile(r"\\u[dD][89abAB]")


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # every string (the text is valid JSON)
_JSON_KEY = re.compile(r'"[ \t\n\r]*:')  # a key, once each string is cut to one '"'
# once the strings are cut: an exponent, or a number the tokenizer declines (> 18 characters)
# (one leading class, so the scan skips other characters fast: the same matches as
# "[0-9][eE]|-[0-9][0-9.]{17,}|[0-9][0-9.]{18,}", tests/unit/engine/test_fastload.py)
_JSON_BAD_NUMBER = re.compile(r"[-0-9](?:(?<=[0-9])(?:[eE]|[0-9.]{18,})|(?<=-)[0-9][0-9.]{17,})")
_JSON_WS = re.compile(r"[ \t\n\r]*")


def scan_json_line(line: str, file: str, line_no: int, digest: str) -> FastDocument | None:
    """One JSON Lines record (``{...}`` on line ``line_no``) as the strict loader would read it, or ``None``.

    The data is orjson's; what the places tokenizer (``_json_places``) would decline is declined
    here without it — duplicate keys (fewer keys in the data than in the text), exponents, long
    numbers, nesting past ``MAX_FAST_DEPTH`` — and places are found only when asked
    (``JsonLineDocument``)."""
    # line.isprintable() (C, one pass) implies no _NON_PRINTABLE character: what that class refuses
    # (controls, surrogates, U+2028/2029/FEFF, noncharacters) Python does not call printable
    if ("\\u" in line and _SURROGATE.search(line)) or (not line.isprintable() and _NON_PRINTABLE.search(line)):
        return None
    try:
        data = _json_loads(line)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        keys = _keys_in(data, 1)
    except Decline:
        return None
    # First on the line as it is: the strings' contents can only add matches (a string holds no
    # structure, and cutting a string never joins the characters around it), so no bad number and
    # as many key marks as keys in the data already settle it; else the strings are cut (exact)
    if _JSON_BAD_NUMBER.search(line) or len(_JSON_KEY.findall(line)) != keys:
        bare = _JSON_STRING.sub('"', line)  # structure, numbers and literals: each string cut to one '"'
        if _JSON_BAD_NUMBER.search(bare):
            return None
        if len(_JSON_KEY.findall(bare)) != keys:
            return None  # a duplicate key: orjson kept the last, the strict loader says which
    return JsonLineDocument(data, file, line, line_no, digest)


def _keys_in(node: Any, depth: int) -> int:
    """How many keys the mappings of ``node`` hold; Decline past ``MAX_FAST_DEPTH`` levels."""
    if depth > MAX_FAST_DEPTH:
        raise Decline("deep")
    if type(node) is dict:
        n = len(node)
        values: Any = node.values()
    else:
        n = 0
        values = node
    for v in values:
        if type(v) is dict or type(v) is list:
            n += _keys_in(v, depth + 1)
    return n


_scan_value = json.scanner.c_make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]
_scan_string = json.decoder.scanstring  # type: ignore[attr-defined]


class JsonLineDocument(FastDocument):
    """A JSON Lines record whose places are found when a report asks for one: the path is followed
    through the text (the C scanner of ``json`` skips the values on the way), and what each container
    holds is remembered. ``spans`` (every place, for ``places()``) is worked out only when read."""

    def __init__(self, data: Any, file: str, line: str, line_no: int, digest: str) -> None:
        self._line = line
        self._line_no = line_no
        self._spans: Any = None
        self._children: dict[Path, dict[Any, int]] = {}
        super().__init__(data, file, None, set(), digest, {})  # type: ignore[arg-type]
        self._root = _JSON_WS.match(line).end()  # type: ignore[union-attr]

    @property
    def spans(self) -> Any:
        if self._spans is None:
            self._spans = _Places(self.file, _json_places(self._line, self._line_no))
        return self._spans

    @spans.setter
    def spans(self, value: Any) -> None:
        self._spans = value

    def location(self, path: Path) -> Location:
        if self._spans is not None:
            return super().location(path)
        start = self._root
        node = self.data
        prefix: Path = ()
        for part in path:
            if type(node) is dict:
                if type(part) is not str or part not in node:
                    break
            elif type(node) is list:
                if type(part) is not int or not 0 <= part < len(node):
                    break
            else:
                break
            children = self._children.get(prefix)
            if children is None:
                children = self._children[prefix] = self._index(start, type(node) is dict)
            start = children[part]
            node = node[part]
            prefix = (*prefix, part)
        return Location(self.file, self._line_no, start + 1)

    def _index(self, start: int, is_dict: bool) -> dict[Any, int]:
        """Where each value of the container at ``line[start]`` starts, by key or index."""
        line, ws = self._line, _JSON_WS.match
        out: dict[Any, int] = {}
        i = ws(line, start + 1).end()  # type: ignore[union-attr]
        n = 0
        close = "}" if is_dict else "]"
        while line[i] != close:
            if is_dict:
                key, i = _scan_string(line, i + 1)
                i = ws(line, ws(line, i).end() + 1).end()  # type: ignore[union-attr]  # past the ':'
            else:
                key, n = n, n + 1
            out[key] = i
            i = ws(line, _scan_value(line, i)[1]).end()  # type: ignore[union-attr]
            if line[i] == ",":
                i = ws(line, i + 1).end()  # type: ignore[union-attr]
        return out


def _json_places(line: str, line_no: int) -> dict[Path, Any]:
    spans: dict[Path, Any] = {}
    # open containers: [path, is_list, next index or current key, keys seen]
    stack: list[list[Any]] = []
    expect_key = False
    pos = 0
    n = len(line.rstrip())
    while pos < n:
        m = _TOKEN.match(line, pos)
        if m is None:
            raise Decline("token")
        pos = m.end()
        string, punct, atom = m.groups()
        start = m.start(m.lastindex or 0)
        if punct is not None and punct in ",:":
            if punct == "," and stack and not stack[-1][1]:
                expect_key = True
            continue
        if punct is not None and punct in "}]":
            stack.pop()
            expect_key = False
            continue
        if expect_key:
            frame = stack[-1]
            key = json.loads(string)
            if key in frame[3]:
                raise Decline("duplicate key")
            frame[3].add(key)
            frame[2] = key
            expect_key = False
            continue
        if stack:
            frame = stack[-1]
            path: Path = (*frame[0], frame[2])
            if frame[1]:
                frame[2] += 1
        else:
            path = ()
        spans[path] = (line_no, start + 1)
        if punct == "{":
            stack.append([path, False, None, set()])
            expect_key = True
            if len(stack) > MAX_FAST_DEPTH:
                raise Decline("deep")
        elif punct == "[":
            stack.append([path, True, 0, set()])
            if len(stack) > MAX_FAST_DEPTH:
                raise Decline("deep")
        elif atom is not None and (len(atom) > 18 or atom.count(".") > 1):
            raise Decline("number")
    return spans


# ---------------------------------------------------------------- validation


@cache
def _rust_validator(schema_file: str) -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover
        return None
    from engine.validate import schema_validator

    return jsonschema_rs.validator_for(schema_validator(schema_file).schema, validate_formats=True)


@cache
def _audit(schema_file: str) -> list[tuple[tuple[str, ...], Callable[[Any], bool]]]:
    """(path with "*" for list items, the Python reading of its ``pattern`` and ``format``) of every
    place that has one: the keywords whose meaning jsonschema-rs and Python do not share (the
    subschema's other keywords are the same in both, and jsonschema-rs has checked them)."""
    from engine.validate import schema_validator

    python = schema_validator(schema_file)
    out: list[tuple[tuple[str, ...], Callable[[Any], bool]]] = []

    def walk(schema: Any, path: tuple[str, ...]) -> None:
        if not isinstance(schema, dict):
            return
        if "pattern" in schema or "format" in schema:
            out.append((path, _python_reading(schema.get("pattern"), schema.get("format"), python.format_checker)))
        for key, sub in schema.get("properties", {}).items():
            walk(sub, (*path, key))
        if "items" in schema:
            walk(schema["items"], (*path, "*"))

    walk(python.schema, ())
    return out


def _python_reading(pattern: str | None, fmt: str | None, checker: Any) -> Callable[[Any], bool]:
    """Whether a value passes ``pattern`` and ``format`` as engine.validate's validator reads them
    (``checker``: that validator's own format checker)."""
    from engine.validate import pattern_matches

    def passes(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        if pattern is not None and not pattern_matches(pattern, value):
            return False
        return fmt is None or checker is None or bool(checker.conforms(value, fmt))

    return passes


def _values_at(data: Any, path: tuple[str, ...]) -> list[Any]:
    nodes = [data]
    for part in path:
        nxt = []
        for node in nodes:
            if part == "*":
                if isinstance(node, list):
                    nxt.extend(node)
            elif isinstance(node, dict) and part in node:
                nxt.append(node[part])
        nodes = nxt
    return nodes


def fast_valid(instance: Any, schema_file: str = "center.schema.json") -> bool:
    """True only if the Python validator (engine.validate) finds nothing wrong with ``instance``."""
    from engine.validate import schema_validator

    rust = _rust_validator(schema_file)
    python = schema_validator(schema_file)
    if rust is None:
        return bool(python.is_valid(instance))
    try:
        if not rust.is_valid(instance):
            return False
    except (ValueError, TypeError, OverflowError):
        return bool(python.is_valid(instance))
    for path, passes in _audit(schema_file):
        for value in _values_at(instance, path):
            if not passes(value):
                return False
    return True


def document_digest(raw: bytes) -> str:
    return sha256_of(raw)


# ---------------------------------------------------------------- units of input

JSONL_SLICE = 512 * 1024  # bytes of JSON Lines per unit


@dataclass(frozen=True)
class Unit:
    """A file, or a slice of whole lines of a JSON Lines file (bytes ``start:end``, first line ``line``)."""

    file: str
    start: int = 0
    end: int = -1
    line: int = 1

    @property
    def jsonl(self) -> bool:
        return self.file.endswith(".jsonl")


def plan_units(paths: Sequence[str]) -> tuple[list[Unit], list[Problem]]:
    files, problems = _input_files(paths)
    units: list[Unit] = []
    for file in files:
        if file.endswith(".jsonl"):
            units.extend(_jsonl_slices(file))
        else:
            units.append(Unit(file))
    return units, problems


def _jsonl_slices(file: str) -> Iterator[Unit]:
    try:
        fh = open(file, "rb")
    except OSError:
        yield Unit(file)
        return
    with fh:
        start, line = 0, 1
        while True:
            block = fh.read(JSONL_SLICE)
            if not block:
                break
            tail = fh.readline()  # to the end of the line
            block += tail
            yield Unit(file, start, start + len(block), line)
            start += len(block)
            line += block.count(b"\n")


def load_unit(unit: Unit) -> list[CenterDoc]:
    """The centers of a unit, read as ``load_centers`` reads them; ``InputError`` with all its problems."""
    if unit.jsonl:
        return _load_jsonl(unit)
    try:
        with open(unit.file, "rb") as fh:
            raw = fh.read()
    except OSError:
        return _parse(read_document(unit.file), check_duplicates=False)  # the strict loader says why
    if not unit.file.endswith(".json"):
        fast = _fast_yaml(raw, unit.file)
        if fast is not None:
            return fast
    return _parse(load_document(raw, unit.file), check_duplicates=False)


def _fast_yaml(raw: bytes, file: str) -> list[CenterDoc] | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if not text.strip():
        return None
    doc = scan_yaml(text, file, sha256_of(raw))
    if doc is None:
        return None
    problems: list[Problem] = []
    bases = _center_bases(doc, problems)
    if problems:
        return None
    centers = []
    for base in bases:
        data = at(doc.data, base)
        if not isinstance(data, dict) or not fast_valid(data):
            return None  # the strict loader explains it, with every key's place
        centers.append(CenterDoc(data, doc, base))
    return centers


def _load_jsonl(unit: Unit) -> list[CenterDoc]:
    try:
        with open(unit.file, "rb") as fh:
            fh.seek(unit.start)
            raw = fh.read(unit.end - unit.start) if unit.end >= 0 else fh.read()
    except OSError:
        read_document(unit.file)  # raises unreadable_file
        raise
    centers: list[CenterDoc] = []
    problems: list[Problem] = []
    line_no = unit.line - 1
    for raw_line in raw.split(b"\n"):
        line_no += 1
        if not raw_line.strip():
            continue
        if line_no == 1 and raw_line.startswith(b"\xef\xbb\xbf"):
            raw_line = raw_line[3:]
        digest = sha256_of(raw_line)
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        fast = scan_json_line(text, unit.file, line_no, digest) if text is not None else None
        if fast is not None and fast_valid(fast.data):
            centers.append(CenterDoc(fast.data, fast, ()))
            continue
        try:
            centers.append(strict_jsonl_line(raw_line, unit.file, line_no))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return centers


def _shift(loc: Location, line_no: int) -> Location:
    return Location(loc.file, loc.line + line_no - 1, loc.column) if loc.line else Location(loc.file, line_no, 1)


def strict_jsonl_line(raw: bytes, file: str, line_no: int) -> CenterDoc:
    """One JSON Lines record through the strict loader: problems with their line (the record's) and column."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", "replace")
        raise InputError.one(
            "bad_encoding",
            f"文件不是 UTF-8 编码（第 {line_no} 行第 {exc.start} 字节）",
            f"file is not UTF-8 (line {line_no}, byte {exc.start})",
            Location(file, line_no, len(good) + 1),
            expected="UTF-8 text",
        ) from None
    try:
        json.loads(text)
    except RecursionError:
        raise InputError.one(
            "too_deep", "嵌套层级过深", f"nesting deeper than {MAX_DEPTH} levels", Location(file, line_no, 1)
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError.one(
            "json_syntax",
            f"JSON 语法错误：{exc.msg}",
            f"JSON syntax error: {exc.msg}",
            Location(file, line_no, exc.colno),
            expected="valid JSON",
        ) from None
    try:
        doc = load_document(text.replace("\t", " "), file)
    except InputError as exc:
        raise InputError([replace(p, location=_shift(p.location, line_no)) for p in exc.problems]) from None
    doc.spans = {p: _shift(loc, line_no) for p, loc in doc.spans.items()}
    doc.key_spans = {p: _shift(loc, line_no) for p, loc in doc.key_spans.items()}
    doc.sha256 = sha256_of(raw)
    if not isinstance(doc.data, dict):
        raise InputError([wrong_type(doc, (), "center", "object", doc.data)])
    found = schema_problems(schema_validator("center.schema.json"), doc, ())
    if found:
        raise InputError(found)
    return CenterDoc(doc.data, doc, ())
