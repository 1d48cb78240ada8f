"""Waivers (interfaces.md): an approved, justified, expiring exception to one clause for one center.

A waiver without justification, approver or expiry is an input error. Expiry is
compared with the as-of date: an expired waiver no longer waives, and the
result says it expired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from engine.errors import InputError, Location, Problem
from engine.source import read_document
from engine.text import Text
from engine.validate import schema_problems, schema_validator


@dataclass(frozen=True)
class Waiver:
    clause: str
    center: str
    justification: str
    approved_by: str
    expires: dt.date
    location: Location

    def to_json(self, expired: bool) -> dict[str, Any]:
        return {
            "justification": self.justification,
            "approved_by": self.approved_by,
            "expires": self.expires.isoformat(),
            "expired": expired,
            "location": self.location.to_json(),
        }


def load_waivers(path: str) -> dict[tuple[str, str], Waiver]:
    """Waivers keyed by (center id, clause id). Raises ``InputError`` with every problem in the file."""
    doc = read_document(path)
    problems = schema_problems(schema_validator("waivers.schema.json"), doc, ())
    out: dict[tuple[str, str], Waiver] = {}
    if not problems:
        for i, w in enumerate(doc.data["waivers"]):
            where = doc.location(("waivers", i))
            try:
                expires = dt.date.fromisoformat(w["expires"])
            except ValueError:
                problems.append(
                    Problem(
                        "bad_date",
                        Text(f"不是有效日期：{w['expires']}", f"not a real date: {w['expires']}"),
                        doc.location(("waivers", i, "expires")),
                        ("waivers", i, "expires"),
                        "YYYY-MM-DD",
                    )
                )
                continue
            key = (w["center"], w["clause"])
            if key in out:
                first = out[key].location
                problems.append(
                    Problem(
                        "duplicate_waiver",
                        Text(
                            f"同一中心同一条款的豁免重复（首次在第 {first.line} 行）",
                            f"a second waiver for the same center and clause (first at line {first.line})",
                        ),
                        where,
                        ("waivers", i),
                    )
                )
                continue
            out[key] = Waiver(
                w["clause"], w["center"], w["justification"].strip(), w["approved_by"].strip(), expires, where
            )
    if problems:
        raise InputError(problems)
    return out
