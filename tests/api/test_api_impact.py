"""POST /v1/impact and GET /v1/standards (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from api_helpers import Api, example_bytes, renamed

from engine.center import load_center_text
from engine.check import Options, evaluate
from engine.impact import compare
from engine.rulebook import load_rulebook
from engine.standard import load_standard


def test_impact_lists_what_changes_between_two_standards(api: Api) -> None:
    """The answer is `hallmark impact --format json` over the latest stored submission of each center."""
    ids = ("130181-impact", "130182-impact")
    fixed = example_bytes().replace(b"area_m2: 2400", b"area_m2: 5000")
    for cid, raw in zip(ids, (example_bytes(), fixed), strict=True):
        assert api.submit(renamed(raw, cid), role="submitter").status_code == 201
    latest = api.submit(renamed(fixed, ids[0]), role="submitter")  # the latest submission is the one judged
    body = {"from": "sjz-current", "to": "sjz-proposed", "as_of": "2019-01-01", "centers": list(ids)}
    r = api.client.post("/v1/impact", json=body, headers=api.h("drafter"))
    assert r.status_code == 200, r.text
    impact = r.json()
    assert impact["report"] == "hallmark-impact/v1" and impact["as_of"] == "2019-01-01"
    assert impact["from"]["id"] == "sjz-current" and impact["to"]["id"] == "sjz-proposed"
    assert [c["id"] for c in impact["centers"]] == list(ids)
    assert impact["centers"][0]["check_id"] == int(latest.headers["x-hallmark-check-id"])

    centers = load_center_text(renamed(fixed, ids[0]), "x.yaml") + load_center_text(renamed(fixed, ids[1]), "y.yaml")
    same_day = Options(as_of=dt.date(2019, 1, 1), jobs=0)
    rb = load_rulebook()
    cli = compare(
        evaluate(load_standard("sjz-current"), rb, centers, {}, same_day),
        evaluate(load_standard("sjz-proposed"), rb, centers, {}, same_day),
        "sjz-current",
        "sjz-proposed",
    ).to_json()
    strip = [{k: v for k, v in c.items() if k not in ("check_id", "file")} for c in impact["centers"]]
    assert strip == [{k: v for k, v in c.items() if k != "file"} for c in cli["centers"]]
    assert impact["summary"] == cli["summary"]
    assert impact["summary"]["newly_non_compliant"] == list(ids)

    text = api.client.post("/v1/impact", json=body, headers=api.h("drafter", Accept="text/markdown"))
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/markdown")
    assert ids[0] in text.text

    everyone = api.client.post("/v1/impact", json={"from": "sjz-current", "to": "sjz-proposed"}, headers=api.h("admin"))
    assert everyone.status_code == 200
    listed = [c["id"] for c in everyone.json()["centers"]]
    assert set(ids) <= set(listed) and listed == sorted(listed)


def test_impact_refuses_unknown_standards_and_bad_bodies(api: Api) -> None:
    r = api.client.post("/v1/impact", json={"from": "nope", "to": "sjz-proposed"}, headers=api.h("drafter"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["path"] == "from" and r.json()["errors"][0]["code"] == "unknown_standard"
    r = api.client.post("/v1/impact", json={"from": "sjz-current"}, headers=api.h("drafter"))
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = api.client.post(
        "/v1/impact",
        json={"from": "sjz-current", "to": "sjz-proposed", "as_of": "2019-13-01"},
        headers=api.h("drafter"),
    )
    assert r.status_code == 422


def test_standards_list_and_detail_with_sources_and_dated_parameters(api: Api) -> None:
    listed = api.client.get("/v1/standards", headers=api.h("submitter")).json()["items"]
    assert {s["id"] for s in listed} >= {"cn-2011-22", "sjz-current", "sjz-proposed"}
    r = api.client.get("/v1/standards/sjz-proposed", params={"as_of": "2019-01-01"}, headers=api.h("submitter"))
    assert r.status_code == 200
    std = r.json()
    std_model = load_standard("sjz-proposed")
    assert std["sha256"] == std_model.sha256 and std["extends"] == ["cn-2011-22"]
    assert [c["id"] for c in std["clauses"]] == [c.id for c in std_model.clauses]
    for clause in std["clauses"]:
        assert clause["source"]["document"] and clause["title"]["zh"] and clause["strength"] in ("应", "宜", "可")
    dated = [
        (c["id"], name, p)
        for c in std["clauses"]
        for name, p in c["parameters"].items()
        if p.get("values") or p.get("tiers")
    ]
    assert dated
    for _cid, _name, param in dated:
        series = param.get("values") or next(iter(param["tiers"].values()))
        assert all({"since", "value", "reference"} <= set(v) for v in series)
        assert param["in_force"]["as_of"] == "2019-01-01"
    assert api.client.get("/v1/standards/nope", headers=api.h()).status_code == 404
    assert api.client.get("/v1/standards/sjz-proposed", params={"as_of": "x"}, headers=api.h()).status_code == 422
