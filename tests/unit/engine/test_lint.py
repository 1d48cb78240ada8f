"""``hallmark standards lint``: every class of mistake a drafter makes, with its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.lint import lint_files
from engine.rulebook import load_rulebook
from engine.standard import bundled_dir, bundled_ids
from hallmark.cli import main

STANDARDS = bundled_dir("standards")


def test_bundled_standards_lint_clean() -> None:
    assert lint_files([str(STANDARDS / f"{s}.yaml") for s in bundled_ids()]) == []


def test_every_clause_has_a_rule_and_every_rule_a_clause() -> None:
    from engine.standard import load_standard

    clauses = {c.id for s in bundled_ids() for c in load_standard(s).clauses}
    assert set(load_rulebook().rules) == clauses


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    """A copy of sjz-proposed (and what it extends) a drafter can break."""
    for sid in ("sjz-proposed", "cn-2011-22"):
        shutil.copy(STANDARDS / f"{sid}.yaml", tmp_path / f"{sid}.yaml")
    return tmp_path / "sjz-proposed.yaml"


def _edit(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def _codes(path: Path) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for p in lint_files([str(path)]):
        out.setdefault(p.code, []).append((p.location.line, p.location.column))
    return out


def test_dates_out_of_order_named_with_line(draft: Path) -> None:
    line = _edit(draft, "2019-01-01: {value: error", "2016-01-01: {value: error")
    assert _codes(draft)["dates_out_of_order"][0][0] == line


def test_missing_source_is_a_schema_error(draft: Path) -> None:
    text = draft.read_text(encoding="utf-8")
    start = text.index("      source:", text.index("P-HAL-02:"))
    end = text.index("      message:", start)
    draft.write_text(text[:start] + text[end:], encoding="utf-8")
    problems = lint_files([str(draft)])
    assert any(p.code == "missing_field" and "source" in p.message.en for p in problems)


def test_duplicate_clause_id_across_sections(draft: Path) -> None:
    line = _edit(draft, "    P-PER-02:", "    P-HAL-01:")
    assert _codes(draft)["duplicate_clause"][0][0] == line


def test_duplicate_clause_id_in_one_section_is_a_duplicate_key(draft: Path) -> None:
    line = _edit(draft, "    P-HAL-02:", "    P-HAL-01:")
    assert _codes(draft)["duplicate_key"][0][0] == line


def test_parameter_of_wrong_type(draft: Path) -> None:
    _edit(draft, "{value: 3000,", '{value: "三千",')
    assert "wrong_parameter_type" in _codes(draft)


def test_unknown_rule_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    text = (rules / "hal.yaml").read_text(encoding="utf-8")
    (rules / "hal.yaml").write_text(text.replace("kind: number_at_least", "kind: number_at_leest"), encoding="utf-8")
    import engine.lint as lint

    monkeypatch.setattr(lint, "load_rulebook", lambda: load_rulebook(rules))
    problems = lint.lint_files([str(STANDARDS / "sjz-proposed.yaml")])
    hit = [p for p in problems if p.code == "unknown_rule_kind"]
    assert hit and hit[0].location.file == "rules/hal.yaml" and hit[0].location.line == 2


def test_clause_without_rule(draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_dir("rules"), rules)
    text = (rules / "per.yaml").read_text(encoding="utf-8")
    (rules / "per.yaml").write_text(
        "\n".join(ln for ln in text.splitlines() if not ln.startswith("P-PER-02")) + "\n", encoding="utf-8"
    )
    import engine.lint as lint

    monkeypatch.setattr(lint, "load_rulebook", lambda: load_rulebook(rules))
    assert "missing_rule" in {p.code for p in lint.lint_files([str(draft)])}


def test_unknown_template_field(draft: Path) -> None:
    _edit(draft, "{expected}", "{expectd}")
    assert "bad_template" in _codes(draft)


def test_cli_lint_exit_codes(draft: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standards", "lint", str(draft)]) == 0
    line = _edit(draft, "2019-01-01: {value: error", "2016-01-01: {value: error")
    assert main(["--lang", "en", "standards", "lint", str(draft)]) == 2
    err = capsys.readouterr().err
    assert f"{draft}:{line}:" in err and "dates_out_of_order" in err and "Traceback" not in err
