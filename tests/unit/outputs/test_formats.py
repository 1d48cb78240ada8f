"""Every ``FORMATS`` entry: its file, its test, its golden file; pure rendering; and the CLI end to end."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import pytest

from engine import outputs
from engine.outputs.base import is_binary, render_bytes
from engine.report import Report
from hallmark.cli import main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
OUTPUTS = ROOT / "engine" / "outputs"
NAMES = sorted(outputs.FORMATS)


@pytest.mark.parametrize("name", NAMES)
def test_format_has_its_file_test_and_golden(name: str) -> None:
    cls = outputs.FORMATS[name]
    assert cls.name == name
    assert cls.__module__ == f"engine.outputs.fmt_{name}", "one file per format: engine/outputs/fmt_<name>.py"
    assert (OUTPUTS / f"fmt_{name}.py").is_file()
    assert (HERE / f"test_fmt_{name}.py").is_file(), f"write tests/unit/outputs/test_fmt_{name}.py"
    assert (HERE / "golden" / f"report.{cls.suffix}").is_file(), f"golden/report.{cls.suffix} (UPDATE_GOLDEN=1)"
    assert cls.media_type and cls.suffix


def test_every_golden_file_belongs_to_a_format() -> None:
    suffixes = {cls.suffix for cls in outputs.FORMATS.values()}
    assert {p.suffix.lstrip(".") for p in (HERE / "golden").iterdir()} == suffixes


@pytest.mark.parametrize("name", NAMES)
def test_rendering_is_pure(report: Report, name: str) -> None:
    before = copy.deepcopy(report)
    out = outputs.get(name)
    first, second = render_bytes(out, report), render_bytes(out, report)
    assert first == second
    assert report == before, "render must leave the report untouched"


def test_unknown_format_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "examples/shijiazhuang", "--format", "pdf", "--output", str(tmp_path / "x")])
    assert code == 2
    assert "unknown_format" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("name", NAMES)
def test_cli_check_writes_every_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / f"report.{outputs.FORMATS[name].suffix}"
    argv = ["check", "examples/shijiazhuang", "--standard", "sjz-proposed", "--as-of", "2019-01-01"]
    code = main([*argv, "--format", name, "--output", str(target)])
    assert code == 1, "the bundled centers include failing ones"
    data = target.read_bytes()
    if is_binary(outputs.get(name)):
        assert zipfile.is_zipfile(target)
        return
    text = data.decode("utf-8")
    assert "130105-county" in text
    if name in ("json", "sarif"):
        json.loads(text)
