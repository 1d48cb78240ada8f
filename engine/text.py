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
