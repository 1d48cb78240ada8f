"""Hypothesis strategies: center configurations valid per the center schema, and as-of dates.

Every generated center passes ``parse_centers``: fields are present or absent, never
mistyped (input errors are the loader's tests, not these). Values are drawn around the
places the norms turn on: tier thresholds of the hall area, every enum value, department
ids / 中文 names / aliases / unknown local ids / one department listed twice under two
aliases, catalogue matters by id or by name, matters of resident, non-resident, unlisted or
unnamed departments, time limits equal and either side.

Two centers in three start from a template for their tier (the mandatory departments and
catalogue matters present, most or nearly all fields right) and then lose or spoil a few
things, so that ``pass`` is reached as well as ``fail`` and ``not_declared``, for every
clause and tier.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from hypothesis import strategies as st
from reference import CATALOGUE, DEPARTMENTS, MANDATORY_DEPARTMENTS, TIERS

from engine.center import center_schema

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


def _maximum(*path: str) -> int | float | None:
    """The schema's ``maximum`` for a field (``"matters", "legal_days"``), if it sets one."""
    node: Any = center_schema()
    for part in path:
        node = node["properties"][part]
        node = node.get("items", node)
    value = node.get("maximum")
    return value if isinstance(value, int | float) else None


# The largest values the center schema admits; without a maximum, integers past the 64-bit range.
AREA_MAX = _maximum("hall", "area_m2") or 2**63
DAYS_MAX = min(_maximum("matters", "legal_days") or 2**63 + 1, _maximum("matters", "promised_days") or 2**63 + 1)
POSTS_MAX = _maximum("organization", "approved_posts") or 2**64

# Hall areas on and either side of every tier minimum, and the largest admitted. No float that JSON
# writes with an exponent (1e-05): durable_rules crashed the process on those, and a crash here would
# take the test session with it; test_areas_written_with_an_exponent_* checks them in a worker process.
AREAS = (1, 49, 49.5, 50, 51, 199, 200, 200.5, 201, 2999, 2999.9, 3000, 3000.5, 9999, 10000, 10000.25, 25000, AREA_MAX)
# Time limits: small ones, and the largest admitted (promised one day over legal at the top).
LEGAL_DAYS = (0, 5, 20, DAYS_MAX - 1)
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
MATTER_TYPES = (
    "administrative_licensing",
    "administrative_payment",
    "administrative_confirmation",
    "other_power",
    "public_service",
)
E_SUPERVISION = ("integrated", "separate_entry", "none")
FREQUENCIES = ("monthly", "quarterly", "yearly", "none")

# Names no table knows, some close to a known one (no fuzzy matching may happen).
UNKNOWN_DEPARTMENTS = ("城管局", "local_office", "发改", "Land_Resources", "国土资源", "xinhua-fgj", "")
LOCAL_MATTERS = ("local_001", "local_license", "企业设立", "construction-permit", "户籍迁移")
EXEMPTIONS = ("石政字〔2016〕12号", "冀政函〔2015〕3号")

ABSENT = object()
STANDARD_IDS = ("cn-2011-22", "sjz-current", "sjz-proposed")
MATTER_IDS = tuple(CATALOGUE)
# county: full_section is what sjz-proposed asks, deputy_section what sjz-current allows
GOOD_RANKS = {"city": ("full_division",), "county": ("full_section", "deputy_section")}

# How much the differential tests compared this session (conftest prints it).
CHECKED: dict[str, Any] = {"centers": 0, "results": 0, "distinct": set()}


# How close to compliant a center starts: % of fields right, % of mandatory items listed.
QUALITIES = ("rough", "near", "exemplary")
P_GOOD = {"rough": 50, "near": 88, "exemplary": 98}
P_LISTED = {"rough": 70, "near": 95, "exemplary": 100}


def _list_mode(quality: str) -> st.SearchStrategy[str]:
    """absent / empty / random items / the tier's template (mandatory items, mostly right)."""
    if quality == "rough":
        return _choice(("random", "absent", "empty", "template"))
    return _choice(("template", "template", "template", "template", "template", "random", "absent", "empty"))


