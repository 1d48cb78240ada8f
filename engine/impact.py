"""``hallmark impact PATH... --from A --to B``: which centers change status between two standards.

Both standards judge the same centers on the same day (``--as-of`` applies to both
sides). For every center, every clause whose status differs between the two
reports is a *change*; a clause one standard lacks counts as not applicable there
(so a new clause that does not apply changes nothing). A ``fail`` whose severity
changes (a transition ending) is a change too. The summary counts centers by tier
(changed, compliant before/after, newly non-compliant, newly compliant) and changes
by clause (each transition ``pass → fail`` with its number of centers), and lists
the centers that go from compliant to non-compliant and back.

A side is a bundled id, a standard file, or an older version of a file in git:
``git:REF:standards/sjz-proposed.yaml`` or ``REF:standards/sjz-proposed.yaml``.
The old file is read with ``git show REF:FILE`` into a temporary folder, with the
files it ``extends`` as they were at REF beside it (the bundled one when REF has
none), and loaded from there.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.center import CenterDoc, load_centers
from engine.check import Options, evaluate
from engine.errors import InputError, Location
from engine.report import STATUS_TEXT, CenterReport, Report, Status
from engine.rulebook import load_rulebook
from engine.source import load_document
from engine.standard import TIERS, Standard, load_standard

TIER_ZH = {"city": "市级", "county": "县级", "township": "乡镇", "village": "村级"}
ABSENT = ("（无此条款）", "(no such clause)")


# ---------------------------------------------------------------- model


@dataclass(frozen=True)
class Change:
    clause: str
    title_zh: str
    title_en: str
    before: Status | None  # None: the standard has no such clause
    after: Status | None
    severity_before: str | None
    severity_after: str | None

    def transition(self) -> str:
        return f"{_label(self.before, self.severity_before, self)} → {_label(self.after, self.severity_after, self)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "clause": self.clause,
            "title": {"zh": self.title_zh, "en": self.title_en},
            "before": self.before.value if self.before else None,
            "after": self.after.value if self.after else None,
            "severity_before": self.severity_before,
            "severity_after": self.severity_after,
        }


def _label(status: Status | None, severity: str | None, change: Change) -> str:
    if status is None:
        return "absent"
    if status == Status.FAIL and change.severity_before != change.severity_after and change.before == change.after:
        return f"fail[{severity}]"
    return status.value


def _label_zh(status: Status | None, severity: str | None, change: Change) -> str:
    if status is None:
        return ABSENT[0]
    text = STATUS_TEXT[status].zh
    if status == Status.FAIL and change.severity_before != change.severity_after and change.before == change.after:
        return f"{text}（{severity}）"
    return text


@dataclass
class CenterImpact:
    id: str
    name: str
    tier: str
    file: str
    compliant_before: bool
    compliant_after: bool
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "tier": self.tier,
            "file": self.file,
            "compliant_before": self.compliant_before,
            "compliant_after": self.compliant_after,
            "changes": [c.to_json() for c in self.changes],
        }


@dataclass
class ImpactReport:
    from_label: str
    to_label: str
    from_standard: dict[str, Any]
    to_standard: dict[str, Any]
    as_of: dt.date
    centers: list[CenterImpact]

    @property
    def regressions(self) -> list[CenterImpact]:
        """Centers compliant under the ``from`` standard and not under the ``to`` standard."""
        return [c for c in self.centers if c.compliant_before and not c.compliant_after]

    @property
    def improvements(self) -> list[CenterImpact]:
        return [c for c in self.centers if not c.compliant_before and c.compliant_after]

    def by_tier(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for tier in (*TIERS, "all"):
            cs = [c for c in self.centers if tier == "all" or c.tier == tier]
            if not cs and tier != "all":
                continue
            out[tier] = {
                "centers": len(cs),
                "changed": sum(1 for c in cs if c.changes),
                "compliant_before": sum(1 for c in cs if c.compliant_before),
                "compliant_after": sum(1 for c in cs if c.compliant_after),
                "newly_non_compliant": sum(1 for c in cs if c.compliant_before and not c.compliant_after),
                "newly_compliant": sum(1 for c in cs if not c.compliant_before and c.compliant_after),
            }
        return out

    def by_clause(self) -> dict[str, dict[str, Any]]:
        """clause → {title, centers: n, transitions: {"absent → fail": n}, tiers: {tier: n}}, in clause order."""
        out: dict[str, dict[str, Any]] = {}
        for clause in self.clause_order():
            changes = [(c, ch) for c in self.centers for ch in c.changes if ch.clause == clause]
            if not changes:
                continue
            first = changes[0][1]
            out[clause] = {
                "title": {"zh": first.title_zh, "en": first.title_en},
                "centers": len(changes),
                "transitions": dict(Counter(ch.transition() for _, ch in changes).most_common()),
                "tiers": {t: n for t in TIERS if (n := sum(1 for c, _ in changes if c.tier == t))},
            }
        return out

    def clause_order(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.centers:
            for ch in c.changes:
                seen.setdefault(ch.clause, None)
        order = self._order or list(seen)
        return [c for c in order if c in seen] + [c for c in seen if c not in order]

    _order: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "hallmark-impact/v1",
            "from": {"ref": self.from_label, **self.from_standard},
            "to": {"ref": self.to_label, **self.to_standard},
            "as_of": self.as_of.isoformat(),
            "summary": {
                "by_tier": self.by_tier(),
                "by_clause": self.by_clause(),
                "newly_non_compliant": [c.id for c in self.regressions],
                "newly_compliant": [c.id for c in self.improvements],
            },
            "centers": [c.to_json() for c in self.centers],
        }


# ---------------------------------------------------------------- comparing two reports


def _changed(before: Any, after: Any) -> bool:
    sb = before.status if before else None
    sa = after.status if after else None
    nb = Status.NOT_APPLICABLE if sb is None else sb
    na = Status.NOT_APPLICABLE if sa is None else sa
    if nb != na:
        return True
    return bool(sb == Status.FAIL and sa == Status.FAIL and before.severity != after.severity)


def compare(before: Report, after: Report, from_label: str = "", to_label: str = "") -> ImpactReport:
    """The impact of moving ``before``'s centers to ``after``'s standard (both reports hold the same centers)."""
    after_by_id: dict[str, CenterReport] = {c.id: c for c in after.centers}
    order: list[str] = []
    for report in (after, before):
        for c in report.centers[:1]:
            order += [r.clause for r in c.results if r.clause not in order]
    centers = []
    for cb in before.centers:
        ca = after_by_id[cb.id]
        rb = {r.clause: r for r in cb.results}
        ra = {r.clause: r for r in ca.results}
        clauses = [r.clause for r in ca.results] + [k for k in rb if k not in ra]
        changes = []
        for clause in clauses:
            b, a = rb.get(clause), ra.get(clause)
            if not _changed(b, a):
                continue
            title = (a or b).title  # type: ignore[union-attr]
            changes.append(
                Change(
                    clause,
                    title.zh,
                    title.en,
                    b.status if b else None,
                    a.status if a else None,
                    b.severity.value if b else None,
                    a.severity.value if a else None,
                )
            )
        centers.append(CenterImpact(cb.id, cb.name, cb.tier, cb.file, cb.compliant, ca.compliant, changes))
    return ImpactReport(
        from_label or str(before.standard.get("id")),
        to_label or str(after.standard.get("id")),
        {k: before.standard.get(k) for k in ("id", "version", "sha256", "extends")},
        {k: after.standard.get(k) for k in ("id", "version", "sha256", "extends")},
        after.as_of,
        centers,
        order,
    )


# ---------------------------------------------------------------- loading a side (bundled id, file, git ref)


def parse_git_ref(ref: str) -> tuple[str, str] | None:
    """``git:REF:FILE`` or ``REF:FILE`` (when no such file exists) → (REF, FILE); otherwise None."""
    if ref.startswith("git:"):
        rev, sep, path = ref[4:].partition(":")
        if not sep or not rev or not path:
            raise InputError.one(
                "bad_git_ref",
                f"git 引用应写作 git:REF:FILE：{ref}",
                f"a git reference is written git:REF:FILE: {ref}",
                Location(ref),
                expected="git:REF:FILE",
            )
        return rev, path
    if ":" in ref and not os.path.exists(ref):
        rev, _, path = ref.partition(":")
        if rev and path:
            return rev, path
    return None


def _git_show(rev: str, path: str) -> str | None:
    try:
        run = subprocess.run(
            ["git", "show", f"{rev}:{path}"], capture_output=True, text=True, encoding="utf-8", check=False
        )
    except FileNotFoundError:
        return None
    return run.stdout if run.returncode == 0 else None


def materialize(rev: str, path: str, folder: Path, label: str) -> Path:
    """Write ``path`` as it is at ``rev`` into ``folder``, with the files it extends at ``rev`` beside it."""
    text = _git_show(rev, path)
    if text is None:
        detail = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, text=True, check=False)
        why = (detail.stderr or "").strip().splitlines()[-1:] or ["git show failed"]
        raise InputError.one(
            "git_show_failed",
            f"无法读取 {rev}:{path}：{why[0]}",
            f"cannot read {rev}:{path}: {why[0]}",
            Location(label),
            expected="a commit and a file that exists in it",
        )
    target = folder / Path(path).name
    target.write_text(text, encoding="utf-8")
    seen = {Path(path).stem}
    current_text, current_path = text, path
    while True:
        try:
            data = load_document(current_text, current_path).data
        except InputError:
            break  # load_standard reports it with its place
        parent = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(parent, str) or not parent or parent in seen:
            break
        seen.add(parent)
        parent_path = str(Path(current_path).parent / f"{parent}.yaml")
        parent_text = _git_show(rev, parent_path)
        if parent_text is None:
            break  # not in git at REF: load_standard falls back to the bundled one
        (folder / f"{parent}.yaml").write_text(parent_text, encoding="utf-8")
        current_text, current_path = parent_text, parent_path
    return target


def load_side(ref: str, folder: Path) -> Standard:
    git = parse_git_ref(ref)
    if git is None:
        return load_standard(ref)
    rev, path = git
    sub = folder / f"side-{len(list(folder.iterdir()))}"
    sub.mkdir()
    return load_standard(str(materialize(rev, path, sub, ref)))


def impact(paths: Sequence[str], from_ref: str, to_ref: str, options: Options | None = None) -> ImpactReport:
    """Load everything first (every input problem at once), then evaluate both sides on the same day."""
    options = options or Options()
    problems = []
    standards: dict[str, Standard] = {}
    centers: list[CenterDoc] = []
    with tempfile.TemporaryDirectory(prefix="hallmark-impact-") as tmp:
        for side, ref in (("from", from_ref), ("to", to_ref)):
            try:
                standards[side] = load_side(ref, Path(tmp))
            except InputError as exc:
                problems += exc.problems
    try:
        centers = load_centers(paths)
    except InputError as exc:
        problems += exc.problems
    try:
        load_rulebook()
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return compare_standards(centers, standards["from"], standards["to"], options, from_ref, to_ref)


def compare_standards(
    centers: Sequence[CenterDoc],
    before: Standard,
    after: Standard,
    options: Options | None = None,
    from_label: str = "",
    to_label: str = "",
) -> ImpactReport:
    """Evaluate loaded centers under both standards on one day (``options.as_of``, else today) and compare."""
    options = options or Options()
    as_of = options.as_of or options.clock().date()
    same_day = Options(
        as_of=as_of, jobs=options.jobs, engine=options.engine, timeout=options.timeout, clock=options.clock
    )
    rulebook = load_rulebook()
    return compare(
        evaluate(before, rulebook, centers, {}, same_day),
        evaluate(after, rulebook, centers, {}, same_day),
        from_label or before.id,
        to_label or after.id,
    )


# ---------------------------------------------------------------- rendering


def _tier_head(zh: bool) -> list[str]:
    if zh:
        return ["层级", "中心", "状态有变", "合规（前）", "合规（后）", "转为不合规", "转为合规"]
    return [
        "tier",
        "centers",
        "changed",
        "compliant before",
        "compliant after",
        "newly non-compliant",
        "newly compliant",
    ]


def _tier(t: str, zh: bool) -> str:
    return TIER_ZH.get(t, "全部") if zh else t


def _transition(ch: Change, zh: bool) -> str:
    if not zh:
        return ch.transition()
    return f"{_label_zh(ch.before, ch.severity_before, ch)} → {_label_zh(ch.after, ch.severity_after, ch)}"


def _transition_zh(key: str) -> str:
    def one(label: str) -> str:
        if label == "absent":
            return ABSENT[0]
        status, _, sev = label.partition("[")
        text = STATUS_TEXT[Status(status)].zh
        return f"{text}（{sev.rstrip(']')}）" if sev else text

    left, _, right = key.partition(" → ")
    return f"{one(left)} → {one(right)}"


def render_text(report: ImpactReport, lang: str = "zh") -> str:
    zh = lang == "zh"
    n = len(report.centers)
    out = [
        (
            f"政策影响：{report.from_label} → {report.to_label}，基准日 {report.as_of}，{n} 个中心"
            if zh
            else f"impact: {report.from_label} → {report.to_label}, as of {report.as_of}, {n} centers"
        ),
        "",
        "按层级" if zh else "by tier",
    ]
    head = _tier_head(zh)
    rows = [[_tier(t, zh), *(str(v) for v in s.values())] for t, s in report.by_tier().items()]
    out += _table(head, rows)
    out += ["", "按条款" if zh else "by clause"]
    clause_rows = []
    for clause, s in report.by_clause().items():
        trans = (
            "；".join(f"{_transition_zh(k)} {v}" for k, v in s["transitions"].items())
            if zh
            else "; ".join(f"{k} {v}" for k, v in s["transitions"].items())
        )
        tiers = (
            "、".join(f"{_tier(t, zh)} {v}" for t, v in s["tiers"].items())
            if zh
            else ", ".join(f"{t} {v}" for t, v in s["tiers"].items())
        )
        clause_rows.append([clause, str(s["centers"]), tiers, trans])
    if clause_rows:
        out += _table(
            ["条款", "中心", "层级", "变化"] if zh else ["clause", "centers", "tiers", "transitions"], clause_rows
        )
    else:
        out.append("  —")
    for title, group in (
        ("由合规转为不合规的中心" if zh else "centers that become non-compliant", report.regressions),
        ("由不合规转为合规的中心" if zh else "centers that become compliant", report.improvements),
    ):
        out += ["", f"{title}（{len(group)}）" if zh else f"{title} ({len(group)})"]
        out += [f"  {c.id}  {c.name}（{_tier(c.tier, zh)}）" if zh else f"  {c.id}  {c.name} ({c.tier})" for c in group]
        if not group:
            out.append("  —")
    out += ["", "各中心的变化" if zh else "changes per center"]
    if not any(c.changes for c in report.centers):
        out.append("  —")
    for c in report.centers:
        if not c.changes:
            continue
        flag = ("合规" if c.compliant_before else "不合规") + " → " + ("合规" if c.compliant_after else "不合规")
        if not zh:
            flag = (
                ("compliant" if c.compliant_before else "non-compliant")
                + " → "
                + ("compliant" if c.compliant_after else "non-compliant")
            )
        out.append(
            f"  {c.id}  {c.name}（{_tier(c.tier, zh)}，{flag}）" if zh else f"  {c.id}  {c.name} ({c.tier}, {flag})"
        )
        for ch in c.changes:
            out.append(f"      {ch.clause}  {_transition(ch, zh)}")
    unchanged = sum(1 for c in report.centers if not c.changes)
    out += ["", f"状态无变化的中心：{unchanged} 个" if zh else f"centers without change: {unchanged}"]
    return "\n".join(out) + "\n"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    from engine.text import display_width, pad

    widths = [max(display_width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  " + "  ".join(pad(c, widths[i], right=i > 0 and c.isdigit()) for i, c in enumerate(head)).rstrip()]
    for r in rows:
        lines.append("  " + "  ".join(pad(c, widths[i], right=c.isdigit()) for i, c in enumerate(r)).rstrip())
    return lines


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(report: ImpactReport, lang: str = "zh") -> str:
    zh = lang == "zh"
    out = [
        f"# {'政策影响' if zh else 'Impact'}：{report.from_label} → {report.to_label}"
        if zh
        else f"# Impact: {report.from_label} → {report.to_label}",
        "",
        f"{'基准日' if zh else 'As of'} {report.as_of}；{len(report.centers)} {'个中心' if zh else 'centers'}",
        "",
        f"## {'按层级' if zh else 'By tier'}",
        "",
    ]
    head = _tier_head(zh)
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join([_tier(t, zh), *map(str, s.values())]) + " |" for t, s in report.by_tier().items()]
    out += ["", f"## {'按条款' if zh else 'By clause'}", ""]
    head = ["条款", "标题", "中心", "变化"] if zh else ["clause", "title", "centers", "transitions"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for clause, s in report.by_clause().items():
        trans = (
            "；".join(f"{_transition_zh(k)} {v}" for k, v in s["transitions"].items())
            if zh
            else "; ".join(f"{k} {v}" for k, v in s["transitions"].items())
        )
        title = s["title"]["zh" if zh else "en"]
        out.append(f"| {clause} | {_md(title)} | {s['centers']} | {_md(trans)} |")
    for title, group in (
        ("由合规转为不合规的中心" if zh else "Centers that become non-compliant", report.regressions),
        ("由不合规转为合规的中心" if zh else "Centers that become compliant", report.improvements),
    ):
        out += ["", f"## {title}（{len(group)}）" if zh else f"## {title} ({len(group)})", ""]
        out += [f"- `{c.id}` {_md(c.name)}（{_tier(c.tier, zh)}）" for c in group] or ["—"]
    out += ["", f"## {'各中心的变化' if zh else 'Changes per center'}", ""]
    out += ["| 中心 | 层级 | 条款 | 变化 |" if zh else "| center | tier | clause | change |", "|---|---|---|---|"]
    for c in report.centers:
        for ch in c.changes:
            out.append(f"| `{c.id}` {_md(c.name)} | {_tier(c.tier, zh)} | {ch.clause} | {_md(_transition(ch, zh))} |")
    return "\n".join(out) + "\n"


FORMATS = ("text", "json", "markdown")
