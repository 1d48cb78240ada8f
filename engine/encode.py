"""A center's report as the bytes ``--format json`` / ``--format jsonl`` write, built from cached pieces.

The streamed outputs (engine.pipeline) write ≈ 20 results per center for up to 641,000 centers.
``to_json`` + a JSON encoder builds and walks ≈ 15 dicts per result; yet most of a result's bytes
are the same for every center — the clause's title, source and section, the pass message, the
whole not_applicable text. ``CenterEncoder`` renders each distinct result shape once, cut into
pieces around the three values that vary per center (``expected``, ``actual``, ``location``), and
afterwards only joins bytes.

The bytes are those of the generic path (``generic``: ``to_json`` then orjson, or ``json`` where
the two encoders differ) — tests/unit/engine/test_encode.py compares both on every center of the
bundled examples and on random reports. What the pieces cannot say (a waiver, a number orjson and
``json`` write differently) goes through the generic path.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.errors import Location
from engine.report import CenterReport, Result

try:
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]

# the json format: a center is indented by 4 (inside "centers": [...]), its results by 8,
# the values of a result's keys by 10 (INDENT_2 below each)
_CENTER_PAD = b"\n    "
_RESULT_PAD = b"\n        "
_VALUE_PAD = b"\n          "
_HOLE = "\x00hole\x00"
_CACHE_SIZE = 50_000
_EXPONENT = re.compile(r"[eEn]")


def _plain_numbers(value: Any) -> bool:
    """No float that ``json`` and orjson write differently (1e-05), no int past 64 bits."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is list:
        return all(type(v) is str or _plain_numbers(v) for v in value)
    if isinstance(value, float):
        return not _EXPONENT.search(repr(value))
    if isinstance(value, int):
        return -(2**63) <= value < 2**64
    if isinstance(value, list | tuple):
        return all(_plain_numbers(v) for v in value)
    if isinstance(value, dict):
        return all(_plain_numbers(v) for v in value.values())
    return True


def generic(report: CenterReport, fmt: str) -> bytes:
    """One center as ``JsonOutput`` writes it inside ``"centers": [...]`` (json), or as one line (jsonl)."""
    obj = report.to_json()
    fast = orjson is not None and all(
        _plain_numbers(r["expected"]) and _plain_numbers(r["actual"]) for r in obj["results"]
    )
    if fmt == "jsonl":
        if fast:
            return bytes(orjson.dumps(obj))
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    if fast:
        text = orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    else:
        text = json.dumps(obj, ensure_ascii=False, indent=2).encode()
    return b"    " + text.replace(b"\n", _CENTER_PAD)


class CenterEncoder:
    """``generic(report, fmt)``'s bytes, from pieces cached per result shape (one encoder per format)."""

    def __init__(self, fmt: str) -> None:
        self.indent = fmt == "json"
        self.fmt = fmt
        # (clause, status, severity, title, message, remediation, source, section, gap, next_severity)
        # → the result's bytes cut at expected, actual and location
        self._shapes: dict[tuple[Any, ...], tuple[bytes, bytes, bytes, bytes, bytes]] = {}

    def _dumps(self, value: Any, pad: bytes) -> bytes:
        if self.indent:
            return bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2)).replace(b"\n", pad)
        return bytes(orjson.dumps(value))

    def _shape(self, r: Result, key: tuple[Any, ...]) -> tuple[bytes, bytes, bytes, bytes, bytes] | None:
        shape = self._shapes.get(key)
        if shape is None:
            obj = r.to_json()
            obj["expected"] = obj["actual"] = obj["location"] = _HOLE
            pieces = self._dumps(obj, _RESULT_PAD).split(self._dumps(_HOLE, b""))
            if len(pieces) != 4:  # the hole's text inside the clause's own texts: not cut
                return None
            # the last: everything before the location when expected and actual are null (not_applicable)
            shape = (pieces[0], pieces[1], pieces[2], pieces[3], pieces[0] + b"null" + pieces[1] + b"null" + pieces[2])
            if len(self._shapes) >= _CACHE_SIZE:
                self._shapes.clear()
            self._shapes[key] = shape
        return shape

    def _location(self, loc: Location | None) -> bytes:
        if loc is None:
            return b"null"
        return self._dumps(loc.to_json(), _VALUE_PAD)

    def encode(self, report: CenterReport) -> bytes:
        if orjson is None:  # pragma: no cover
            return generic(report, self.fmt)
        parts: list[bytes] = []
        locations: dict[int, bytes] = {}  # id(Location) → bytes: the results keep them alive meanwhile
        dumps = self._dumps
        shapes = self._shapes
        results = report.results
        for r in results:
            e, a = r.expected, r.actual
            if (
                r.waiver is not None
                or (e is not None and type(e) is not str and not _plain_numbers(e))
                or (a is not None and type(a) is not str and not _plain_numbers(a))
            ):
                return generic(report, self.fmt)
            key = r.shape
            if key is None:
                ns = r.next_severity
                key = (
                    r.clause,
                    r.status.value,
                    r.severity.value,
                    r.title,
                    r.message,
                    r.remediation,
                    r.source,
                    r.section,
                    r.gap,
                    tuple(ns.items()) if ns else None,
                )
            shape = shapes.get(key) or self._shape(r, key)
            if shape is None:
                return generic(report, self.fmt)
            where = r.location
            loc = locations.get(id(where))
            if loc is None:
                loc = locations[id(where)] = self._location(where)
            if e is None and a is None:
                parts.append(shape[4] + loc + shape[3])
                continue
            parts.append(
                shape[0]
                + (b"null" if e is None else dumps(e, _VALUE_PAD))
                + shape[1]
                + (b"null" if a is None else dumps(a, _VALUE_PAD))
                + shape[2]
                + loc
                + shape[3]
            )
        head_obj = report.json_with(_HOLE)
        cut = dumps(head_obj, _CENTER_PAD).split(dumps(_HOLE, b""))
        if len(cut) != 2:  # the hole's text in the center's name or file: not cut
            return generic(report, self.fmt)
        before, after = cut
        if not self.indent:
            return before + b"[" + b",".join(parts) + b"]" + after
        if not parts:
            return b"    " + before + b"[]" + after
        return b"    " + before + b"[\n        " + b",\n        ".join(parts) + b"\n      ]" + after
