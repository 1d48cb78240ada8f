"""The progress bar: on stderr, forced with --progress, never in a pipe by default."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from hallmark.cli import main
from hallmark.commands.common import PROGRESS_THRESHOLD, ProgressBar

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "shijiazhuang"


def test_progress_forced_draws_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(EXAMPLES / "county"), "--progress", "--jobs", "1", "--output", str(tmp_path / "r.txt")])
    assert code == 1
    err = capsys.readouterr().err
    assert "22/22" in err and "#" in err


def test_no_progress_in_a_pipe_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(EXAMPLES / "county"), "--jobs", "1", "--output", str(tmp_path / "r.txt")])
    assert "/22" not in capsys.readouterr().err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_default_shows_only_for_many_centers_on_a_terminal() -> None:
    tty = _Tty()
    bar = ProgressBar(stream=tty)
    bar(10, PROGRESS_THRESHOLD)
    assert tty.getvalue() == ""
    bar(PROGRESS_THRESHOLD + 1, PROGRESS_THRESHOLD + 1)
    assert tty.getvalue().endswith(f"{PROGRESS_THRESHOLD + 1}/{PROGRESS_THRESHOLD + 1}\n")
    assert ProgressBar("never", stream=tty).shown(10**6) is False
