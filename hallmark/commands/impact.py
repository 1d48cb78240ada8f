"""``hallmark impact PATH... --from A --to B`` — which centers change status between two standards.

A side is a bundled id, a standard file, or an older version in git
(``git:REF:standards/sjz-proposed.yaml`` or ``REF:FILE``). ``--as-of`` applies to
both sides. Exit 0 (the report is information), 1 with ``--fail-on-regression``
when a center goes from compliant to non-compliant, 2 when an input cannot be read.
"""

from __future__ import annotations

import argparse
import json

from engine import impact as impact_mod
from engine.check import Options, parse_as_of
from engine.errors import InputError
from hallmark.commands.common import add_lang, arg_location, lang, write


def run(args: argparse.Namespace) -> int:
    if args.format not in impact_mod.FORMATS:
        raise InputError.one(
            "unknown_format",
            f"未知格式 {args.format}；可用：{', '.join(impact_mod.FORMATS)}",
            f"unknown format {args.format}; one of: {', '.join(impact_mod.FORMATS)}",
            arg_location(),
            expected=", ".join(impact_mod.FORMATS),
        )
    options = Options(as_of=parse_as_of(args.as_of), jobs=args.jobs)
    report = impact_mod.impact(args.paths, args.from_ref, args.to_ref, options)
    if args.format == "json":
        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "markdown":
        text = impact_mod.render_markdown(report, lang(args))
    else:
        text = impact_mod.render_text(report, lang(args))
    write(text, args.output)
    return 1 if args.fail_on_regression and report.regressions else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("impact", help="which centers change status between two standards (or two versions of one)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="center files or folders")
    p.add_argument("--from", dest="from_ref", required=True, metavar="ID|FILE|git:REF:FILE", help="the standard before")
    p.add_argument("--to", dest="to_ref", required=True, metavar="ID|FILE|git:REF:FILE", help="the standard after")
    p.add_argument("--as-of", help="YYYY-MM-DD, the same day for both sides (default today)")
    p.add_argument("--format", default="text", help=f"one of: {', '.join(impact_mod.FORMATS)}")
    p.add_argument("--output", help="write the report to FILE (default stdout)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores; 0: in process)")
    p.add_argument(
        "--fail-on-regression", action="store_true", help="exit 1 when a center goes from compliant to non-compliant"
    )
    add_lang(p)
    p.set_defaults(func=run)
