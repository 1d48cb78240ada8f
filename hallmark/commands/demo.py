"""``hallmark demo`` — the bundled Shijiazhuang centers under the current rule and the proposed norms."""

from __future__ import annotations

import argparse
import os
from collections import Counter

from engine.check import Options, check, parse_as_of
from engine.report import Severity, Status
from engine.standard import bundled_dir
from engine.text import pad
from hallmark.commands.common import add_lang, lang, write


def run(args: argparse.Namespace) -> int:
    examples = bundled_dir("examples") / "shijiazhuang"
    shown = os.path.relpath(examples) if not os.path.relpath(examples).startswith("..") else str(examples)
    as_of = parse_as_of(args.as_of)
    reports = {
        sid: check([str(examples)], sid, None, Options(as_of=as_of, jobs=args.jobs))
        for sid in ("sjz-current", "sjz-proposed")
    }
    zh = lang(args) == "zh"
    first = next(iter(reports.values()))
    n = len(first.centers)
    lines = [
        (
            f"hallmark 演示：石家庄市 {n} 个政务服务中心（{shown}），基准日 {first.as_of.isoformat()}"
            if zh
            else f"hallmark demo: {n} Shijiazhuang service centers ({shown}), as of {first.as_of.isoformat()}"
        ),
        "",
    ]
    tiers = ("city", "county", "township", "village")
    tier_zh = {"city": "市级", "county": "县级", "township": "乡镇", "village": "村居", "all": "全部"}
    lines.append(pad("", 24) + "".join(pad(sid, 16, right=True) for sid in reports))
    for tier in (*tiers, "all"):
        label = f"合规中心（{tier_zh[tier]}）" if zh else f"compliant ({tier})"
        row = pad(label, 24)
        for report in reports.values():
            cs = [c for c in report.centers if tier == "all" or c.tier == tier]
            row += pad(f"{sum(c.compliant for c in cs)}/{len(cs)}", 16, right=True)
        lines.append(row)
    row = pad("“应”条款不通过（项）" if zh else "failed shall-clauses", 24)
    for report in reports.values():
        fails = sum(
            1 for c in report.centers for r in c.results if r.status == Status.FAIL and r.severity == Severity.ERROR
        )
        row += pad(str(fails), 16, right=True)
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
    write("\n".join(lines) + "\n", None)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    d = sub.add_parser("demo", help="check the bundled Shijiazhuang centers under sjz-current and sjz-proposed")
    d.add_argument("--as-of", default="2019-01-01", help="YYYY-MM-DD (default 2019-01-01: the norms in full effect)")
    d.add_argument("--jobs", type=int, default=None)
    add_lang(d)
    d.set_defaults(func=run)
