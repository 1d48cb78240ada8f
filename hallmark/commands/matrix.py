"""``hallmark matrix PATH...`` — the city-wide view: centers × clauses by tier, uniformity, remediation totals."""

from __future__ import annotations

import argparse

from engine.check import parse_as_of
from engine.errors import InputError, Location
from engine.matrix import RENDERERS, matrix
from hallmark.commands.common import add_lang, lang, write


def run(args: argparse.Namespace) -> int:
    if args.format not in RENDERERS:
        known = ", ".join(RENDERERS)
        raise InputError.one(
            "unknown_format",
            f"matrix 不支持的输出格式 “{args.format}”；可用：{known}",
            f"matrix has no format '{args.format}'; known: {known}",
            Location("--format"),
            expected=known,
        )
    view = matrix(args.paths, args.standard, parse_as_of(args.as_of), args.jobs)
    write(RENDERERS[args.format][1](view, lang(args)), args.output)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    m = sub.add_parser("matrix", help="city-wide view: centers x clauses by tier, uniformity, remediation totals")
    m.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (*.yaml, *.yml, *.json, recursively)")
    m.add_argument("--standard", default="sjz-proposed", help="bundled id or a standard file (default sjz-proposed)")
    m.add_argument("--as-of", help="YYYY-MM-DD (default today)")
    m.add_argument("--format", default="text", help=f"one of: {', '.join(RENDERERS)}")
    m.add_argument("--output", help="write to FILE (default stdout)")
    m.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores; 0: in process)")
    add_lang(m)
    m.set_defaults(func=run)
