"""The wheel ships the data the engine needs: standards/, rules/, examples/ (style.md §2)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("hallmark-*.whl")
    return found


def test_wheel_contains_standards_rules_and_examples(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for sid in ("cn-2011-22", "sjz-current", "sjz-proposed"):
        assert f"engine/_bundled/standards/{sid}.yaml" in names
    for area in ("org", "fun", "hal", "dep", "mat", "net", "sup", "per", "tim"):
        assert f"engine/_bundled/rules/{area}.yaml" in names
    assert "engine/schemas/center.schema.json" in names
    assert sum(n.startswith("engine/_bundled/examples/shijiazhuang/county/") for n in names) == 22


def test_installed_wheel_finds_its_bundled_data(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import engine.standard as s, sys;"
        "print(s.bundled_dir('standards'));"
        "sys.exit(0 if str(s.bundled_dir('standards')).startswith(sys.argv[1]) else 3)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(target)], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout + run.stderr
    check = subprocess.run(
        [sys.executable, "-m", "hallmark", "standards", "list"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert check.returncode == 0, check.stderr
    assert "sjz-proposed" in check.stdout
