"""The reviewer workbench in a real browser: headless Chromium against ``hallmark serve`` on loopback.

The issue's done-when walk: sign in, submit a bundled center, see its fails, fix one
value (hall area 2400 → 3000), send it again, see that clause pass, compare the two
checks, open the city view and follow a cell to its finding, run the drafter view,
download SARIF. Screenshots at 1280 px and at 390 px (a phone) go to tests/artifacts/.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from ui_helpers import EXAMPLE, EXAMPLES, Server, accessibility_problems, horizontal_overflow, screenshot

pytest.importorskip("selenium", reason="selenium is not installed (test extra)")

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

CENTER = "130105-county"
SEED = [
    EXAMPLES / "city" / "130100-city.yaml",
    *[p for p in sorted((EXAMPLES / "county").glob("*.yaml")) if p.name != EXAMPLE.name][:8],
    *sorted((EXAMPLES / "township").glob("*.yaml"))[:4],
    *sorted((EXAMPLES / "village").glob("*.yaml"))[:3],
]


def wait(browser: Any, seconds: float = 60) -> WebDriverWait:
    return WebDriverWait(browser, seconds)


def check_id_of(url: str) -> int:
    found = re.search(r"/ui/checks/(\d+)", url)
    assert found, url
    return int(found.group(1))


def finding(browser: Any, clause: str, center: str = CENTER) -> Any:
    return browser.find_element(By.ID, f"r-{center}-{clause}")


def both_widths(browser: Any, name: str) -> None:
    """Screenshots at 1280 and 390 px; at 390 nothing may stick out sideways (tables scroll in their box).
    Also: no text below AA contrast, no form field without a label."""
    assert accessibility_problems(browser) == {"low": [], "unlabelled": []}, name
    screenshot(browser, name, 1280)
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    )
    overflow = horizontal_overflow(browser)
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    screenshot(browser, name, 390)
    assert overflow == 0, f"{name}: the page is {overflow} px wider than a 390 px phone screen"


def wait_for_download(folder: Path, suffix: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done and not any(p.name.endswith(".crdownload") for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no *{suffix} downloaded into {folder}: {[p.name for p in folder.iterdir()]}")


def test_reviewer_round_trip(server: Server, browser: Any, downloads: Path) -> None:
    key = server.key("drafter", "浏览器测试 drafter")
    for path in SEED:  # other centers, so the city view has a city to show
        r = server.submit(key, path)
        assert r.status_code == 201, r.text

    # --- sign in (the page asks for it, and remembers where we were going)
    browser.get(f"{server.base}/ui/check")
    wait(browser).until(EC.presence_of_element_located((By.ID, "key")))
    assert "/ui/signin" in browser.current_url
    assert "用 API 密钥登录" in browser.page_source
    both_widths(browser, "ui-signin")
    browser.find_element(By.ID, "key").send_keys("hm_not_a_key" + Keys.ENTER)
    wait(browser).until(EC.presence_of_element_located((By.ID, "signin-error")))
    browser.find_element(By.ID, "key").send_keys(key + Keys.ENTER)
    wait(browser).until(EC.url_contains("/ui/check"))
    assert "提交中心配置" in browser.page_source

    # --- the keyboard: the first Tab reaches the skip link
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"

    # --- a document with input errors: every one shown beside its line, nothing checked
    bad = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace("area_m2: 2400", 'area_m2: "2400"')
        .replace("windows: 48", "windows: yes")
    )
    text = browser.find_element(By.ID, "text")
    browser.execute_script("arguments[0].value = arguments[1];", text, bad)
    browser.find_element(By.ID, "submit").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "errors")))
    errors = browser.find_elements(By.CSS_SELECTOR, ".line-error")
    assert sorted(int(e.get_attribute("data-line")) for e in errors) == [19, 20]
    assert "wrong_type" in errors[0].text and "yaml11_boolean" in errors[1].text
    assert browser.find_element(By.ID, "L19").get_attribute("class") == "src-line has-error"
    both_widths(browser, "ui-input-errors")
    errors[0].find_element(By.CSS_SELECTOR, "button.goto").click()  # the cursor goes to line 19
    selected = browser.execute_script(
        "var t = document.getElementById('text'); return t.value.substring(t.selectionStart, t.selectionEnd);"
    )
    assert "area_m2" in selected

    # --- upload the bundled center: the file fills the text box, then the report
    browser.get(f"{server.base}/ui/check")
    browser.find_element(By.ID, "file").send_keys(str(EXAMPLE))
    wait(browser).until(lambda b: CENTER in b.find_element(By.ID, "text").get_attribute("value"))
    browser.find_element(By.ID, "submit").click()
    wait(browser).until(EC.url_matches(r"/ui/checks/\d+$"))
    first = check_id_of(browser.current_url)
    hall = finding(browser, "P-HAL-01")
    assert hall.get_attribute("data-status") == "fail"
    assert "2400" in hall.text.replace(",", "") and "3000" in hall.text.replace(",", "")
    assert hall.find_element(By.CSS_SELECTOR, "blockquote").text  # the regulation, quoted
    assert hall.find_element(By.CSS_SELECTOR, ".remediation").text
    assert int(browser.find_element(By.ID, f"count-{CENTER}-fail").text.split()[-1]) > 0
    statuses = [a.get_attribute("data-status") for a in browser.find_elements(By.CSS_SELECTOR, "article.finding")]
    assert statuses[0] == "fail"  # fails first
    for org in ("P-ORG-02", "P-DEP-01", "P-MAT-01"):  # the other expected fails of this center
        assert finding(browser, org).get_attribute("data-status") == "fail"
    both_widths(browser, "ui-report")

    # --- fix one value and send it again
    browser.find_element(By.ID, "resubmit").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "text")))
    text = browser.find_element(By.ID, "text")
    assert "area_m2: 2400" in text.get_attribute("value")
    browser.execute_script("arguments[0].value = arguments[0].value.replace('area_m2: 2400', 'area_m2: 3000');", text)
    browser.find_element(By.ID, "submit").click()
    wait(browser).until(
        lambda b: re.search(r"/ui/checks/(\d+)$", b.current_url) and check_id_of(b.current_url) != first
    )
    second = check_id_of(browser.current_url)
    assert finding(browser, "P-HAL-01").get_attribute("data-status") == "pass"
    assert finding(browser, "P-ORG-02").get_attribute("data-status") == "fail"

    # --- history: both submissions, and what changed between them
    browser.get(f"{server.base}/ui/centers/{CENTER}")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
    assert [int(r.get_attribute("data-check")) for r in rows] == [second, first]
    assert "sjz-proposed 1.0.0" in rows[0].text
    browser.find_element(By.CSS_SELECTOR, "#compare-form button[type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "changes")))
    changed = [r.get_attribute("data-clause") for r in browser.find_elements(By.CSS_SELECTOR, "#changes tbody tr")]
    assert changed == ["P-HAL-01"]
    both_widths(browser, "ui-compare")

    # --- the city view: our center's latest check is the one shown; a cell leads to its finding
    browser.find_element(By.LINK_TEXT, "全市一览").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table.heat")))
    cell = browser.find_element(By.CSS_SELECTOR, f'tr[data-center="{CENTER}"] td[data-clause="P-HAL-01"]')
    assert cell.get_attribute("data-status") == "pass"
    assert int(browser.find_element(By.ID, "city-centers").text) == len(SEED) + 1
    both_widths(browser, "ui-city")
    Select(browser.find_element(By.ID, "f-tier")).select_by_value("county")
    browser.find_element(By.CSS_SELECTOR, "#city-filters button[type=submit]").click()
    wait(browser).until(EC.url_contains("tier=county"))
    assert [s.get_attribute("id") for s in browser.find_elements(By.CSS_SELECTOR, "section.tier")] == ["tier-county"]
    cell = browser.find_element(By.CSS_SELECTOR, f'tr[data-center="{CENTER}"] td[data-clause="P-ORG-02"] a')
    cell.click()
    wait(browser).until(EC.url_contains(f"/ui/checks/{second}#r-{CENTER}-P-ORG-02"))
    assert finding(browser, "P-ORG-02").get_attribute("data-status") == "fail"

    # --- the drafter view: the impact of the proposed standard on every stored center
    browser.get(f"{server.base}/ui/impact")
    Select(browser.find_element(By.ID, "i-from")).select_by_value("sjz-current")
    Select(browser.find_element(By.ID, "i-to")).select_by_value("sjz-proposed")
    browser.find_element(By.CSS_SELECTOR, "#impact-form button[type=submit]").click()
    wait(browser, 120).until(EC.presence_of_element_located((By.ID, "impact-tiers")))
    assert browser.find_element(By.CSS_SELECTOR, '#impact-tiers tr[data-tier="all"]').text
    assert browser.find_elements(By.CSS_SELECTOR, "#impact-clauses tbody tr")
    both_widths(browser, "ui-impact")

    # --- English
    browser.get(f"{server.base}/ui/checks/{second}")
    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait(browser).until(lambda b: "Download the report" in b.page_source)
    assert f"/ui/checks/{second}" in browser.current_url
    screenshot(browser, "ui-report-en", 1280)
    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait(browser).until(lambda b: "下载报告" in b.page_source)

    # --- downloads: SARIF 2.1.0 from the page
    browser.find_element(By.ID, "download-sarif").click()
    sarif = json.loads(wait_for_download(downloads, ".sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert "sarif-schema-2.1.0" in sarif["$schema"]
    results = {(r["ruleId"], r["kind"]) for r in sarif["runs"][0]["results"]}
    assert ("P-HAL-01", "pass") in results and ("P-ORG-02", "fail") in results
    links = [a.get_attribute("id") for a in browser.find_elements(By.CSS_SELECTOR, ".downloads a")]
    served = httpx.get(f"{server.base}/v1/health", timeout=30).json()["formats"]  # the server's FORMATS
    assert links == [f"download-{name}" for name in served]
