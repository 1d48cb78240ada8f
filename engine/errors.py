"""Errors that carry their place: Location, Problem, HallmarkError, InputError.

Locations are 1-based and name the file as the user gave it. Problem codes are
stable snake_case and part of the contract; message wording may change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.text import Text


@dataclass(frozen=True, order=True)
class Location:
    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line or None, "column": self.column or None}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, with its place and what was expected."""

    code: str
    message: Text
    location: Location
    path: tuple[str | int, ...] = ()
    expected: str = ""

    @property
    def dotted_path(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    def render(self, lang: str = "en") -> str:
        msg = self.message.zh if lang == "zh" else self.message.en
        return f"{self.location}: {self.code}: {msg}"

    def sort_key(self) -> tuple[Any, ...]:
        return (self.location.file, self.location.line, self.location.column, self.code)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message.to_json(),
            "path": self.dotted_path,
            "expected": self.expected,
            **self.location.to_json(),
        }


class HallmarkError(Exception):
    """Base of every error hallmark reports to a user (exit code 2 in the CLI)."""

    exit_code = 2


@dataclass
class InputError(HallmarkError):
    """One or more problems with a user's file; all of them, sorted by place."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.problems = sorted(self.problems, key=Problem.sort_key)
        super().__init__("\n".join(p.render() for p in self.problems))

    @classmethod
    def one(
        cls, code: str, zh: str, en: str, location: Location, path: Iterable[str | int] = (), expected: str = ""
    ) -> InputError:
        return cls([Problem(code, Text(zh, en), location, tuple(path), expected)])
