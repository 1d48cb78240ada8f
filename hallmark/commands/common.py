"""What every subcommand shares: language, all-or-nothing writes, rendering."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from engine import outputs
from engine.errors import InputError, Location
from engine.outputs.base import is_binary, render_bytes
from engine.report import Report


def lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", None) or os.environ.get("HALLMARK_LANG") or "zh")


def write(text: str | bytes, output: str | None) -> None:
    """Write all or nothing: a temporary file renamed into place. Bytes (xlsx) are written as they are."""
    if not output or output == "-":
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
        return
    target = Path(output)
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "is a directory")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError.one(
            "unwritable_output",
            f"无法写入报告文件：{exc.strerror or exc}",
            f"cannot write the report: {exc.strerror or exc}",
            Location(output),
            expected="a writable file path",
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(report: Report, fmt: str, lang: str, verbose: bool = False) -> str | bytes:
    if fmt == "text":
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        return outputs.get("text", colour=colour, lang=lang, verbose=verbose).render(report)
    out = outputs.get(fmt)
    return render_bytes(out, report) if is_binary(out) else out.render(report)


def arg_location() -> Location:
    return Location("(command line)")


def add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help="language of messages")


class ProgressBar:
    """A progress bar on stderr. ``mode`` "always" draws it, "never" hides it; by default it is drawn
    for more than ``PROGRESS_THRESHOLD`` centers when stderr is a terminal."""

    def __init__(self, mode: str | None = None, stream: TextIO | None = None, width: int = 30) -> None:
        self.mode = mode
        self.stream = stream or sys.stderr
        self.width = width

    def shown(self, total: int) -> bool:
        if self.mode is not None:
            return self.mode == "always"
        return total > PROGRESS_THRESHOLD and self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.shown(total):
            return
        filled = self.width * done // max(total, 1)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}{end}")
        self.stream.flush()


PROGRESS_THRESHOLD = 300
