"""``hallmark check PATH...`` — centers against a standard; exit 0/1/2 (interfaces.md)."""

from __future__ import annotations

import argparse

from engine import outputs
from engine.check import ENGINES, Options, check, check_to, parse_as_of
from engine.pipeline import STREAM_FORMATS
from hallmark.commands.common import ProgressBar, add_lang, lang, render, write


def run(args: argparse.Namespace) -> int:
    outputs.get(args.format) if args.format != "text" else None  # an unknown format is an input error, early
    options = Options(
        as_of=parse_as_of(args.as_of),
        jobs=args.jobs,
        engine=args.engine,
        timeout=args.timeout,
        progress=ProgressBar(args.progress),
    )
    if args.format in STREAM_FORMATS:
        # written as centers finish, in memory that does not grow with the input (engine/pipeline.py)
        outcome = check_to(args.paths, args.format, args.output, args.standard, args.waivers, options)
        return 1 if outcome.worst(args.fail_on, args.strict) else 0
    report = check(args.paths, args.standard, args.waivers, options)
    write(render(report, args.format, lang(args), args.verbose), args.output)
    return 1 if report.worst(args.fail_on, args.strict) else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("check", help="check center configurations against a standard")
    c.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (*.yaml, *.yml, *.json, recursively)")
    c.add_argument("--standard", default="sjz-proposed", help="bundled id or a standard file (default sjz-proposed)")
    c.add_argument("--as-of", help="YYYY-MM-DD (default today)")
    c.add_argument("--waivers", help="waivers file")
    c.add_argument("--format", default="text", help=f"one of: {', '.join(outputs.FORMATS)}")
    c.add_argument("--output", help="write the report to FILE (default stdout)")
    c.add_argument("--fail-on", choices=("error", "warning", "never"), default="error")
    c.add_argument("--strict", action="store_true", help="not_declared counts as a finding")
    c.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores; 0: in process)")
    c.add_argument("--engine", choices=ENGINES, default="durable", help="durable (default) or python (reference)")
    c.add_argument("--timeout", type=float, default=60.0, help="seconds a batch of centers may take in the engine")
    c.add_argument("--verbose", action="store_true", help="text: list passes and not-applicable clauses too")
    c.add_argument(
        "--progress",
        dest="progress",
        action="store_const",
        const="always",
        default=None,
        help="draw a progress bar on stderr (default: for > 300 centers on a terminal)",
    )
    c.add_argument("--no-progress", dest="progress", action="store_const", const="never")
    add_lang(c)
    c.set_defaults(func=run)