@functools.cache
def _choice(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """``sampled_from``, built once per tuple (building strategies per draw costs more than drawing)."""
    return st.sampled_from(values)


PERCENT = st.integers(0, 99)


def as_of_dates() -> st.SearchStrategy[dt.date]:
    return st.sampled_from(AS_OF_DATES)


def _pick(draw: st.DrawFn, good: Any, others: tuple[Any, ...], p_good: int) -> Any:
    """``good`` with probability ``p_good`` %, else one of ``others`` (ABSENT among them = leave out).

    One draw from a weighted tuple (``good`` first, so failures shrink towards it)."""
    return draw(_weighted(good, others, p_good))


@functools.cache
def _weighted(good: Any, others: tuple[Any, ...], p_good: int) -> st.SearchStrategy[Any]:
    copies = max(1, round(p_good * len(others) / max(1, 100 - p_good)))
    return st.sampled_from((good,) * copies + others)


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not ABSENT:
        target[key] = value


def department_forms(dep_id: str) -> tuple[str, ...]:
    """Every spelling that normalises to ``dep_id``: the id, its 中文 name, its aliases."""
    zh, aliases = DEPARTMENTS[dep_id]
    return (dep_id, zh, *aliases)


def department_spelling(dep_id: str) -> st.SearchStrategy[str]:
    return _choice(department_forms(dep_id))


DEPARTMENT_IDS = tuple(DEPARTMENTS)


def any_department_spelling(draw: st.DrawFn) -> str:
    if draw(PERCENT) < 10:
        return draw(_choice(UNKNOWN_DEPARTMENTS))
    return draw(department_spelling(draw(_choice(DEPARTMENT_IDS))))


DEPARTMENT_NAMES = (ABSENT, ABSENT, "某区某局", *(v[0] for v in list(DEPARTMENTS.values())[:6]), "发改局", "残联")


@st.composite
def department_entry(draw: st.DrawFn, spelled: str, p_good: int) -> dict[str, Any]:
    dep: dict[str, Any] = {"id": spelled}
    # name: absent, free text, or a registry name (used when the id is unknown)
    name = draw(_choice(DEPARTMENT_NAMES))
    _put(dep, "name", name)
    _put(dep, "resident", _pick(draw, True, (False, ABSENT), p_good))
    _put(dep, "chief_representative", _pick(draw, True, (False, ABSENT), p_good))
    _put(dep, "window_authorization", _pick(draw, "full", ("partial", "none", ABSENT), p_good))  # 小权进大权不进
    _put(dep, "system_integration", _pick(draw, "integrated", ("double_entry", "none", ABSENT), p_good))
    return dep


@st.composite
def departments(draw: st.DrawFn, tier: str, quality: str) -> Any:
    mode = draw(_list_mode(quality))
    if mode == "absent":
        return ABSENT
    if mode == "empty":
        return []
    p_good = P_GOOD[quality]
    entries: list[dict[str, Any]] = []
    if mode == "template":
        mandatory = list(MANDATORY_DEPARTMENTS[tier])
        for dep_id in mandatory:
            if draw(PERCENT) < P_LISTED[quality]:
                entries.append(draw(department_entry(draw(department_spelling(dep_id)), p_good)))
        extra = draw(st.integers(0, 2))
    else:
        extra = draw(st.integers(1, 8))
    for _ in range(extra):
        entries.append(draw(department_entry(any_department_spelling(draw), p_good)))
    # the same department again under another spelling (first entry counts), or an unknown id twice
    for _ in range(draw(_choice((0, 0, 0, 1, 2)))):
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
            return draw(department_spelling(dep_id))
    return spelled


@st.composite
def matter_entry(draw: st.DrawFn, matter_id: str | None, tier_deps: tuple[str, ...], p_good: int) -> dict[str, Any]:
    if matter_id is None:  # a local matter, maybe named like a catalogue one
        mat: dict[str, Any] = {"id": draw(_choice(LOCAL_MATTERS))}
        if draw(PERCENT) < 20:
            mat["name"] = CATALOGUE[draw(_choice(MATTER_IDS))][0]
        owner = draw(_choice(DEPARTMENT_IDS))
        mtype = draw(_choice(MATTER_TYPES))
    else:
        zh, owner, mtype, _tiers = CATALOGUE[matter_id]
        how = draw(_choice(("id", "id", "zh", "local+zh")))
        mat = {"id": matter_id if how == "id" else zh if how == "zh" else "local_" + matter_id[:5]}
        if how == "local+zh":
            mat["name"] = zh
        elif draw(st.booleans()):
            mat["name"] = zh
    _put(mat, "code", draw(_choice((ABSENT, "", "11130100000000000A3000000000000"))))
    _put(mat, "type", _pick(draw, mtype, (*MATTER_TYPES, ABSENT), p_good))
    # department: the owner in any spelling, another department, an unknown one, or absent
    r = draw(PERCENT)
    if r < p_good:
        mat["department"] = draw(department_spelling(owner))
    elif r < p_good + (100 - p_good) // 3:
        other = draw(_choice(tier_deps or DEPARTMENT_IDS))
        mat["department"] = draw(department_spelling(other))
    elif draw(st.booleans()):
        mat["department"] = draw(_choice(UNKNOWN_DEPARTMENTS))
    in_center = _pick(draw, True, (False, ABSENT), p_good)
    _put(mat, "in_center", in_center)
    if in_center is not True or draw(PERCENT) < 10:
        _put(mat, "exemption", draw(_choice((ABSENT, "", *EXEMPTIONS))))
    _put(mat, "handled_at", _pick(draw, "window", ("back_office", "outside", ABSENT), p_good))
    _put(mat, "online", _pick(draw, True, (False, ABSENT), p_good))
    legal = draw(_choice((ABSENT, *LEGAL_DAYS)))
    _put(mat, "legal_days", legal)
    if legal is ABSENT:
        _put(mat, "promised_days", draw(_choice((ABSENT, 3))))
    else:
        _put(mat, "promised_days", draw(_choice((ABSENT, legal, max(0, legal - 1), min(legal + 1, DAYS_MAX), 0))))
    return mat


@st.composite
def matters(draw: st.DrawFn, tier: str, quality: str) -> Any:
    mode = draw(_list_mode(quality))
    if mode == "absent":
        return ABSENT
    if mode == "empty":
        return []
    p_good = P_GOOD[quality]
    tier_deps = tuple(MANDATORY_DEPARTMENTS[tier])
    entries: list[dict[str, Any]] = []
    if mode == "template":
        for mid, (_zh, _dep, _type, tiers) in CATALOGUE.items():
            if tier in tiers and draw(PERCENT) < P_LISTED[quality]:
                entries.append(draw(matter_entry(mid, tier_deps, p_good)))
        extra = draw(st.integers(0, 3))
    else:
        extra = draw(st.integers(1, 8))
    for _ in range(extra):
        mid = draw(_choice((None, None, *MATTER_IDS)))
        entries.append(draw(matter_entry(mid, tier_deps, p_good)))
    if len(entries) > 1 and draw(st.booleans()):
        entries = draw(st.permutations(entries))
    return entries


@st.composite
def centers(draw: st.DrawFn, tier: str | None = None) -> dict[str, Any]:
    """One center mapping (without ``id``: batches number their centers)."""
    tier = tier or draw(_choice(TIERS))
    quality = draw(_choice(QUALITIES))
    p = P_GOOD[quality]
    c: dict[str, Any] = {
        "id": "c",
        "name": draw(_choice(("石家庄市新华区政务服务中心", "正定镇便民服务中心", "Center"))),
        "tier": tier,
        "region_code": {"city": "130100", "county": "130105"}.get(tier) or draw(_choice(("130105001", "130105001201"))),
    }
    if draw(st.booleans()):
        c["parent"] = "130100-city"
    _put(c, "population", draw(_choice((ABSENT, 0, 620000))))
    _put(c, "declared_on", draw(_choice((ABSENT, "2016-06-30"))))

    if draw(PERCENT) >= 10:
        org: dict[str, Any] = {}
        good_nature, good_staff = draw(
            _choice((("administrative_organ", "administrative"), ("public_institution", "career")))
        )
        _put(org, "nature", _pick(draw, good_nature, (*NATURES, ABSENT), p))
        good_rank = draw(_choice(GOOD_RANKS.get(tier, ("unit",))))
        _put(org, "rank", _pick(draw, good_rank, (*RANKS, ABSENT), p))
        _put(org, "staffing", _pick(draw, good_staff, (*STAFFING, ABSENT), p))
        _put(org, "approved_posts", draw(_choice((ABSENT, 0, 2, 3, 4, 15, POSTS_MAX))))
        fn_mode = draw(_choice(("all", "subset", "absent")))
        if fn_mode == "all":
            org["functions"] = ["coordination", "supervision", "guidance"]
        elif fn_mode == "subset":
            org["functions"] = draw(st.lists(_choice(FUNCTIONS), max_size=5))
        if draw(PERCENT) < 10:
            org["x-note"] = "本地扩展"
        c["organization"] = org

    if draw(PERCENT) >= 10:
        hall: dict[str, Any] = {}
        _put(hall, "area_m2", draw(_choice((*AREAS, ABSENT))))
        _put(hall, "windows", draw(_choice((ABSENT, 0, 48))))
        _put(hall, "one_window_acceptance", _pick(draw, True, (False, ABSENT), p))
        c["hall"] = hall

    deps = draw(departments(tier, quality))
    _put(c, "departments", deps)
    mats = draw(matters(tier, quality))
    _put(c, "matters", mats)

    if draw(PERCENT) >= 10:
        platform: dict[str, Any] = {}
        _put(platform, "unified_platform", _pick(draw, True, (False, ABSENT), p))
        _put(platform, "reaches_villages", _pick(draw, True, (False, ABSENT), p))
        _put(platform, "e_supervision", _pick(draw, "integrated", (*E_SUPERVISION, ABSENT), p))
        c["platform"] = platform

    if draw(PERCENT) >= 10:
        perf: dict[str, Any] = {}
        _put(perf, "egov_in_assessment", _pick(draw, True, (False, ABSENT), p))
        _put(perf, "report_frequency", _pick(draw, "monthly", (*FREQUENCIES, ABSENT), p))
        c["performance"] = perf
    return c


def standard_dates() -> st.SearchStrategy[dict[str, tuple[dt.date, ...]]]:
    """One or two as-of dates for each bundled standard."""
    dates = st.lists(as_of_dates(), min_size=1, max_size=2, unique=True).map(tuple)
    return st.fixed_dictionaries({sid: dates for sid in STANDARD_IDS})


Case = tuple[dict[str, Any], dict[str, tuple[dt.date, ...]]]  # a center, and its as-of dates per standard


def center_cases(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[list[Case]]:
    """1 to 20 centers, all different, numbered ``c00``, ``c01`` …, each with its own as-of dates.

    The dates are drawn with each center: dates drawn once per batch let hypothesis spend its
    examples re-running one batch on other days."""

    def number(items: list[Case]) -> list[Case]:
        return [({**center, "id": f"c{i:02d}"}, dates) for i, (center, dates) in enumerate(items)]

    pairs = st.tuples(centers(), standard_dates())
    unique = st.lists(pairs, min_size=min_size, max_size=max_size, unique_by=lambda pair: _fingerprint(pair[0]))
    return unique.map(number)


def _fingerprint(center: dict[str, Any]) -> str:
    """Hypothesis repeats list elements on purpose; a batch of copies checks nothing new."""
    return json.dumps(center, sort_keys=True, ensure_ascii=False)
