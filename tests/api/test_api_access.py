"""API keys, roles and the audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa
from api_helpers import Api, example_bytes, hallmark_command, server_env

from api.store import Store, api_keys, audit_log, hash_key

ENDPOINTS = [
    ("GET", "/v1/checks"),
    ("GET", "/v1/checks/1"),
    ("GET", "/v1/standards"),
    ("GET", "/v1/standards/sjz-proposed"),
    ("GET", "/v1/centers/130105-county/history"),
    ("POST", "/v1/impact"),
    ("GET", "/v1/keys"),
    ("POST", "/v1/checks"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_key_is_401_problem(api: Api, method: str, path: str) -> None:
    r = api.client.request(method, path)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.headers["www-authenticate"].startswith("ApiKey")
    assert r.json()["type"] == "urn:hallmark:problem:unauthenticated"


def test_unknown_and_revoked_keys_are_401(api: Api) -> None:
    assert api.client.get("/v1/standards", headers={"X-API-Key": "hm_nope"}).status_code == 401
    assert api.client.get("/v1/standards", headers={"X-API-Key": "x" * 5000}).status_code == 401
    key = api.new_key("reviewer")
    assert api.client.get("/v1/standards", headers={"X-API-Key": key}).status_code == 200
    key_id = api.app.state.store.authenticate(key).key_id
    r = api.client.delete(f"/v1/keys/{key_id}", headers=api.h("admin"))
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert api.client.get("/v1/standards", headers={"X-API-Key": key}).status_code == 401


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("submitter", "POST", "/v1/impact", {"from": "sjz-current", "to": "sjz-proposed"}),
        ("reviewer", "POST", "/v1/impact", {"from": "sjz-current", "to": "sjz-proposed"}),
        ("drafter", "GET", "/v1/keys", None),
        ("drafter", "POST", "/v1/keys", {"role": "admin"}),
        ("reviewer", "GET", "/v1/audit", None),
    ],
)
def test_a_role_below_the_one_needed_is_403(api: Api, role: str, method: str, path: str, body: dict | None) -> None:
    r = api.client.request(method, path, json=body, headers=api.h(role))
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["type"] == "urn:hallmark:problem:forbidden"


def test_a_submitter_reads_its_own_checks_only(api: Api) -> None:
    mine, other = api.new_key("submitter"), api.new_key("submitter")
    r = api.submit(example_bytes(), key=mine, as_of="2019-01-01")
    assert r.status_code == 201
    location = r.headers["location"]
    assert api.client.get(location, headers={"X-API-Key": mine}).status_code == 200
    assert api.client.get(location, headers={"X-API-Key": other}).status_code == 404
    assert api.client.get(f"{location}/document", headers={"X-API-Key": other}).status_code == 404
    assert api.client.get(location, headers=api.h("reviewer")).status_code == 200
    listed = api.client.get("/v1/checks", headers={"X-API-Key": other}).json()
    assert listed["total"] == 0
    mine_listed = api.client.get("/v1/checks", headers={"X-API-Key": mine}).json()
    assert [i["id"] for i in mine_listed["items"]] == [int(r.headers["x-hallmark-check-id"])]
    history = api.client.get("/v1/centers/130105-county/history", headers={"X-API-Key": other})
    assert history.status_code == 404


def test_admin_manages_keys_and_the_key_is_shown_once(api: Api) -> None:
    r = api.client.post("/v1/keys", json={"role": "drafter", "name": "规划处"}, headers=api.h("admin"))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["role"] == "drafter" and created["name"] == "规划处" and created["key"].startswith("hm_")
    listed = api.client.get("/v1/keys", headers=api.h("admin")).json()
    entry = next(k for k in listed if k["id"] == created["id"])
    assert "key" not in entry and "key_hash" not in entry
    assert api.client.post("/v1/keys", json={"role": "root"}, headers=api.h("admin")).status_code == 422
    assert api.client.delete("/v1/keys/k000000000000", headers=api.h("admin")).status_code == 404


def test_keys_are_hashed_at_rest(api: Api) -> None:
    key = api.new_key("submitter")
    store: Store = api.app.state.store
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(api_keys)).all()
    stored = {str(v) for row in rows for v in row}
    assert key not in stored
    assert hash_key(key) in stored


def test_every_state_changing_request_is_audited(api: Api) -> None:
    key = api.new_key("submitter")
    key_id = api.app.state.store.authenticate(key).key_id
    ok = api.submit(example_bytes(), key=key, as_of="2019-01-01")
    bad = api.submit(b"center: [", key=key)
    denied = api.client.post("/v1/keys", json={"role": "admin"}, headers={"X-API-Key": key})
    store: Store = api.app.state.store
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log).where(audit_log.c.key_id == key_id).order_by(audit_log.c.id)).all()
    assert [(r.method, r.path, r.status_code) for r in rows] == [
        ("POST", "/v1/checks", 201),
        ("POST", "/v1/checks", 422),
        ("POST", "/v1/keys", 403),
    ]
    assert rows[0].submission_id == int(ok.headers["x-hallmark-check-id"])
    assert rows[1].submission_id == bad.json()["check_id"]
    assert denied.status_code == 403 and rows[0].role == "submitter"
    entries = api.client.get("/v1/audit", headers=api.h("admin")).json()["items"]
    assert any(e["key_id"] == key_id for e in entries)


def test_hallmark_keys_create_prints_a_working_key_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env = server_env(db_url)
    out = subprocess.run(
        [*hallmark_command(), "keys", "create", "--role", "reviewer", "--name", "审核员"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    key = out.stdout.strip()
    assert key.startswith("hm_") and "\n" not in key and "shown only now" in out.stderr
    store = Store(db_url)
    try:
        principal = store.authenticate(key)
        assert principal is not None and principal.role == "reviewer"
        for name in ("DATABASE_URL", "HALLMARK_DB"):
            monkeypatch.delenv(name, raising=False)
            if name in env:
                monkeypatch.setenv(name, env[name])
        from hallmark.cli import main

        capsys.readouterr()
        assert main(["keys", "list"]) == 0
        listed = capsys.readouterr().out
        assert principal.key_id in listed and key not in listed
        assert main(["keys", "revoke", principal.key_id]) == 0
        assert store.authenticate(key) is None
        assert main(["keys", "revoke", principal.key_id]) == 1
    finally:
        store.dispose()
