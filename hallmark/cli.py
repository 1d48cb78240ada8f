"""``hallmark`` — the command line (interfaces.md).

Exit codes of ``check``: 0 no finding at or above ``--fail-on``; 1 findings; 2 the
input or the standard could not be read (every problem printed as
``file:line:column: code: message``). Never a traceback for bad input.
Each subcommand is a module in ``hallmark/commands/``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from engine.errors import HallmarkError
from hallmark import __version__
from hallmark.commands import COMMANDS
from hallmark.commands.common import lang


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"hallmark: usage_error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="hallmark", description="政务服务中心标准合规检查 — compliance checker for government service centers"
    )
    p.add_argument("--version", action="version", version=f"hallmark {__version__}")
    p.add_argument("--lang", choices=("zh", "en"), help="language of messages (default zh, or $HALLMARK_LANG)")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except HallmarkError as exc:
        problems = getattr(exc, "problems", None)
        language = lang(args)
        if problems:
            for problem in problems:
                print(problem.render(language), file=sys.stderr)
        else:
            print(f"hallmark: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
