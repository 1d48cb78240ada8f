"""``hallmark standards list | show ID | lint FILE... | coverage | conflicts A [B] | handbook ID``."""

from __future__ import annotations

import argparse
import sys

from engine.check import parse_as_of
from engine.errors import InputError
from engine.standard import bundled_dir, bundled_ids, load_standard
from hallmark.commands.common import add_lang, arg_location, lang, write


def run(args: argparse.Namespace) -> int:
    from engine import lint

    if args.action == "list":
        for sid in bundled_ids():
            std = load_standard(sid)
            ext = f" (extends {', '.join(std.extends)})" if std.extends else ""
            print(f"{std.id:<14} {std.version:<8} {len(std.clauses):>3} clauses  {std.title.zh}{ext}")
        return 0
    if args.action == "show":
        if not args.target:
            raise InputError.one("missing_argument", "请给出标准编号", "give a standard id", arg_location())
        std = load_standard(args.target[0])
        zh = lang(args) == "zh"
        print(f"{std.id} {std.version} — {std.title.zh if zh else std.title.en}")
        for c in std.clauses:
            print(f"  {c.id}  [{c.strength}] {', '.join(c.tiers):<32} {c.title.zh if zh else c.title.en}")
            print(f"      {c.source.document} {c.source.section}：{c.source.quote}")
        return 0
    if args.action == "lint":
        problems = lint.lint_files(args.target or [str(bundled_dir("standards") / f"{s}.yaml") for s in bundled_ids()])
        for p in problems:
            print(p.render(lang(args)), file=sys.stderr)
        if problems:
            return 2
        print("ok")
        return 0
    if args.action in ("coverage", "conflicts", "handbook"):
        return _policy_loop(args)
    raise InputError.one("unknown_action", f"未知操作 {args.action}", f"unknown action {args.action}", arg_location())


def _policy_loop(args: argparse.Namespace) -> int:
    """coverage (exit 1: a clause untested), conflicts (exit 1: a conflict), handbook — docs/policy-loop.md."""
    from engine import conflicts, coverage, handbook

    fmt = args.format or ("markdown" if args.action == "handbook" else "text")
    allowed = handbook.FORMATS if args.action == "handbook" else ("text", "json")
    if fmt not in allowed:
        raise InputError.one(
            "unknown_format", f"未知格式 {fmt}", f"unknown format {fmt}", arg_location(), expected=", ".join(allowed)
        )
    if args.action == "coverage":
        cov = coverage.check_coverage(args.target, args.features)
        text = coverage.render_text(cov, lang(args), args.summary) if fmt == "text" else _json(cov.to_json())
        write(text, args.output)
        return 0 if cov.ok else 1
    if not args.target or (args.action == "handbook" and len(args.target) != 1) or len(args.target) > 2:
        want = "ID" if args.action == "handbook" else "A [B]"
        usage = f"{args.action} {want}"
        raise InputError.one("missing_argument", f"用法：{usage}", f"usage: {usage}", arg_location())
    if args.action == "handbook":
        write(handbook.handbook(args.target[0], fmt, args.features), args.output)
        return 0
    as_of = parse_as_of(args.as_of)
    found = conflicts.conflicts(args.target[0], args.target[1] if len(args.target) > 1 else None, as_of)
    text = conflicts.render_text(found, lang=lang(args)) if fmt == "text" else _json(found.to_json())
    write(text, args.output)
    return 1 if found.hard else 0


def _json(data: object) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("standards", help="list | show ID | lint FILE... | coverage | conflicts A [B] | handbook ID")
    s.add_argument("action", choices=("list", "show", "lint", "coverage", "conflicts", "handbook"))
    s.add_argument("target", nargs="*")
    s.add_argument("--features", metavar="DIR", help="coverage, handbook: the features folder (default features/)")
    s.add_argument("--format", help="coverage, conflicts: text|json; handbook: markdown|html")
    s.add_argument("--output", help="coverage, conflicts, handbook: write to FILE (default stdout)")
    s.add_argument("--as-of", help="conflicts: compare on this day only (default: every day a value changes)")
    s.add_argument("--summary", action="store_true", help="coverage: one line per clause, without the scenarios")
    add_lang(s)
    s.set_defaults(func=run)
