"""``hallmark standards coverage``: which feature scenarios document which clause.

Feature files (``features/*.feature``, zh-CN Gherkin) tag each scenario with the
clause ids it documents (``@P-ORG-02``). This module reads them with the Gherkin
parser pytest-bdd itself uses and answers, for every clause of the chosen
standards (every bundled one by default): which scenarios cover it, and which
outcomes they assert (``条款 P-ORG-02 不通过`` — the status words of
``report.STATUS_TEXT``, expanded through a 场景大纲's 例子).

Problems (each with file and line; any of them makes the command exit 1):

``uncovered_clause``        a clause no scenario is tagged with;
``missing_outcome``         a clause with no scenario asserting that it passes, or none that it fails;
``unknown_clause_tag``      a tag shaped like a clause id naming no clause of any standard considered;
``untagged_assertion``      a scenario asserting a clause's status without carrying its tag;
``untagged_scenario``       a scenario documenting no clause;
``title_not_led_by_clause`` a scenario title that does not begin with one of its clause ids;
``feature_syntax``          a feature file Gherkin cannot parse.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError, Location, Problem
from engine.report import STATUS_TEXT, Status
from engine.standard import Clause, Standard, bundled_dir
from engine.text import Text

CLAUSE_TAG = re.compile(r"^[A-Z]+-[A-Z]+-\d+$")
_STATUS_ZH = {t.zh: s for s, t in STATUS_TEXT.items()}
# longest first: 不通过 before 通过
_STATUS_WORDS = "|".join(sorted(_STATUS_ZH, key=len, reverse=True))
ASSERTION = re.compile(
    rf"条款\s*[“\"]?(?P<clause>[A-Z]+-[A-Z]+-\d+)[”\"]?\s*(?:的状态为\s*)?(?P<status>{_STATUS_WORDS})"
)
OUTCOMES_REQUIRED = (Status.PASS, Status.FAIL)


@dataclass
class FeatureScenario:
    """One scenario (or 场景大纲) of a feature file, as the coverage report and the handbook need it."""

    file: str
    line: int
    feature: str
    keyword: str
    name: str
    tags: tuple[str, ...]  # without '@', the feature's and rule's included
    steps: list[tuple[str, str]]  # (keyword, text); a data table follows its step's text as '| … |' lines
    examples: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)  # (header, rows)
    outcomes: dict[str, set[Status]] = field(default_factory=dict)  # clause → statuses its steps assert
    tag_lines: dict[str, int] = field(default_factory=dict)
    language: str = "en"  # the feature file's ``# language:``

    @property
    def clauses(self) -> tuple[str, ...]:
        return tuple(t for t in self.tags if CLAUSE_TAG.match(t))

    @property
    def title(self) -> str:
        return f"{self.name}"

    def location(self) -> Location:
        return Location(self.file, self.line, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "feature": self.feature,
            "keyword": self.keyword,
            "name": self.name,
            "tags": list(self.tags),
            "outcomes": {c: sorted(s.value for s in st) for c, st in sorted(self.outcomes.items())},
        }


@dataclass
class ClauseCoverage:
    clause: Clause
    scenarios: list[FeatureScenario]

    def outcomes(self) -> dict[Status, int]:
        counts: dict[Status, int] = {}
        for s in self.scenarios:
            for status in s.outcomes.get(self.clause.id, set()):
                counts[status] = counts.get(status, 0) + 1
        return counts


@dataclass
class CoverageReport:
    features_dir: str
    files: list[str]
    scenarios: list[FeatureScenario]
    standards: list[tuple[Standard, list[ClauseCoverage]]]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "features": self.features_dir,
            "files": self.files,
            "scenarios": len(self.scenarios),
            "standards": [
                {
                    "id": std.id,
                    "clauses": [
                        {
                            "clause": cc.clause.id,
                            "title": cc.clause.title.to_json(),
                            "outcomes": {s.value: n for s, n in sorted(cc.outcomes().items())},
                            "scenarios": [
                                {"file": s.file, "line": s.line, "name": s.name, "keyword": s.keyword}
                                for s in cc.scenarios
                            ],
                        }
                        for cc in clauses
                    ],
                }
                for std, clauses in self.standards
            ],
            "problems": [p.to_json() for p in self.problems],
            "ok": self.ok,
        }


# ---------------------------------------------------------------- reading features


def default_features_dir() -> Path:
    return bundled_dir("features")


def _display(path: Path) -> str:
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def _problem(code: str, zh: str, en: str, location: Location) -> Problem:
    return Problem(code, Text(zh, en), location)


def _table_lines(rows: list[dict[str, Any]]) -> list[list[str]]:
    return [[c["value"] for c in row["cells"]] for row in rows]


def _steps(raw_steps: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out = []
    for st in raw_steps:
        text = st["text"]
        table = st.get("dataTable")
        if table:
            text += "".join("\n| " + " | ".join(row) + " |" for row in _table_lines(table["rows"]))
        out.append((st["keyword"].strip(), text))
    return out


def _outcomes(steps: list[tuple[str, str]], contexts: list[dict[str, str]]) -> dict[str, set[Status]]:
    found: dict[str, set[Status]] = {}
    for context in contexts or [{}]:
        for _, text in steps:
            for name, value in context.items():
                text = text.replace(f"<{name}>", value)
            for m in ASSERTION.finditer(text):
                found.setdefault(m.group("clause"), set()).add(_STATUS_ZH[m.group("status")])
    return found


def read_feature(path: Path, display: str | None = None) -> list[FeatureScenario]:
    """Every scenario of one feature file; ``InputError`` (``feature_syntax``) if Gherkin cannot parse it."""
    from gherkin.errors import CompositeParserException, ParserException
    from gherkin.parser import Parser

    name = display or _display(path)
    try:
        doc = Parser().parse(path.read_text(encoding="utf-8"))
    except (CompositeParserException, ParserException) as exc:
        errors = getattr(exc, "errors", None) or [exc]
        problems = []
        for err in errors:
            loc = getattr(err, "location", None) or {}
            problems.append(
                _problem(
                    "feature_syntax",
                    f"Gherkin 无法解析：{err}",
                    f"Gherkin cannot parse this: {err}",
                    Location(name, int(loc.get("line") or 0), int(loc.get("column") or 0)),
                )
            )
        raise InputError(problems) from None
    feature = doc.get("feature")
    if not feature:
        return []
    out: list[FeatureScenario] = []

    def walk(children: list[Any], inherited_tags: list[Any], background: list[Any]) -> None:
        bg = list(background)
        for child in children:
            if "background" in child:
                bg = bg + child["background"]["steps"]
            elif "rule" in child:
                rule = child["rule"]
                walk(rule["children"], inherited_tags + rule.get("tags", []), bg)
            elif "scenario" in child:
                sc = child["scenario"]
                tags = inherited_tags + sc.get("tags", [])
                steps = _steps(bg + sc["steps"])
                examples = []
                contexts = []
                for ex in sc.get("examples", []):
                    if not ex.get("tableHeader"):
                        continue
                    header = [c["value"] for c in ex["tableHeader"]["cells"]]
                    rows = _table_lines(ex.get("tableBody", []))
                    examples.append((header, rows))
                    contexts += [dict(zip(header, row, strict=False)) for row in rows]
                names = [t["name"].lstrip("@") for t in tags]
                out.append(
                    FeatureScenario(
                        file=name,
                        line=sc["location"]["line"],
                        feature=feature["name"],
                        keyword=sc["keyword"].strip(),
                        name=sc["name"],
                        tags=tuple(dict.fromkeys(names)),
                        steps=steps,
                        examples=examples,
                        outcomes=_outcomes(steps, contexts),
                        tag_lines={t["name"].lstrip("@"): t["location"]["line"] for t in tags},
                        language=str(feature.get("language") or "en"),
                    )
                )

    walk(feature.get("children", []), feature.get("tags", []), [])
    return out


def feature_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.feature") if not any(part.startswith(".") for part in p.parts))


def read_features(folder: Path | str | None = None) -> tuple[list[str], list[FeatureScenario]]:
    """(files, scenarios) of every ``*.feature`` under ``folder`` (default: the bundled ``features/``)."""
    path = Path(folder) if folder is not None else default_features_dir()
    if not path.is_dir():
        raise InputError.one(
            "missing_path",
            f"功能文件夹不存在：{path}",
            f"no such features folder: {path}",
            Location(str(path)),
            expected="a folder holding *.feature files",
        )
    files = feature_files(path)
    if not files:
        raise InputError.one(
            "no_input_files",
            f"文件夹中没有 .feature 文件：{path}",
            f"no .feature file in folder {path}",
            Location(str(path)),
            expected="a folder holding *.feature files",
        )
    scenarios: list[FeatureScenario] = []
    problems: list[Problem] = []
    for f in files:
        try:
            scenarios += read_feature(f)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return [_display(f) for f in files], scenarios


# ---------------------------------------------------------------- the coverage check


def _scenario_problems(s: FeatureScenario, known: set[str]) -> list[Problem]:
    out = []
    for tag in s.clauses:
        if tag not in known:
            out.append(
                _problem(
                    "unknown_clause_tag",
                    f"标签 @{tag} 指向的条款不存在（场景 “{s.name}”）",
                    f"tag @{tag} names no clause of any standard (scenario '{s.name}')",
                    Location(s.file, s.tag_lines.get(tag, s.line), 1),
                )
            )
    if not s.clauses:
        out.append(
            _problem(
                "untagged_scenario",
                f"场景 “{s.name}” 没有标注条款编号",
                f"scenario '{s.name}' is tagged with no clause id",
                s.location(),
            )
        )
    elif not any(s.name.startswith(c) for c in s.clauses):
        out.append(
            _problem(
                "title_not_led_by_clause",
                f"场景标题应以其条款编号开头（{'、'.join(s.clauses)}）：“{s.name}”",
                f"a scenario title begins with its clause id ({', '.join(s.clauses)}): '{s.name}'",
                s.location(),
            )
        )
    for clause_id in sorted(set(s.outcomes) - set(s.clauses)):
        out.append(
            _problem(
                "untagged_assertion",
                f"场景 “{s.name}” 断言了条款 {clause_id} 的结果，但未标注 @{clause_id}",
                f"scenario '{s.name}' asserts the status of {clause_id} without the tag @{clause_id}",
                s.location(),
            )
        )
    return out


def coverage(
    standards: Sequence[Standard], known_clauses: set[str], files: list[str], scenarios: list[FeatureScenario]
) -> CoverageReport:
    """Which scenarios cover each of the standards' own clauses, and every problem found."""
    by_clause: dict[str, list[FeatureScenario]] = {}
    for s in scenarios:
        for cid in s.clauses:
            by_clause.setdefault(cid, []).append(s)
    problems: list[Problem] = []
    for s in scenarios:
        problems += _scenario_problems(s, known_clauses)
    out = []
    for std in standards:
        rows = []
        for clause in std.own_clauses:
            cc = ClauseCoverage(clause, by_clause.get(clause.id, []))
            rows.append(cc)
            where = clause.location
            if not cc.scenarios:
                problems.append(
                    _problem(
                        "uncovered_clause",
                        f"{std.id} 条款 {clause.id}（{clause.title.zh}）没有任何场景",
                        f"{std.id} clause {clause.id} ({clause.title.en}) has no scenario",
                        where,
                    )
                )
                continue
            seen = cc.outcomes()
            for status in OUTCOMES_REQUIRED:
                if status not in seen:
                    word = STATUS_TEXT[status]
                    problems.append(
                        _problem(
                            "missing_outcome",
                            f"{std.id} 条款 {clause.id} 没有断言“{word.zh}”的场景",
                            f"{std.id} clause {clause.id} has no scenario asserting that it is '{word.en}'",
                            where,
                        )
                    )
        out.append((std, rows))
    base = os.path.commonpath([os.path.abspath(f) for f in files]) if files else ""
    return CoverageReport(
        _display(Path(base)) if base else "", files, scenarios, out, sorted(problems, key=Problem.sort_key)
    )


