"""Output formats: one file per format behind ``Outputter``; ``FORMATS`` is the only list of them."""

from __future__ import annotations

from engine.errors import InputError, Location
from engine.outputs.base import Outputter
from engine.outputs.fmt_csv import CsvOutput
from engine.outputs.fmt_html import HtmlOutput
from engine.outputs.fmt_json import JsonOutput
from engine.outputs.fmt_jsonl import JsonlOutput
from engine.outputs.fmt_junit import JunitOutput
from engine.outputs.fmt_markdown import MarkdownOutput
from engine.outputs.fmt_sarif import SarifOutput
from engine.outputs.fmt_text import TextOutput
from engine.outputs.fmt_xlsx import XlsxOutput

FORMATS: dict[str, type[Outputter]] = {
    "text": TextOutput,
    "json": JsonOutput,
    "jsonl": JsonlOutput,
    "junit": JunitOutput,
    "sarif": SarifOutput,
    "markdown": MarkdownOutput,
    "html": HtmlOutput,
    "csv": CsvOutput,
    "xlsx": XlsxOutput,
}


def get(name: str, **options: object) -> Outputter:
    cls = FORMATS.get(name)
    if cls is None:
        known = ", ".join(FORMATS)
        raise InputError.one(
            "unknown_format",
            f"未知的输出格式 “{name}”；可用：{known}",
            f"unknown format '{name}'; known: {known}",
            Location("--format"),
            expected=known,
        )
    return cls(**options) if name == "text" else cls()


__all__ = ["FORMATS", "Outputter", "get"]
