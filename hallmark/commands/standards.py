"""``hallmark standards list | show ID | lint FILE...``."""

from __future__ import annotations

import argparse
import sys

from engine.errors import InputError
from engine.standard import bundled_dir, bundled_ids, load_standard
from hallmark.commands.common import add_lang, arg_location, lang


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
    raise InputError.one("unknown_action", f"未知操作 {args.action}", f"unknown action {args.action}", arg_location())


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    s = sub.add_parser("standards", help="list | show ID | lint FILE...")
    s.add_argument("action", choices=("list", "show", "lint"))
    s.add_argument("target", nargs="*")
    add_lang(s)
    s.set_defaults(func=run)
