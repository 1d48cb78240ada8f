"""The features as pytest shows them: Chinese ids unescaped, clause tags as markers (hyphens included)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pytest(*args: str) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_chinese_test_ids_show_as_written() -> None:
    out = _pytest("--collect-only", "-q", "tests/bdd")
    assert "tests/bdd/test_org.py::test_porg02_县级中心为副科级时不通过" in out
    assert "[县级-副科级-不通过]" in out
    assert "\\u" not in out


def test_clause_tags_select_scenarios() -> None:
    out = _pytest("--collect-only", "-q", "-m", "P-ORG-02", "tests/bdd/test_org.py")
    ids = [line for line in out.splitlines() if "::" in line]
    assert ids and all("porg02" in i or "corg01" in i for i in ids), ids
