"""Every page of the reviewer workbench through ``TestClient``: status codes, roles, Chinese text,
escaping, input errors beside their lines, CSRF, downloads in every format."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ui_helpers import EXAMPLE, EXAMPLES

from api.app import create_app
from api.settings import Settings
from engine.outputs import FORMATS

CENTER = "130105-county"
ROLES = ("submitter", "reviewer", "drafter", "admin")
EVIL = "<script>alert(1)</script>测试中心"


@dataclass
class Ui:
    app: Any
    keys: dict[str, str]

    def client(self, role: str | None = "reviewer", key: str | None = None) -> TestClient:
        """A client of its own (own cookies), signed in with ``role``'s key (or ``key``)."""
        client = TestClient(self.app)
        if role is not None or key is not None:
            r = client.post("/ui/signin", data={"key": key or self.keys[role or ""]}, follow_redirects=False)
            assert r.status_code == 303, r.text
        return client


def csrf_of(client: TestClient) -> str:
    page = client.get("/ui/check")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def submit(client: TestClient, text: str, **fields: str) -> Any:
    data = {"text": text, "csrf": csrf_of(client), "standard": "sjz-proposed", "as_of": "2019-01-01", **fields}
    return client.post("/ui/check", data=data, follow_redirects=False)


def check_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ui]:
    db = tmp_path_factory.mktemp("ui-routes") / "hallmark.sqlite"
    app = create_app(Settings(database_url=f"sqlite:///{db}", jobs=1, engine="python"))
    with TestClient(app):  # runs the migrations
        keys = {role: app.state.store.create_key(role, f"ui {role}")[1] for role in ROLES}
        yield Ui(app, keys)


@pytest.fixture(scope="module")
def checks(ui: Ui) -> dict[str, int]:
    """The example center before and after its hall grows to 3000 m², and a few others, sent by a reviewer."""
    client = ui.client("reviewer")
    text = EXAMPLE.read_text(encoding="utf-8")
    out = {"before": check_id(submit(client, text)), "after": check_id(submit(client, text.replace("2400", "3000")))}
    for path in [EXAMPLES / "city" / "130100-city.yaml", EXAMPLES / "township" / "130105001-township.yaml"]:
        check_id(submit(client, path.read_text(encoding="utf-8")))
    return out


# ---------------------------------------------------------------- sign-in, language, security headers


