"""POST /v1/checks and the stored history, on SQLite and PostgreSQL (TestClient, real worker pool)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

import pytest
from api_helpers import EXAMPLE, EXAMPLES, Api, example_bytes, renamed

from engine import outputs
from engine.check import Options, check

AS_OF = "2019-01-01"


def statuses(report: dict) -> dict[str, dict[str, str]]:
    return {c["id"]: {r["clause"]: r["status"] for r in c["results"]} for c in report["centers"]}


@pytest.fixture(scope="module")
def cli_report() -> dict:
    return check([str(EXAMPLE)], "sjz-proposed", None, Options(as_of=dt.date(2019, 1, 1), jobs=0)).to_json()


def test_yaml_submission_gives_the_cli_verdicts_and_is_kept(api: Api, cli_report: dict) -> None:
    raw = example_bytes()
    r = api.submit(raw, as_of=AS_OF)
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/json")
    report = r.json()
    assert report["report"] == "hallmark/v1"
    assert statuses(report) == statuses(cli_report)
    assert report["standard"]["sha256"] == cli_report["standard"]["sha256"]
    assert report["centers"][0]["source"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert r.headers["x-hallmark-status"] == "non_compliant"
    assert r.headers["x-hallmark-result"] == "fail"
    location = r.headers["location"]
    check_id = int(r.headers["x-hallmark-check-id"])
    assert location == f"/v1/checks/{check_id}"

    stored = api.client.get(location, headers=api.h()).json()
    assert stored["status"] == "non_compliant"
    assert stored["report"] == report
    assert stored["document"] == {
        "content_type": "application/yaml",
        "filename": "request.yaml",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
    }
    assert stored["standard"] == {k: report["standard"][k] for k in ("id", "version", "sha256")}
    assert stored["engine"]["version"] == report["engine"]["version"]
    assert stored["submitter"] == api.app.state.store.authenticate(api.keys["reviewer"]).key_id
    assert stored["as_of"] == AS_OF and stored["failed"] is True
    assert [c["id"] for c in stored["centers"]] == ["130105-county"]

    # the document byte for byte, and the report exactly as POST answered it
    doc = api.client.get(f"{location}/document", headers=api.h())
    assert doc.content == raw and doc.headers["x-content-sha256"] == hashlib.sha256(raw).hexdigest()
    again = api.client.get(f"{location}/report", headers=api.h())
    assert again.content == r.content


def test_json_body_gives_the_same_verdicts_as_yaml(api: Api, cli_report: dict) -> None:
    from engine.source import load_document

    data = load_document(example_bytes(), "x.yaml").data
    r = api.submit(json.dumps(data, ensure_ascii=False).encode(), ctype="application/json", as_of=AS_OF)
    assert r.status_code == 201, r.text
    assert statuses(r.json()) == statuses(cli_report)
    assert r.json()["centers"][0]["source"]["file"] == "request.json"


def test_several_centers_in_one_document_and_the_filename_shown(api: Api) -> None:
    from engine.source import load_document

    a = load_document(example_bytes(), "x.yaml").data["center"]
    b = {**a, "id": "130199-county", "name": "另一个中心"}
    body = json.dumps({"centers": [b, a]}, ensure_ascii=False).encode()
    r = api.submit(body, ctype="application/json; charset=utf-8", as_of=AS_OF, filename="both.json")
    assert r.status_code == 201, r.text
    report = r.json()
    assert [c["id"] for c in report["centers"]] == ["130105-county", "130199-county"]
    assert report["centers"][0]["source"]["file"] == "both.json"


def test_fail_on_never_and_standard_choice(api: Api) -> None:
    r = api.submit(example_bytes(), as_of=AS_OF, fail_on="never", standard="sjz-current")
    assert r.status_code == 201
    assert r.headers["x-hallmark-result"] == "pass"
    assert r.json()["standard"]["id"] == "sjz-current"


def test_as_of_changes_the_answer_date(api: Api) -> None:
    r = api.submit(example_bytes(), as_of="2017-06-01")
    assert r.json()["as_of"] == "2017-06-01"


@pytest.mark.parametrize("name", sorted(outputs.FORMATS))
def test_every_output_format_by_accept_and_by_name(api: Api, name: str) -> None:
    cls = outputs.FORMATS[name]
    media = cls.media_type.split(";")[0]
    by_name = api.submit(example_bytes(), as_of=AS_OF, format=name)
    assert by_name.status_code == 201, by_name.text
    assert by_name.headers["content-type"].split(";")[0] == media
    assert by_name.content
    # a stored check renders in the same format later
    later = api.client.get(f"{by_name.headers['location']}/report", params={"format": name}, headers=api.h())
    assert later.status_code == 200, later.text
    assert later.headers["content-type"].split(";")[0] == media
    if name != "text":  # the text format may read fields the stored JSON does not keep
        assert len(later.content) > 0
    by_accept = api.client.get(by_name.headers["location"], headers=api.h(Accept=media))
    assert by_accept.status_code == 200
    assert by_accept.headers["content-type"].split(";")[0] == media


def test_json_report_rebuilt_from_storage_is_identical() -> None:
    from api.formats import report_from_json

    files = sorted((EXAMPLES / "county").glob("*.yaml"))[:4] + sorted((EXAMPLES / "township").glob("*.yaml"))[:2]
    report = check([str(f) for f in files], "sjz-proposed", None, Options(jobs=0)).to_json()
    assert report_from_json(report).to_json() == report


def test_unacceptable_accept_is_406_and_unknown_format_422(api: Api) -> None:
    headers = api.h(**{"Content-Type": "application/yaml", "Accept": "image/png"})
    r = api.client.post("/v1/checks", content=example_bytes(), headers=headers)
    assert r.status_code == 406
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:hallmark:problem:not-acceptable"
    r = api.submit(example_bytes(), format="pdf")
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "unknown_format"


def test_invalid_document_is_rejected_with_places_and_still_kept(api: Api) -> None:
    raw = example_bytes().replace(b"area_m2: 2400", b'area_m2: "2400"')
    r = api.submit(raw)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"] == "urn:hallmark:problem:invalid-input"
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    [error] = problem["errors"]
    assert error["code"] == "wrong_type"
    assert error["path"] == "center.hall.area_m2"
    assert error["pointer"] == "/center/hall/area_m2"
    assert (error["line"], error["column"]) == (19, 14)
    assert set(error["message"]) == {"zh", "en"}
    check_id = problem["check_id"]
    assert problem["instance"] == f"/v1/checks/{check_id}"
    stored = api.client.get(f"/v1/checks/{check_id}", headers=api.h()).json()
    assert stored["status"] == "rejected"
    assert stored["errors"][0]["code"] == "wrong_type"
    assert stored["report"] is None
    assert api.client.get(f"/v1/checks/{check_id}/document", headers=api.h()).content == raw
    assert api.client.get(f"/v1/checks/{check_id}/report", headers=api.h()).status_code == 409
    listed = api.client.get("/v1/checks", params={"status": "rejected"}, headers=api.h()).json()
    assert check_id in [i["id"] for i in listed["items"]]


def test_yaml_syntax_error_names_line_and_column(api: Api) -> None:
    r = api.submit(b"center:\n  id: [unclosed\n")
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["code"] == "yaml_syntax" and error["line"] >= 2 and error["column"] >= 1


@pytest.mark.parametrize(
    ("body", "ctype", "code"),
    [
        (b"", "application/yaml", "empty_document"),
        (b"\xff\xfe bad", "application/yaml", "bad_encoding"),
        (b'{"center": ', "application/json", "json_syntax"),
        (b"[1, 2]", "application/json", "no_center"),
    ],
    ids=["empty", "not-utf8", "json-syntax", "not-a-mapping"],
)
def test_unreadable_documents(api: Api, body: bytes, ctype: str, code: str) -> None:
    r = api.submit(body, ctype=ctype)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == code


def test_unsupported_content_type_is_415(api: Api) -> None:
    r = api.submit(example_bytes(), ctype="text/plain")
    assert r.status_code == 415
    assert r.json()["type"] == "urn:hallmark:problem:unsupported-media-type"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"standard": "no-such"}, "unknown_standard"),
        ({"standard": "../../etc/passwd"}, "invalid_parameter"),
        ({"as_of": "2019-02-30"}, "bad_date"),
        ({"as_of": "yesterday"}, "invalid_parameter"),
        ({"fail_on": "sometimes"}, "invalid_parameter"),
        ({"filename": "x.json"}, "filename_mismatch"),
    ],
)
def test_bad_query_parameters_are_422_problems(api: Api, params: dict, code: str) -> None:
    r = api.submit(example_bytes(), **params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["code"] == code


def test_history_of_one_center_across_time_and_standards(api: Api) -> None:
    cid = f"13{uuid.uuid4().int % 10**4:04d}-county"
    raw = renamed(example_bytes(), cid)
    first = api.submit(raw, as_of=AS_OF).headers["x-hallmark-check-id"]
    fixed = raw.replace(b"area_m2: 2400", b"area_m2: 5000").replace(b"rank: deputy_section", b"rank: full_section")
    second = api.submit(fixed, as_of=AS_OF).headers["x-hallmark-check-id"]
    third = api.submit(fixed, as_of=AS_OF, standard="sjz-current").headers["x-hallmark-check-id"]
    h = api.client.get(f"/v1/centers/{cid}/history", headers=api.h())
    assert h.status_code == 200, h.text
    body = h.json()
    assert body["center"]["id"] == cid and body["total"] == 3
    entries = body["entries"]
    assert [e["check_id"] for e in entries] == [int(third), int(second), int(first)]
    assert entries[2]["previous_check_id"] is None
    assert entries[1]["previous_check_id"] == int(first)
    changed = {c["clause"]: (c["from"], c["to"]) for c in entries[1]["changes"]}
    assert changed and all(old == "fail" and new == "pass" for old, new in changed.values())
    assert entries[0]["standard"]["id"] == "sjz-current"
    assert entries[0]["previous_check_id"] is None  # first check under that standard
    only = api.client.get(f"/v1/centers/{cid}/history", params={"standard": "sjz-current"}, headers=api.h()).json()
    assert only["total"] == 1
    assert api.client.get("/v1/centers/000000-none/history", headers=api.h()).status_code == 404


def test_list_filters_and_pages(api: Api) -> None:
    cid = f"13{uuid.uuid4().int % 10**4:04d}-county"
    raw = renamed(example_bytes(), cid)
    ids = [int(api.submit(raw, as_of=AS_OF).headers["x-hallmark-check-id"]) for _ in range(3)]
    page = api.client.get("/v1/checks", params={"center": cid, "limit": 2}, headers=api.h()).json()
    assert page["total"] == 3 and [i["id"] for i in page["items"]] == ids[::-1][:2]
    assert page["next"] is not None
    rest = api.client.get(page["next"], headers=api.h()).json()
    assert [i["id"] for i in rest["items"]] == [ids[0]] and rest["next"] is None
    by_std = api.client.get("/v1/checks", params={"center": cid, "standard": "sjz-current"}, headers=api.h()).json()
    assert by_std["total"] == 0
    by_status = api.client.get("/v1/checks", params={"center": cid, "status": "non_compliant"}, headers=api.h()).json()
    assert by_status["total"] == 3
    assert api.client.get("/v1/checks", params={"status": "bogus"}, headers=api.h()).status_code == 422
    assert api.client.get("/v1/checks", params={"limit": 0}, headers=api.h()).status_code == 422


def test_unknown_check_is_404_problem(api: Api) -> None:
    r = api.client.get("/v1/checks/2147483647", headers=api.h())
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert api.client.get("/v1/checks/99999999999", headers=api.h()).status_code == 422