def render_text(report: CoverageReport, lang: str = "zh", summary: bool = False) -> str:
    zh = lang == "zh"
    lines = [
        (
            f"条款覆盖：{report.features_dir}（{len(report.files)} 个功能文件，{len(report.scenarios)} 个场景）"
            if zh
            else f"clause coverage: {report.features_dir} ({len(report.files)} feature files, "
            f"{len(report.scenarios)} scenarios)"
        ),
        "",
    ]
    for std, rows in report.standards:
        inherited = len(std.clauses) - len(std.own_clauses)
        head = f"{std.id} {std.version}  {std.title.zh if zh else std.title.en}"
        if inherited:
            head += (
                f"（另继承 {'、'.join(std.extends)} 的 {inherited} 条）"
                if zh
                else f" (and {inherited} inherited from {', '.join(std.extends)})"
            )
        lines.append(head)
        for cc in rows:
            counts = cc.outcomes()
            shown = " · ".join(
                f"{STATUS_TEXT[s].zh if zh else STATUS_TEXT[s].en} {n}"
                for s, n in sorted(counts.items(), key=lambda kv: list(Status).index(kv[0]))
            )
            n = len(cc.scenarios)
            title = cc.clause.title.zh if zh else cc.clause.title.en
            mark = "✓" if n and all(s in counts for s in OUTCOMES_REQUIRED) else "✗"
            scen = f"场景 {n}" if zh else f"{n} scenario{'s' if n != 1 else ''}"
            lines.append(f"  {mark} {cc.clause.id}  {title} — {scen}" + (f"（{shown}）" if shown and zh else ""))
            if shown and not zh:
                lines[-1] += f" ({shown})"
            if not summary:
                for s in cc.scenarios:
                    lines.append(f"      {s.file}:{s.line}  {s.name}")
        lines.append("")
    if report.problems:
        lines.append(f"发现 {len(report.problems)} 个问题：" if zh else f"{len(report.problems)} problem(s):")
        lines += [f"  {p.render(lang)}" for p in report.problems]
    else:
        lines.append("每个条款都有通过与不通过的场景。" if zh else "every clause has a passing and a failing scenario.")
    return "\n".join(lines) + "\n"


def check_coverage(targets: Sequence[str] = (), features: str | None = None) -> CoverageReport:
    """Coverage of the standards named (bundled ids or files; default every bundled one) by ``features``."""
    from engine.standard import bundled_ids, load_standard

    bundled = [load_standard(sid) for sid in bundled_ids()]
    chosen = [load_standard(t) for t in targets] if targets else bundled
    known = {c.id for s in [*bundled, *chosen] for c in s.clauses}
    files, scenarios = read_features(features)
    return coverage(chosen, known, files, scenarios)
