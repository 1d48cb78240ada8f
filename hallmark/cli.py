"""``hallmark`` — the command line (interfaces.md).

Exit codes of ``check``: 0 no finding at or above ``--fail-on``; 1 findings; 2 the
input or the standard could not be read (every problem printed as
``file:line:column: code: message``). Never a traceback for bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from engine import outputs
from engine.check import ENGINES, Options, check, parse_as_of
from engine.errors import HallmarkError, InputError
from engine.report import Report, Severity, Status
from engine.standard import bundled_dir, bundled_ids, load_standard
from hallmark import __version__


def _lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", None) or os.environ.get("HALLMARK_LANG") or "zh")


def _write(text: str, output: str | None) -> None:
    """Write all or nothing: a temporary file renamed into place."""
    if not output or output == "-":
        sys.stdout.write(text)
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(report: Report, fmt: str, lang: str, verbose: bool = False) -> str:
    if fmt == "text":
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        return outputs.get("text", colour=colour, lang=lang, verbose=verbose).render(report)
    return outputs.get(fmt).render(report)


def cmd_check(args: argparse.Namespace) -> int:
    outputs.get(args.format) if args.format != "text" else None  # an unknown format is an input error, early
    options = Options(as_of=parse_as_of(args.as_of), jobs=args.jobs, engine=args.engine, timeout=args.timeout)
    report = check(args.paths, args.standard, args.waivers, options)
    _write(_render(report, args.format, _lang(args), args.verbose), args.output)
    return 1 if report.worst(args.fail_on, args.strict) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    examples = bundled_dir("examples") / "shijiazhuang"
    as_of = parse_as_of(args.as_of)
    reports = {
        sid: check([str(examples)], sid, None, Options(as_of=as_of, jobs=args.jobs))
        for sid in ("sjz-current", "sjz-proposed")
    }
    zh = _lang(args) == "zh"
    first = next(iter(reports.values()))
    n = len(first.centers)
    lines = [
        (
            f"hallmark 演示：石家庄市 {n} 个政务服务中心（{examples}），基准日 {first.as_of.isoformat()}"
            if zh
            else f"hallmark demo: {n} Shijiazhuang service centers ({examples}), as of {first.as_of.isoformat()}"
        ),
        "",
    ]
    tiers = ("city", "county", "township", "village")
    header = f"{'':<22}" + "".join(f"{sid:>16}" for sid in reports)
    lines.append(header)
    for tier in (*tiers, "all"):
        row = f"{('合规中心 ' if zh else 'compliant ') + tier:<22}"
        for report in reports.values():
            cs = [c for c in report.centers if tier == "all" or c.tier == tier]
            row += f"{f'{sum(c.compliant for c in cs)}/{len(cs)}':>16}"
        lines.append(row)
    row = f"{('不通过（应）' if zh else 'failed shall-clauses'):<22}"
    for report in reports.values():
        fails = sum(
            1 for c in report.centers for r in c.results if r.status == Status.FAIL and r.severity == Severity.ERROR
        )
        row += f"{fails:>16}"
    lines.append(row)
    lines.append("")
    for sid, report in reports.items():
        counter: Counter[str] = Counter(r.clause for c in report.centers for r in c.results if r.status == Status.FAIL)
        titles = {r.clause: (r.title.zh if zh else r.title.en) for c in report.centers for r in c.results}
        lines.append(f"{sid}: " + ("最常不通过的条款" if zh else "most-failed clauses"))
        for clause, count in counter.most_common(5):
            lines.append(f"  {clause}  {count:>3}  {titles[clause]}")
        if not counter:
            lines.append("  —")
        lines.append("")
    lines.append(
        "详细报告：hallmark check examples/shijiazhuang --standard sjz-proposed"
        if zh
        else "Full report: hallmark check examples/shijiazhuang --standard sjz-proposed"
    )
    _write("\n".join(lines) + "\n", None)
    return 0


def cmd_standards(args: argparse.Namespace) -> int:
    from engine import lint

    if args.action == "list":
        for sid in bundled_ids():
            std = load_standard(sid)
            ext = f" (extends {', '.join(std.extends)})" if std.extends else ""
            print(f"{std.id:<14} {std.version:<8} {len(std.clauses):>3} clauses  {std.title.zh}{ext}")
        return 0
    if args.action == "show":
        if not args.target:
            raise InputError.one("missing_argument", "请给出标准编号", "give a standard id", _arg_loc())
        std = load_standard(args.target[0])
        zh = _lang(args) == "zh"
        print(f"{std.id} {std.version} — {std.title.zh if zh else std.title.en}")
        for c in std.clauses:
            print(f"  {c.id}  [{c.strength}] {', '.join(c.tiers):<32} {c.title.zh if zh else c.title.en}")
            print(f"      {c.source.document} {c.source.section}：{c.source.quote}")
        return 0
    if args.action == "lint":
        problems = lint.lint_files(args.target or [str(bundled_dir("standards") / f"{s}.yaml") for s in bundled_ids()])
        for p in problems:
            print(p.render(_lang(args)), file=sys.stderr)
        if problems:
            return 2
        print("ok")
        return 0
    raise InputError.one("unknown_action", f"未知操作 {args.action}", f"unknown action {args.action}", _arg_loc())


def _arg_loc():  # type: ignore[no-untyped-def]
    from engine.errors import Location

    return Location("(command line)")


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
    c.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    c.set_defaults(func=cmd_check)

    d = sub.add_parser("demo", help="check the bundled Shijiazhuang centers under sjz-current and sjz-proposed")
    d.add_argument("--as-of", default="2019-01-01", help="YYYY-MM-DD (default 2019-01-01, the norms in full effect)")
    d.add_argument("--jobs", type=int, default=None)
    d.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    d.set_defaults(func=cmd_demo)

    s = sub.add_parser("standards", help="list | show ID | lint FILE...")
    s.add_argument("action", choices=("list", "show", "lint"))
    s.add_argument("target", nargs="*")
    s.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    s.set_defaults(func=cmd_standards)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except HallmarkError as exc:
        problems = getattr(exc, "problems", None)
        lang = _lang(args)
        if problems:
            for problem in problems:
                print(problem.render(lang), file=sys.stderr)
        else:
            print(f"hallmark: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
