"""One interface for every output format (conftest's ``Outputter``)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from engine.report import Report


@runtime_checkable
class Outputter(Protocol):
    name: str
    media_type: str
    suffix: str

    def render(self, report: Report) -> str:
        """Pure: no I/O, no clock, the report untouched."""
        ...


@runtime_checkable
class BinaryOutputter(Outputter, Protocol):
    """A format whose bytes are not text (xlsx): ``binary = True`` and ``render_bytes``."""

    binary: bool

    def render_bytes(self, report: Report) -> bytes:
        """Pure, like ``render``."""
        ...


def is_binary(outputter: Outputter) -> bool:
    return bool(getattr(outputter, "binary", False))


def render_bytes(outputter: Outputter, report: Report) -> bytes:
    """The bytes to write or send for any format: ``render_bytes`` if binary, else ``render`` as UTF-8."""
    if is_binary(outputter):
        return outputter.render_bytes(report)  # type: ignore[attr-defined, no-any-return]
    return outputter.render(report).encode("utf-8")