def test_pages_ask_for_a_sign_in_and_come_back(ui: Ui) -> None:
    anon = ui.client(None)
    r = anon.get("/ui/city?tier=county", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/ui/signin?next=%2Fui%2Fcity%3Ftier%3Dcounty"
    page = anon.get(r.headers["location"])
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text and "用 API 密钥登录" in page.text and "请先登录" in page.text
    assert 'value="/ui/city?tier=county"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    r = anon.post(
        "/ui/signin", data={"key": ui.keys["reviewer"], "next": "/ui/city?tier=county"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/ui/city?tier=county"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/ui" in cookie and "samesite=lax" in cookie.lower()
    assert ui.keys["reviewer"] not in cookie  # the cookie names the key's id, never the key


def test_a_wrong_key_is_refused_in_chinese(ui: Ui) -> None:
    r = ui.client(None).post("/ui/signin", data={"key": "hm_nope"})
    assert r.status_code == 401
    assert "API 密钥无效或已吊销" in r.text and 'aria-invalid="true"' in r.text


def test_a_forged_or_revoked_session_signs_out(ui: Ui) -> None:
    store = ui.app.state.store
    key_id, secret = store.create_key("reviewer", "to revoke")
    client = ui.client(key=secret)
    assert client.get("/ui/checks").status_code == 200
    store.revoke_key(key_id)
    r = client.get("/ui/checks", follow_redirects=False)
    assert r.status_code == 303 and "expired=1" in r.headers["location"]
    forged = ui.client(None)
    forged.cookies.set("hallmark_ui", "eyJrIjoiazEyMyIsImV4cCI6OTk5OTk5OTk5OX0.bad", path="/ui")
    assert forged.get("/ui/checks", follow_redirects=False).status_code == 303


def test_signing_out_needs_the_form_token(ui: Ui) -> None:
    client = ui.client("reviewer")
    assert client.post("/ui/signout", data={"csrf": "x"}).status_code == 403
    r = client.post("/ui/signout", data={"csrf": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 303 and 'hallmark_ui=""' in r.headers["set-cookie"]


def test_english_switch_and_no_open_redirect(ui: Ui) -> None:
    client = ui.client("reviewer")
    r = client.get("/ui/lang?to=en&next=/ui/checks", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/checks"
    page = client.get("/ui/check")
    assert '<html lang="en">' in page.text and "Submit a center configuration" in page.text
    assert client.get("/ui/lang?to=zh&next=https://evil.example/", follow_redirects=False).headers["location"] == (
        "/ui/check"
    )
    assert "提交中心配置" in client.get("/ui/check").text


def test_the_ui_is_not_in_the_openapi_document_and_its_files_are_local(ui: Ui) -> None:
    client = ui.client(None)
    assert not [p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/ui")]
    assert client.get("/ui/static/ui.css").status_code == 200
    assert client.get("/ui/static/ui.js").status_code == 200
    static = Path(__file__).resolve().parents[2] / "api" / "ui"
    for page in [*static.glob("templates/*.html"), *static.glob("static/*")]:
        assert not re.search(r"(src|href)=\"(https?:)?//", page.read_text(encoding="utf-8")), page


# ---------------------------------------------------------------- submit, read, download


def test_report_page_shows_fails_first_by_policy_area_with_regulation_and_remediation(
    ui: Ui, checks: dict[str, int]
) -> None:
    client = ui.client("reviewer")
    page = client.get(f"/ui/checks/{checks['before']}")
    assert page.status_code == 200
    html = page.text
    assert "检查报告" in html and "石家庄市新华区政务服务中心" in html and "不合规" in html
    hall = html[html.index(f'id="r-{CENTER}-P-HAL-01"') :]
    hall = hall[: hall.index("</article>")]
    assert 'data-status="fail"' in hall
    assert "大厅面积" in hall and "3000" in hall and "2400" in hall
    assert "<blockquote>" in hall and "整改建议" in hall and "法规依据" in hall
    # within each policy area, findings come before passes; areas with fails come first
    first_group = html.index('class="group"')
    assert html.index('data-status="fail"', first_group) < html.index('data-status="pass"', first_group)
    for status in ("pass", "fail", "not_declared", "waived", "error"):
        assert f'id="count-{CENTER}-{status}"' in html
    after = client.get(f"/ui/checks/{checks['after']}").text
    assert f'id="r-{CENTER}-P-HAL-01" data-clause="P-HAL-01" data-status="pass"' in after


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_downloads(ui: Ui, checks: dict[str, int], fmt: str) -> None:
    r = ui.client("reviewer").get(f"/ui/checks/{checks['before']}/download/{fmt}")
    assert r.status_code == 200
    suffix = FORMATS[fmt].suffix
    assert r.headers["content-disposition"] == f'attachment; filename="hallmark-check-{checks["before"]}.{suffix}"'
    assert r.content
    if fmt == "sarif":
        sarif = json.loads(r.content)
        assert sarif["version"] == "2.1.0"
    if fmt == "json":
        assert json.loads(r.content)["report"] == "hallmark/v1"


def test_the_report_page_links_every_format(ui: Ui, checks: dict[str, int]) -> None:
    html = ui.client("reviewer").get(f"/ui/checks/{checks['before']}").text
    for fmt in FORMATS:
        assert f'href="/ui/checks/{checks["before"]}/download/{fmt}"' in html


def test_document_download_is_the_text_as_sent(ui: Ui, checks: dict[str, int]) -> None:
    r = ui.client("reviewer").get(f"/ui/checks/{checks['before']}/document")
    assert r.status_code == 200 and r.content == EXAMPLE.read_bytes()


def test_resubmit_form_holds_the_stored_document(ui: Ui, checks: dict[str, int]) -> None:
    page = ui.client("reviewer").get(f"/ui/check?from={checks['before']}")
    assert page.status_code == 200 and "area_m2: 2400" in page.text and f"第 {checks['before']} 号检查" in page.text


def test_input_errors_are_shown_beside_their_lines_all_at_once(ui: Ui) -> None:
    client = ui.client("submitter")
    bad = EXAMPLE.read_text(encoding="utf-8").replace("area_m2: 2400", 'area_m2: "2400"')
    bad = bad.replace("windows: 48", "windows: yes").replace("population: 620000", "population: -1")
    r = submit(client, bad)
    assert r.status_code == 422
    html = r.text
    assert "输入有 3 处问题" in html
    for line in (10, 19, 20):
        assert f'class="src-line has-error" role="listitem" id="L{line}"' in html
    assert html.count('class="line-error"') == 3
    assert "wrong_type" in html and "yaml11_boolean" in html
    assert "area_m2: &#34;2400&#34;" in html  # the text stays in the box (escaped), to be corrected
    # the rejected submission is kept, and its page shows the same errors
    rejected = int(re.search(r"第 (\d+) 号检查 · 输入有误", html).group(1))  # type: ignore[union-attr]
    page = client.get(f"/ui/checks/{rejected}")
    assert page.status_code == 200 and 'id="L19"' in page.text and "没有报告" in page.text


def test_yaml_syntax_error_and_empty_input(ui: Ui) -> None:
    client = ui.client("submitter")
    r = submit(client, "center:\n  id: [unclosed\n")
    assert r.status_code == 422 and "has-error" in r.text
    r = submit(client, "   ")
    assert r.status_code == 422 and "请粘贴配置或选择文件" in r.text
    r = submit(client, EXAMPLE.read_text(encoding="utf-8"), as_of="2019-13-45")
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text


def test_a_file_upload_wins_over_the_text_box(ui: Ui) -> None:
    client = ui.client("submitter")
    from engine.source import load_document

    doc = load_document(EXAMPLE.read_bytes(), "x.yaml").data
    body = json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8")
    r = client.post(
        "/ui/check",
        data={"text": "ignored: true", "csrf": csrf_of(client), "standard": "sjz-proposed"},
        files={"file": ("130105-county.json", body, "application/json")},
        follow_redirects=False,
    )
    new = check_id(r)
    page = client.get(f"/ui/checks/{new}").text
    assert "130105-county.json" in page


def test_a_pasted_document_over_one_megabyte_is_accepted(ui: Ui) -> None:
    client = ui.client("submitter")
    big = "# " + "x" * (1100 * 1024) + "\n" + EXAMPLE.read_text(encoding="utf-8")
    assert submit(client, big).status_code == 303  # the API's 5 MB limit applies, not a 1 MB form-field one


def test_a_post_without_the_form_token_is_refused_and_not_stored(ui: Ui) -> None:
    client = ui.client("reviewer")
    before = ui.app.state.store.list_submissions(limit=1)[1]
    r = client.post("/ui/check", data={"text": EXAMPLE.read_text(encoding="utf-8")})
    assert r.status_code == 403 and "表单已过期" in r.text
    assert ui.app.state.store.list_submissions(limit=1)[1] == before


def test_submissions_from_the_page_are_audited_with_their_key(ui: Ui, checks: dict[str, int]) -> None:
    entries = ui.app.state.store.audit_entries(500)
    mine = [e for e in entries if e["path"] == "/ui/check" and e["submission_id"] == checks["before"]]
    assert len(mine) == 1 and mine[0]["key_id"] and mine[0]["status_code"] == 303


# ---------------------------------------------------------------- history, compare, city, impact


def test_history_lists_every_submission_and_compare_names_the_changed_clause(ui: Ui, checks: dict[str, int]) -> None:
    client = ui.client("reviewer")
    page = client.get(f"/ui/centers/{CENTER}")
    assert page.status_code == 200
    assert "的历次检查" in page.text and "sjz-proposed 1.0.0" in page.text and "2019-01-01" in page.text
    assert page.text.index(f'data-check="{checks["after"]}"') < page.text.index(f'data-check="{checks["before"]}"')
    r = client.get(f"/ui/centers/{CENTER}/compare?a={checks['before']}&b={checks['after']}")
    assert r.status_code == 200
    assert re.findall(r'<tr data-clause="([^"]+)">', r.text) == ["P-HAL-01"]
    assert "不通过" in r.text and "通过" in r.text
    assert client.get(f"/ui/centers/{CENTER}/compare?a={checks['before']}&b={checks['before']}").status_code == 422
    assert client.get("/ui/centers/999999-none").status_code == 404
    assert client.get("/ui/centers").status_code == 200


def test_city_view_is_a_heat_map_of_latest_checks_with_filters(ui: Ui, checks: dict[str, int]) -> None:
    client = ui.client("reviewer")
    page = client.get("/ui/city")
    assert page.status_code == 200
    html = page.text
    assert "全市一览" in html and "一致性" in html and "各条款达标率" in html
    cell = re.search(rf'<tr data-center="{CENTER}">.*?</tr>', html, re.S)
    assert cell, html
    latest = ui.app.state.store.center_history(CENTER)[-1].submission_id
    assert latest >= checks["after"]
    assert f'href="/ui/checks/{latest}#r-{CENTER}-P-HAL-01"' in cell.group(0)  # the latest check
    assert {"tier-city", "tier-county", "tier-township"} <= set(re.findall(r'section class="tier" id="([^"]+)"', html))
    county = client.get("/ui/city?tier=county&area=hall").text
    assert re.findall(r'section class="tier" id="([^"]+)"', county) == ["tier-county"]
    assert set(re.findall(r'<td class="cell [^"]+" data-clause="([^"]+)"', county)) == {"P-HAL-01", "P-HAL-02"}
    assert "还没有检查记录" in client.get("/ui/city?standard=cn-2011-22").text


def test_drafter_view_counts_by_tier_and_clause(ui: Ui, checks: dict[str, int]) -> None:
    client = ui.client("drafter")
    assert client.get("/ui/impact").status_code == 200
    r = client.get("/ui/impact?from=sjz-current&to=sjz-proposed&as_of=2019-01-01")
    assert r.status_code == 200
    assert 'id="impact-tiers"' in r.text and 'data-tier="all"' in r.text and "按条款" in r.text
    assert 'data-center="130105-county"' in r.text
    for fmt in ("json", "markdown", "text"):
        d = client.get(f"/ui/impact/download?from=sjz-current&to=sjz-proposed&as_of=2019-01-01&format={fmt}")
        assert d.status_code == 200 and "attachment" in d.headers["content-disposition"]
    data = client.get("/ui/impact/download?from=sjz-current&to=sjz-proposed&format=json").json()
    assert data["report"] == "hallmark-impact/v1"
    assert client.get("/ui/impact?from=nope&to=sjz-proposed").status_code == 422


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("submitter", "/ui/city", 403),
        ("submitter", "/ui/impact", 403),
        ("reviewer", "/ui/impact", 403),
        ("reviewer", "/ui/city", 200),
        ("drafter", "/ui/impact", 200),
        ("admin", "/ui/impact", 200),
    ],
)
def test_pages_follow_the_api_roles(ui: Ui, role: str, path: str, status: int) -> None:
    r = ui.client(role).get(path)
    assert r.status_code == status
    if status == 403:
        assert "当前角色无权查看此页" in r.text


def test_a_submitter_sees_only_its_own_checks(ui: Ui, checks: dict[str, int]) -> None:
    client = ui.client("submitter")
    assert client.get(f"/ui/checks/{checks['before']}").status_code == 404
    assert client.get(f"/ui/checks/{checks['before']}/download/sarif").status_code == 404
    assert client.get(f"/ui/centers/{CENTER}/compare?a={checks['before']}&b={checks['after']}").status_code in (
        404,
        422,
    )
    assert f"#{checks['before']}<" not in client.get("/ui/checks").text


def test_names_from_documents_are_escaped(ui: Ui) -> None:
    client = ui.client("reviewer")
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace("name: 石家庄市新华区政务服务中心", f'name: "{EVIL}"')
        .replace('id: "130105-county"', 'id: "130199-county"')
    )
    new = check_id(submit(client, text))
    pages = [f"/ui/checks/{new}", "/ui/checks", "/ui/centers", "/ui/centers/130199-county", "/ui/city"]
    for path in pages:
        html = client.get(path).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;测试中心" in html, path
        assert "<script>alert(1)" not in html, path
    bad = submit(client, text.replace("area_m2: 2400", "area_m2: <script>x</script>"))
    assert "<script>x</script>" not in bad.text


def test_unknown_things_are_404_pages(ui: Ui) -> None:
    client = ui.client("reviewer")
    for path in ("/ui/checks/999999", "/ui/checks/0", "/ui/checks/999999/download/json", "/ui/check?from=999999"):
        r = client.get(path)
        assert r.status_code == 404 and "没有编号为" in r.text, path
    assert client.get("/ui/checks/1/download/nope").status_code == 404
