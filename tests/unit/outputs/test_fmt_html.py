"""``--format html``: one self-contained, escaped page; opened in headless Chromium on the bundled data."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from outputs_fixture import golden

from engine import outputs
from engine.check import Options, check
from engine.report import Report, Status

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "tests" / "artifacts"


class Page(HTMLParser):
    """Text by element id, every tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.by_id[str(a["id"])] = ""
            self._open.append(str(a["id"]))
        else:
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._open:
            if ident:
                self.by_id[ident] += data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def expected_summary(report: Report) -> dict[str, str]:
    compliant = sum(1 for c in report.centers if c.compliant)
    numbers = {"sum-centers": len(report.centers), "sum-compliant": compliant}
    numbers["sum-noncompliant"] = len(report.centers) - compliant
    for s in Status:
        numbers[f"sum-{s.value}"] = sum(c.counts()[s.value] for c in report.centers)
    return {k: str(v) for k, v in numbers.items()}


def test_matches_golden(report: Report) -> None:
    out = outputs.get("html").render(report)
    assert out == golden("html", out)


def test_summary_numbers(report: Report) -> None:
    page = parse(outputs.get("html").render(report))
    assert {k: page.by_id[k] for k in expected_summary(report)} == expected_summary(report)


def test_self_contained(report: Report) -> None:
    text = outputs.get("html").render(report)
    page = parse(text)
    for tag, attrs in page.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed"), tag
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
    assert re.findall(r"https?://[^\s\"'<>]+", text) == ["http://www.w3.org/2000/svg"] * text.count("<svg ")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_escaped(report: Report) -> None:
    text = outputs.get("html").render(report)
    assert "新址大厅 &lt;2018&gt; &amp; 扩建" in text and "<2018>" not in text


def test_rows_filters_and_charts(report: Report) -> None:
    page = parse(outputs.get("html").render(report))
    rows = [a for t, a in page.tags if t == "tr" and "data-status" in a]
    assert [r["data-status"] for r in rows] == ["error", "fail", "not_declared", "waived", "pass", "not_applicable"]
    assert {"f-status", "f-severity", "f-tier", "f-text", "f-findings", "shown"} <= set(page.by_id)
    assert sum(1 for t, _ in page.tags if t == "svg") == 2


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def run_chromium(binary: str, url: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"]
    cmd += [f"--user-data-dir={profile}", "--window-size=1280,1600", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)


def test_opens_in_headless_chromium(tmp_path: Path) -> None:
    binary = chromium()
    if binary is None:
        pytest.skip("chromium is not installed and could not be (`make chromium` installs Debian's chromium)")
    report = check(["examples/shijiazhuang"], "sjz-proposed", None, Options(as_of=dt.date(2019, 1, 1), jobs=0))
    page_file = tmp_path / "report.html"
    page_file.write_text(outputs.get("html").render(report), encoding="utf-8")
    url = page_file.as_uri()

    dom = run_chromium(binary, url, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = parse(dom.stdout)
    assert {k: page.by_id.get(k) for k in expected_summary(report)} == expected_summary(report)
    rows = sum(len(c.results) for c in report.centers)
    assert page.by_id["shown"] == f"显示 {rows} / {rows} 条", "the filter script ran"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-html.png"
    shot.unlink(missing_ok=True)
    done = run_chromium(binary, url, tmp_path / "profile", f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
