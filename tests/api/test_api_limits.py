"""Bad input and load: body limit, YAML bombs, problem+json everywhere (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import time

import pytest
from api_helpers import Api, example_bytes

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
center: *i
"""


def test_body_over_the_limit_is_413_problem(api: Api) -> None:
    limit = api.app.state.settings.max_body_bytes
    r = api.submit(b"#" * (limit + 1))
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:hallmark:problem:body-too-large"
    assert r.json()["max_bytes"] == limit


def test_streamed_body_without_length_is_limited_too(api: Api) -> None:
    limit = api.app.state.settings.max_body_bytes

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(limit // 4096 + 2):
            yield b"#" * 4096

    headers = api.h(**{"Content-Type": "application/yaml"})
    r = api.client.post("/v1/checks", content=chunks(), headers=headers)
    assert r.status_code == 413


def test_billion_laughs_is_refused_fast(api: Api) -> None:
    started = time.monotonic()
    r = api.submit(BILLION_LAUGHS)
    elapsed = time.monotonic() - started
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "yaml_syntax"
    assert "alias" in r.json()["errors"][0]["message"]["en"]
    assert elapsed < 2.0


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"center: " + b"[" * 1000 + b"]" * 1000, "application/yaml"),
        (b'{"center": ' + b"[" * 1000 + b"]" * 1000 + b"}", "application/json"),
    ],
    ids=["yaml", "json"],
)
def test_deep_nesting_is_refused_fast(api: Api, body: bytes, ctype: str) -> None:
    started = time.monotonic()
    r = api.submit(body, ctype=ctype)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["code"] == "too_deep"
    assert time.monotonic() - started < 2.0


def test_unknown_route_and_method_are_problems(api: Api) -> None:
    r = api.client.get("/v1/nothing-here", headers=api.h())
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    r = api.client.put("/v1/checks", headers=api.h())
    assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"


def test_invalid_json_for_impact_is_a_422_problem(api: Api) -> None:
    r = api.client.post(
        "/v1/impact", content=b"{not json", headers=api.h("drafter", **{"Content-Type": "application/json"})
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"]


def test_english_detail_on_request(api: Api) -> None:
    r = api.client.get("/v1/checks/1", headers={"Accept-Language": "en-GB"})
    assert r.json()["detail"] == "the X-API-Key header is missing"
    r = api.client.get("/v1/checks/1")
    assert "请求头" in r.json()["detail"]


def test_server_keeps_serving_after_bad_input(api: Api) -> None:
    api.submit(BILLION_LAUGHS)
    api.submit(b"\x00" * 1000)
    assert api.submit(example_bytes(), as_of="2019-01-01").status_code == 201


def test_json_surrogate_pairs_are_characters_and_lone_surrogates_are_refused(api: Api) -> None:
    from engine.source import load_document

    center = load_document(example_bytes(), "x.yaml").data["center"]
    paired = json.dumps({"center": {**center, "id": "130197-astral", "name": "𡐓区政务服务中心"}})  # ensure_ascii
    assert "\\ud845\\udc13" in paired
    r = api.submit(paired.encode(), ctype="application/json")
    assert r.status_code == 201, r.text
    assert r.json()["centers"][0]["name"] == "𡐓区政务服务中心"
    lone = paired.replace("\\ud845\\udc13", "\\ud845")
    r = api.submit(lone.encode(), ctype="application/json")
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["code"] == "invalid_unicode" and error["path"] == "center.name"
    stored = api.client.get(r.json()["instance"], headers=api.h())
    assert stored.status_code == 200 and stored.json()["status"] == "rejected"
    key = paired.replace('"hall"', '"x-\\udc13"', 1)
    assert api.submit(key.encode(), ctype="application/json").status_code == 422
