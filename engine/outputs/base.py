"""One interface for every output format (conftest's ``Outputter``)."""

from __future__ import annotations

from typing import Protocol

from engine.report import Report


class Outputter(Protocol):
    name: str
    media_type: str
    suffix: str

    def render(self, report: Report) -> str:
        """Pure: no I/O, no clock, the report untouched."""
        ...
