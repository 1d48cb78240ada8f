"""Bilingual text: one value, never two loose strings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def format(self, **fields: Any) -> Text:
        return Text(self.zh.format(**fields), self.en.format(**fields))

    def to_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}

    @classmethod
    def from_json(cls, value: Any) -> Text:
        if isinstance(value, Text):
            return value
        if isinstance(value, dict):
            return cls(str(value.get("zh", "")), str(value.get("en", value.get("zh", ""))))
        return cls(str(value), str(value))


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` display columns (left-aligned, or right with ``right``)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill
