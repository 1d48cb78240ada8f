"""Hypothesis strategies: center configurations valid per the center schema, and as-of dates.

Every generated center passes ``parse_centers``: fields are present or absent, never
mistyped (input errors are the loader's tests, not these). Values are drawn around the
places the norms turn on: tier thresholds of the hall area, every enum value, department
ids / 中文 names / aliases / unknown local ids / one department listed twice under two
aliases, catalogue matters by id or by name, matters of resident, non-resident, unlisted or
unnamed departments, time limits equal and either side.

Half the centers start from a *near-compliant* template for their tier (the mandatory
departments and catalogue matters present, most fields right) and then lose or spoil a few
things, so that ``pass`` is reached as often as ``fail`` and ``not_declared``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st
from reference import CATALOGUE, DEPARTMENTS, MANDATORY_DEPARTMENTS, TIERS

D = dt.date.fromisoformat

# On and either side of every in-force and parameter date (sjz-current 2011-01-01, cn-2011-22
# 2011-06-08, sjz-proposed 2017-01-01, the P-HAL-01 severity change 2019-01-01), and one later day.
# Kept small: durable_rules registers one ruleset per (standard, tier, date) and cannot free it.
AS_OF_DATES = tuple(
    D(d)
    for d in (
        "2010-12-31",
        "2011-01-01",
        "2011-06-07",
        "2011-06-08",
        "2016-12-31",
        "2017-01-01",
        "2018-12-31",
        "2019-01-01",
        "2026-11-25",
    )
)

AREAS = (1, 49, 49.5, 50, 51, 199, 200, 200.5, 201, 2999, 2999.9, 3000, 3000.5, 9999, 10000, 10000.25, 25000)
NATURES = ("administrative_organ", "public_institution", "internal_agency", "none")
RANKS = (
    "full_bureau",
    "deputy_bureau",
    "full_division",
    "deputy_division",
    "full_section",
    "deputy_section",
    "unit",
    "none",
)
STAFFING = ("administrative", "career", "mixed", "none")
FUNCTIONS = ("coordination", "supervision", "guidance", "planning")
AUTHORIZATION = ("full", "partial", "none")
INTEGRATION = ("integrated", "double_entry", "none")
MATTER_TYPES = (
    "administrative_licensing",
    "administrative_payment",
    "administrative_confirmation",
    "other_power",
    "public_service",
)
HANDLED_AT = ("window", "back_office", "outside")
E_SUPERVISION = ("integrated", "separate_entry", "none")
FREQUENCIES = ("monthly", "quarterly", "yearly", "none")

# Names no table knows, some close to a known one (no fuzzy matching may happen).
UNKNOWN_DEPARTMENTS = ("城管局", "local_office", "发改", "Land_Resources", "国土资源", "xinhua-fgj", "")
LOCAL_MATTERS = ("local_001", "local_license", "企业设立", "construction-permit", "户籍迁移")
EXEMPTIONS = ("石政字〔2016〕12号", "冀政函〔2015〕3号")

ABSENT = object()

# How much the differential tests compared this session (conftest prints it).
CHECKED = {"centers": 0, "results": 0}


def as_of_dates() -> st.SearchStrategy[dt.date]:
    return st.sampled_from(AS_OF_DATES)


def _pick(draw: st.DrawFn, good: Any, others: tuple[Any, ...], p_good: int) -> Any:
    """``good`` with probability ``p_good`` %, else one of ``others`` (ABSENT among them = leave out)."""
    if draw(st.integers(0, 99)) < p_good:
        return good
    return draw(st.sampled_from(others))


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not ABSENT:
        target[key] = value


def department_forms(dep_id: str) -> tuple[str, ...]:
    """Every spelling that normalises to ``dep_id``: the id, its 中文 name, its aliases."""
    zh, aliases = DEPARTMENTS[dep_id]
    return (dep_id, zh, *aliases)


@st.composite
def department_spelling(draw: st.DrawFn, dep_id: str) -> str:
    return draw(st.sampled_from(department_forms(dep_id)))


@st.composite
def any_department_spelling(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(UNKNOWN_DEPARTMENTS))
    return draw(department_spelling(draw(st.sampled_from(sorted(DEPARTMENTS)))))


@st.composite
def department_entry(draw: st.DrawFn, spelled: str, p_good: int) -> dict[str, Any]:
    dep: dict[str, Any] = {"id": spelled}
    # name: absent, free text, or a registry name (used when the id is unknown)
    name = draw(
        st.sampled_from((ABSENT, ABSENT, "某区某局", *(v[0] for v in list(DEPARTMENTS.values())[:6]), "发改局", "残联"))
    )
    _put(dep, "name", name)
    _put(dep, "resident", _pick(draw, True, (False, ABSENT), p_good))
    _put(dep, "chief_representative", _pick(draw, True, (False, ABSENT), p_good))
    _put(dep, "window_authorization", _pick(draw, "full", ("partial", "none", ABSENT), p_good))
    _put(dep, "system_integration", _pick(draw, "integrated", ("double_entry", "none", ABSENT), p_good))
    return dep


@st.composite
def departments(draw: st.DrawFn, tier: str, near_compliant: bool) -> Any:
    mode = draw(
        st.sampled_from(
            ("template", "random", "absent", "empty") if near_compliant else ("random", "absent", "empty", "template")
        )
    )
    if mode == "absent":
        return ABSENT
    if mode == "empty":
        return []
    p_good = 92 if near_compliant else 55
    entries: list[dict[str, Any]] = []
    if mode == "template":
        mandatory = list(MANDATORY_DEPARTMENTS[tier])
        for dep_id in mandatory:
            if draw(st.integers(0, 99)) < (95 if near_compliant else 70):
                entries.append(draw(department_entry(draw(department_spelling(dep_id)), p_good)))
        extra = draw(st.integers(0, 2))
    else:
        extra = draw(st.integers(1, 8))
    for _ in range(extra):
        entries.append(draw(department_entry(draw(any_department_spelling()), p_good)))
    # the same department again under another spelling (first entry counts), or an unknown id twice
    for _ in range(draw(st.sampled_from((0, 0, 0, 1, 2)))):
        if not entries:
            break
        i = draw(st.integers(0, len(entries) - 1))
        entries.insert(
            draw(st.integers(i + 1, len(entries))), draw(department_entry(_respell(draw, entries[i]["id"]), 50))
        )
    if len(entries) > 1 and draw(st.booleans()):
        entries = draw(st.permutations(entries))
    return entries


def _respell(draw: st.DrawFn, spelled: str) -> str:
    for dep_id in DEPARTMENTS:
        if spelled in department_forms(dep_id):
            return draw(st.sampled_from(department_forms(dep_id)))
    return spelled


@st.composite
def matter_entry(draw: st.DrawFn, matter_id: str | None, tier_deps: list[str], p_good: int) -> dict[str, Any]:
    if matter_id is None:  # a local matter, maybe named like a catalogue one
        mat: dict[str, Any] = {"id": draw(st.sampled_from(LOCAL_MATTERS))}
        if draw(st.integers(0, 4)) == 0:
            mat["name"] = CATALOGUE[draw(st.sampled_from(sorted(CATALOGUE)))][0]
        owner = draw(st.sampled_from(sorted(DEPARTMENTS)))
        mtype = draw(st.sampled_from(MATTER_TYPES))
    else:
        zh, owner, mtype, _tiers = CATALOGUE[matter_id]
        how = draw(st.sampled_from(("id", "id", "zh", "local+zh")))
        mat = {"id": matter_id if how == "id" else zh if how == "zh" else "local_" + matter_id[:5]}
        if how == "local+zh":
            mat["name"] = zh
        elif draw(st.booleans()):
            mat["name"] = zh
    _put(mat, "code", draw(st.sampled_from((ABSENT, "", "11130100000000000A3000000000000"))))
    _put(mat, "type", _pick(draw, mtype, (*MATTER_TYPES, ABSENT), p_good))
    # department: the owner in any spelling, another department, an unknown one, or absent
    r = draw(st.integers(0, 99))
    if r < p_good:
        mat["department"] = draw(department_spelling(owner))
    elif r < p_good + (100 - p_good) // 3:
        other = draw(st.sampled_from(tier_deps or sorted(DEPARTMENTS)))
        mat["department"] = draw(department_spelling(other))
    elif draw(st.booleans()):
        mat["department"] = draw(st.sampled_from(UNKNOWN_DEPARTMENTS))
    in_center = _pick(draw, True, (False, ABSENT), p_good)
    _put(mat, "in_center", in_center)
    if in_center is not True or draw(st.integers(0, 9)) == 0:
        _put(mat, "exemption", draw(st.sampled_from((ABSENT, "", *EXEMPTIONS))))
    _put(mat, "handled_at", _pick(draw, "window", ("back_office", "outside", ABSENT), p_good))
    _put(mat, "online", _pick(draw, True, (False, ABSENT), p_good))
    legal = draw(st.sampled_from((ABSENT, 0, 5, 20)))
    _put(mat, "legal_days", legal)
    if legal is ABSENT:
        _put(mat, "promised_days", draw(st.sampled_from((ABSENT, 3))))
    else:
        _put(mat, "promised_days", draw(st.sampled_from((ABSENT, legal, max(0, legal - 1), legal + 1, 0))))
    return mat


@st.composite
def matters(draw: st.DrawFn, tier: str, near_compliant: bool) -> Any:
    mode = draw(
        st.sampled_from(
            ("template", "random", "absent", "empty") if near_compliant else ("random", "absent", "empty", "template")
        )
    )
    if mode == "absent":
        return ABSENT
    if mode == "empty":
        return []
    p_good = 92 if near_compliant else 55
    tier_deps = list(MANDATORY_DEPARTMENTS[tier])
    catalogue = sorted(CATALOGUE)
    entries: list[dict[str, Any]] = []
    if mode == "template":
        for mid, (_zh, _dep, _type, tiers) in CATALOGUE.items():
            if tier in tiers and draw(st.integers(0, 99)) < (95 if near_compliant else 70):
                entries.append(draw(matter_entry(mid, tier_deps, p_good)))
        extra = draw(st.integers(0, 3))
    else:
        extra = draw(st.integers(1, 8))
    for _ in range(extra):
        mid = draw(st.sampled_from((None, None, *catalogue)))
        entries.append(draw(matter_entry(mid, tier_deps, p_good)))
    if len(entries) > 1 and draw(st.booleans()):
        entries = draw(st.permutations(entries))
    return entries


@st.composite
def centers(draw: st.DrawFn, tier: str | None = None) -> dict[str, Any]:
    """One center mapping (without ``id``: batches number their centers)."""
    tier = tier or draw(st.sampled_from(TIERS))
    near = draw(st.booleans())
    p = 85 if near else 45
    c: dict[str, Any] = {
        "id": "c",
        "name": draw(st.sampled_from(("石家庄市新华区政务服务中心", "正定镇便民服务中心", "Center"))),
        "tier": tier,
        "region_code": {"city": "130100", "county": "130105"}.get(tier)
        or draw(st.sampled_from(("130105001", "130105001201"))),
    }
    if draw(st.booleans()):
        c["parent"] = "130100-city"
    _put(c, "population", draw(st.sampled_from((ABSENT, 0, 620000))))
    _put(c, "declared_on", draw(st.sampled_from((ABSENT, "2016-06-30"))))

    if draw(st.integers(0, 9)):
        org: dict[str, Any] = {}
        good_nature, good_staff = draw(
            st.sampled_from((("administrative_organ", "administrative"), ("public_institution", "career")))
        )
        _put(org, "nature", _pick(draw, good_nature, (*NATURES, ABSENT), p))
        good_rank = {"city": "full_division", "county": "full_section"}.get(tier, "unit")
        _put(org, "rank", _pick(draw, good_rank, (*RANKS, ABSENT), p))
        _put(org, "staffing", _pick(draw, good_staff, (*STAFFING, ABSENT), p))
        _put(org, "approved_posts", draw(st.sampled_from((ABSENT, 0, 2, 3, 4, 15))))
        fn_mode = draw(st.sampled_from(("all", "subset", "absent")))
        if fn_mode == "all":
            org["functions"] = ["coordination", "supervision", "guidance"]
        elif fn_mode == "subset":
            org["functions"] = draw(st.lists(st.sampled_from(FUNCTIONS), max_size=5))
        if draw(st.integers(0, 9)) == 0:
            org["x-note"] = "本地扩展"
        c["organization"] = org

    if draw(st.integers(0, 9)):
        hall: dict[str, Any] = {}
        _put(hall, "area_m2", draw(st.sampled_from((*AREAS, ABSENT))))
        _put(hall, "windows", draw(st.sampled_from((ABSENT, 0, 48))))
        _put(hall, "one_window_acceptance", _pick(draw, True, (False, ABSENT), p))
        c["hall"] = hall

    deps = draw(departments(tier, near))
    _put(c, "departments", deps)
    mats = draw(matters(tier, near))
    _put(c, "matters", mats)

    if draw(st.integers(0, 9)):
        platform: dict[str, Any] = {}
        _put(platform, "unified_platform", _pick(draw, True, (False, ABSENT), p))
        _put(platform, "reaches_villages", _pick(draw, True, (False, ABSENT), p))
        _put(platform, "e_supervision", _pick(draw, "integrated", (*E_SUPERVISION, ABSENT), p))
        c["platform"] = platform

    if draw(st.integers(0, 9)):
        perf: dict[str, Any] = {}
        _put(perf, "egov_in_assessment", _pick(draw, True, (False, ABSENT), p))
        _put(perf, "report_frequency", _pick(draw, "monthly", (*FREQUENCIES, ABSENT), p))
        c["performance"] = perf
    return c


def center_batches(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[list[dict[str, Any]]]:
    """1–20 centers with unique ids (``c00``, ``c01`` …), to evaluate in one call."""

    def number(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**c, "id": f"c{i:02d}"} for i, c in enumerate(items)]

    return st.lists(centers(), min_size=min_size, max_size=max_size).map(number)
