"""Helpers of the workbench's tests: a real ``hallmark serve`` on loopback, and headless Chromium.

The browser is Debian's ``chromium`` driven through Debian's ``chromedriver`` (package
``chromium-driver``; ``make chromium`` installs both) by Selenium. Nothing is downloaded:
Selenium is handed both paths, so its driver manager never runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# the API tests' helpers serve these tests too: one way to start and stop a server
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from api_helpers import start_server as start_api_server
from api_helpers import stop_server as stop_server  # re-exported for conftest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "shijiazhuang"
EXAMPLE = EXAMPLES / "county" / "130105-county.yaml"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
)


@dataclass
class Server:
    base: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path

    def key(self, role: str, name: str) -> str:
        from api.store import Store

        store = Store(f"sqlite:///{self.db}")
        try:
            return store.create_key(role, name)[1]
        finally:
            store.dispose()

    def submit(self, key: str, path: Path) -> httpx.Response:
        return httpx.post(
            f"{self.base}/v1/checks",
            content=path.read_bytes(),
            headers={"X-API-Key": key, "Content-Type": "application/yaml"},
            params={"filename": path.name},
            timeout=120,
        )


def start_server(tmp: Path, timeout: float = 90) -> Server:
    db = tmp / "hallmark.sqlite"
    log = tmp / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HALLMARK_FAULT")}
    env.update(HALLMARK_DB=str(db), HALLMARK_JOBS="1")
    proc, base = start_api_server(env, log, timeout, cwd=tmp)
    return Server(base, db, proc, log)


class BrowserUnavailable(Exception):
    pass


def find_browser() -> tuple[str, str]:
    """``(chromium, chromedriver)`` paths, or ``BrowserUnavailable`` saying what is missing."""
    chromium = next(
        (
            p
            for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
            if p and Path(p).exists()
        ),
        None,
    )
    driver = next(
        (
            p
            for p in (shutil.which("chromedriver"), "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
            if p and Path(p).exists()
        ),
        None,
    )
    missing = [name for name, path in (("chromium", chromium), ("chromedriver (chromium-driver)", driver)) if not path]
    if missing:
        raise BrowserUnavailable(
            f"{' and '.join(missing)} not installed and could not be (`make chromium` installs Debian's "
            "chromium and chromium-driver with apt-get, as root)"
        )
    assert chromium and driver
    return chromium, driver


def launch(profile: Path, downloads: Path) -> Any:
    """A headless Chromium session (Selenium WebDriver) with a fresh profile; downloads go to ``downloads``."""
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:  # the test extra is not installed
        raise BrowserUnavailable(f"selenium is not installed ({exc}); `pip install -e '.[test]'`") from None
    chromium, driver_path = find_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,900")
    options.add_argument("--lang=zh-CN")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    try:
        browser = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except WebDriverException as exc:
        raise BrowserUnavailable(f"headless chromium could not be launched: {exc.msg or exc}") from None
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.set_page_load_timeout(120)
    return browser


def screenshot(browser: Any, name: str, width: int, full: bool = True) -> Path:
    """The page at ``width`` CSS pixels (a phone at 390, mobile emulation), whole length, as PNG."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    mobile = width < 600
    height = 844 if mobile else 900
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    if full:
        total = int(browser.execute_script("return Math.ceil(document.documentElement.scrollHeight)"))
        metrics["height"] = max(height, min(total, 7000))
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    path = ARTIFACTS / f"{name}-{width}.png"
    browser.save_screenshot(str(path))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


def horizontal_overflow(browser: Any) -> int:
    """CSS pixels the page is wider than its viewport (0: nothing sticks out sideways)."""
    return int(
        browser.execute_script(
            "return Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
        )
    )


AUDIT_JS = r"""
function rgba(text) {
  var m = text.match(/rgba?\(([^)]+)\)/);
  if (!m) { return [0, 0, 0, 0]; }
  var p = m[1].split(",").map(function (x) { return parseFloat(x); });
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}
function over(top, bottom) {
  var a = top[3];
  return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
}
function background(el) {
  var layers = [];
  for (var node = el; node && node.nodeType === 1; node = node.parentElement) {
    var c = rgba(getComputedStyle(node).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) { break; } }
  }
  var colour = [255, 255, 255, 1];
  for (var i = layers.length - 1; i >= 0; i--) { colour = over(layers[i], colour); }
  return colour;
}
function luminance(c) {
  var v = c.slice(0, 3).map(function (x) {
    x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
var low = [];
document.querySelectorAll("body *").forEach(function (el) {
  var own = Array.prototype.some.call(el.childNodes, function (n) { return n.nodeType === 3 && n.textContent.trim(); });
  if (!own || !el.getClientRects().length) { return; }
  var style = getComputedStyle(el);
  if (style.visibility === "hidden" || el.closest("svg, .sr, .skip")) { return; }
  var bg = background(el);
  var fg = over(rgba(style.color), bg);
  var l1 = luminance(fg), l2 = luminance(bg);
  var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  var size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
  var need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
  if (ratio < need) {
    low.push(el.tagName + "." + el.className + " '" + el.textContent.trim().slice(0, 30) + "' " + ratio.toFixed(2));
  }
});
var unlabelled = [];
document.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (el) {
  if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) { unlabelled.push(el.name || el.id); }
});
return {low: low, unlabelled: unlabelled};
"""


def accessibility_problems(browser: Any) -> dict[str, list[str]]:
    """Text below WCAG AA contrast (4.5:1, 3:1 for large text) and form fields without a label."""
    return dict(browser.execute_script(AUDIT_JS))
