"""A reference evaluator written from ``shared/spec/norms.md`` in plain loops and ifs.

It shares no code with the engine's evaluation path: it imports only ``engine.standard``
(for the ``Standard`` type) and never ``engine.kinds``, ``compiler``, ``runner``, ``facts``
or ``pyeval``. The norms it encodes — clause catalogue, tiers, in-force dates, parameter
values, the department registry and the matter catalogue — are transcribed here from
norms.md, so a drift in ``standards/*.yaml`` shows up as a difference too
(``test_bundled_standards_hold_the_norms_tables`` names it directly).

What it reproduces from the engine are output *conventions* only (what ``expected`` and
``actual`` look like), and the normalisation decisions documented in ``engine/facts.py``
(an id, failing that a name, goes through the alias table; duplicates: first wins;
a matter's department residency is unknown when it cannot be known).

``evaluate(standard, center_data, as_of)`` → ``{clause_id: (status, expected, actual)}``
for every clause of the standard (inherited ones included), in the standard's order.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.standard import Standard

D = dt.date.fromisoformat


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

TIERS = ("city", "county", "township", "village")
ALL = TIERS
CITY_COUNTY = ("city", "county")

# norms.md: none < unit < deputy_section < full_section < deputy_division < full_division < deputy_bureau < full_bureau
RANK_ORDER = [
    "none",
    "unit",
    "deputy_section",
    "full_section",
    "deputy_division",
    "full_division",
    "deputy_bureau",
    "full_bureau",
]

SEVERITY_OF_STRENGTH = {"应": "error", "宜": "warning", "可": "info"}

# ---------------------------------------------------------------- norms.md tables

# Department registry (canonical id — 中文 — aliases that normalise to it)
DEPARTMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "development_reform": ("发展和改革局", ("发改局", "发改委", "发展改革局", "发展和改革委员会")),
    "land_resources": ("国土资源局", ("国土局", "自然资源局")),
    "urban_planning": ("城乡规划局", ("规划局",)),
    "housing_construction": ("住房和城乡建设局", ("住建局", "建设局")),
    "human_resources_social_security": ("人力资源和社会保障局", ("人社局", "社保局")),
    "employment_service": ("就业服务局", ("就业局", "劳动就业服务中心")),
    "market_regulation": ("市场监督管理局", ("市场监管局", "工商局", "食药监局", "质监局")),
    "environmental_protection": ("环境保护局", ("环保局", "生态环境局")),
    "health": ("卫生和计划生育局", ("卫计局", "卫生局", "卫健局")),
    "civil_affairs": ("民政局", ()),
    "transport": ("交通运输局", ("交通局",)),
    "water": ("水务局", ("水利局",)),
    "culture": ("文化广电新闻出版局", ("文广新局", "文化局")),
    "taxation": ("税务局", ("国税局", "地税局")),
    "real_estate_registration": ("不动产登记中心", ("不动产登记局",)),
    "housing_provident_fund": ("住房公积金管理中心", ("公积金中心",)),
    "public_security": ("公安局", ("公安分局",)),
    "agriculture": ("农业局", ("农牧局", "农业农村局")),
    "disabled_persons": ("残疾人联合会", ("残联",)),
}

COUNTY_DEPARTMENTS = [
    "development_reform",
    "land_resources",
    "urban_planning",
    "housing_construction",
    "human_resources_social_security",
    "employment_service",
    "market_regulation",
    "environmental_protection",
    "health",
    "civil_affairs",
    "transport",
    "water",
    "culture",
    "taxation",
    "real_estate_registration",
    "housing_provident_fund",
]
MANDATORY_DEPARTMENTS: dict[str, list[str]] = {
    "city": [*COUNTY_DEPARTMENTS, "public_security", "agriculture"],
    "county": COUNTY_DEPARTMENTS,
    "township": ["human_resources_social_security", "civil_affairs", "health", "agriculture", "disabled_persons"],
    "village": [],
}

# Mandatory matter catalogue: id → (中文, department, type, tiers)
CATALOGUE: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "investment_project_record": ("企业投资项目备案", "development_reform", "other_power", CITY_COUNTY),
    "investment_project_approval": (
        "企业投资项目核准",
        "development_reform",
        "administrative_licensing",
        CITY_COUNTY,
    ),
    "land_use_preliminary_review": ("建设项目用地预审", "land_resources", "administrative_licensing", CITY_COUNTY),
    "land_planning_permit": ("建设用地规划许可证核发", "urban_planning", "administrative_licensing", CITY_COUNTY),
    "project_planning_permit": ("建设工程规划许可证核发", "urban_planning", "administrative_licensing", CITY_COUNTY),
    "construction_permit": (
        "建筑工程施工许可证核发",
        "housing_construction",
        "administrative_licensing",
        CITY_COUNTY,
    ),
    "social_insurance_registration": (
        "社会保险登记",
        "human_resources_social_security",
        "administrative_confirmation",
        ("city", "county", "township"),
    ),
    "unemployment_registration": (
        "失业登记",
        "employment_service",
        "public_service",
        ("city", "county", "township"),
    ),
    "enterprise_registration": ("企业设立登记", "market_regulation", "administrative_licensing", CITY_COUNTY),
    "food_business_license": ("食品经营许可", "market_regulation", "administrative_licensing", CITY_COUNTY),
    "eia_approval": (
        "建设项目环境影响评价文件审批",
        "environmental_protection",
        "administrative_licensing",
        CITY_COUNTY,
    ),
    "medical_institution_license": ("医疗机构执业许可", "health", "administrative_licensing", CITY_COUNTY),
    "social_organization_registration": (
        "社会团体成立登记",
        "civil_affairs",
        "administrative_licensing",
        CITY_COUNTY,
    ),
    "road_transport_license": ("道路运输经营许可", "transport", "administrative_licensing", CITY_COUNTY),
    "water_intake_permit": ("取水许可", "water", "administrative_licensing", CITY_COUNTY),
    "entertainment_venue_license": ("娱乐场所经营许可", "culture", "administrative_licensing", CITY_COUNTY),
    "tax_registration": ("涉税事项办理", "taxation", "public_service", CITY_COUNTY),
    "real_estate_registration": (
        "不动产登记",
        "real_estate_registration",
        "administrative_confirmation",
        CITY_COUNTY,
    ),
    "provident_fund_withdrawal": (
        "住房公积金提取",
        "housing_provident_fund",
        "administrative_payment",
        CITY_COUNTY,
    ),
    "minimum_living_allowance": (
        "最低生活保障申请受理",
        "civil_affairs",
        "administrative_payment",
        ("township", "village"),
    ),
    "birth_service_registration": ("生育服务登记", "health", "public_service", ("township", "village")),
    "disability_certificate": ("残疾人证办理受理", "disabled_persons", "public_service", ("township", "village")),
    "pension_insurance_enrolment": (
        "城乡居民养老保险参保登记",
        "human_resources_social_security",
        "public_service",
        ("township", "village"),
    ),
}

MIN_AREA_M2 = {"city": 10000, "county": 3000, "township": 200, "village": 50}
MIN_POSTS = {"township": 3}
P_ORG_02_RANK = {"city": "full_division", "county": "full_section"}
REQUIRED_FUNCTIONS = ["coordination", "supervision", "guidance"]
REPORT_FREQUENCIES = ["monthly", "quarterly"]
HAL_TRANSITION_END = D("2018-12-31")  # P-HAL-01 is a warning up to and including this day

CN_FROM = D("2011-06-08")
CURRENT_FROM = D("2011-01-01")
PROPOSED_FROM = D("2017-01-01")

# clause id → (tiers, strength); the in-force date is that of the standard defining it.
CN_CLAUSES = {
    "N-MAT-01": (CITY_COUNTY, "应"),
    "N-MAT-02": (CITY_COUNTY, "应"),
    "N-DEP-01": (CITY_COUNTY, "应"),
    "N-DEP-02": (CITY_COUNTY, "宜"),
    "N-SUP-01": (CITY_COUNTY, "应"),
    "N-TIM-01": (ALL, "应"),
}
CURRENT_CLAUSES = {
    "C-ORG-01": (("county",), "应"),
    "C-ORG-02": (("county",), "应"),
}
PROPOSED_CLAUSES = {
    "P-ORG-01": (CITY_COUNTY, "应"),
    "P-ORG-02": (CITY_COUNTY, "应"),
    "P-ORG-03": (("township",), "宜"),
    "P-FUN-01": (CITY_COUNTY, "应"),
    "P-HAL-01": (ALL, "应"),
    "P-HAL-02": (CITY_COUNTY, "宜"),
    "P-DEP-01": (ALL, "应"),
    "P-MAT-01": (ALL, "应"),
    "P-NET-01": (ALL, "应"),
    "P-NET-02": (CITY_COUNTY, "应"),
    "P-NET-03": (CITY_COUNTY, "应"),
    "P-NET-04": (ALL, "宜"),
    "P-PER-01": (CITY_COUNTY, "应"),
    "P-PER-02": (CITY_COUNTY, "宜"),
}


def clause_table(standard_id: str) -> dict[str, tuple[tuple[str, ...], str, dt.date]]:
    """clause id → (tiers, strength, in force from), inherited clauses first."""
    cn = {cid: (tiers, strength, CN_FROM) for cid, (tiers, strength) in CN_CLAUSES.items()}
    if standard_id == "cn-2011-22":
        return cn
    if standard_id == "sjz-current":
        return {cid: (tiers, strength, CURRENT_FROM) for cid, (tiers, strength) in CURRENT_CLAUSES.items()}
    if standard_id == "sjz-proposed":  # extends cn-2011-22
        own = {cid: (tiers, strength, PROPOSED_FROM) for cid, (tiers, strength) in PROPOSED_CLAUSES.items()}
        return {**cn, **own}
    raise ValueError(f"the reference knows only the bundled standards, not {standard_id}")


def has_registry(standard_id: str) -> bool:
    """The department registry: cn-2011-22 carries it, sjz-proposed inherits it; sjz-current has none."""
    return standard_id in ("cn-2011-22", "sjz-proposed")


def has_catalogue(standard_id: str) -> bool:
    return standard_id == "sjz-proposed"


def catalogue_of(tier: str) -> list[str]:
    return [mid for mid, (_zh, _dep, _type, tiers) in CATALOGUE.items() if tier in tiers]


def severity(standard_id: str, clause_id: str, as_of: dt.date) -> str:
    """Severity of a clause *in force* on ``as_of``: 应/宜/可, and the P-HAL-01 transition."""
    _tiers, strength, _since = clause_table(standard_id)[clause_id]
    if clause_id == "P-HAL-01" and as_of <= HAL_TRANSITION_END:
        return "warning"
    return SEVERITY_OF_STRENGTH[strength]


# ---------------------------------------------------------------- normalisation


def department_table() -> dict[str, str]:
    table = {}
    for dep_id, (zh, aliases) in DEPARTMENTS.items():
        table[dep_id] = dep_id
        table[zh] = dep_id
        for alias in aliases:
            table[alias] = dep_id
    return table


def matter_table() -> dict[str, str]:
    table = {}
    for mid, (zh, _dep, _type, _tiers) in CATALOGUE.items():
        table[mid] = mid
        table[zh] = mid
    return table


def normalise(raw_id: Any, name: Any, table: dict[str, str]) -> str:
    """The id, failing that the name, through the table; an unknown id is kept as given."""
    if isinstance(raw_id, str) and raw_id in table:
        return table[raw_id]
    if isinstance(name, str) and name in table:
        return table[name]
    return str(raw_id)


def get(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return ABSENT
        node = node[part]
    return node


def shown(value: Any) -> Any:
    """``actual`` of a scalar clause: the declared value, or None."""
    return None if value is ABSENT else value


def list_verdict(offending: list[str], lacking: list[str]) -> tuple[str, list[str]]:
    """norms.md: any offending item → fail; otherwise any item lacking a needed field → not_declared; else pass."""
    if offending:
        return "fail", offending
    if lacking:
        return "not_declared", lacking
    return "pass", []


class _Center:
    """One center as the norms read it: departments de-duplicated, ids normalised."""

    def __init__(self, data: dict[str, Any], standard_id: str) -> None:
        self.data = data
        self.tier = data["tier"]
        dep_table = department_table() if has_registry(standard_id) else {}
        mat_table = matter_table() if has_catalogue(standard_id) else {}
        self.dep_table = dep_table

        self.departments: list[tuple[str, dict[str, Any]]] | None = None
        self.resident_of: dict[str, Any] = {}  # normalised department → True / False / ABSENT
        if "departments" in data:
            self.departments = []
            for dep in data["departments"]:
                key = normalise(dep.get("id"), dep.get("name"), dep_table)
                if key in self.resident_of:
                    continue  # the same department again (another alias): the first entry counts
                self.resident_of[key] = dep.get("resident", ABSENT)
                self.departments.append((key, dep))

        self.matters: list[tuple[str, dict[str, Any]]] | None = None
        if "matters" in data:
            self.matters = []
            for mat in data["matters"]:
                self.matters.append((normalise(mat.get("id"), mat.get("name"), mat_table), mat))

    def matter_department(self, mat: dict[str, Any]) -> Any:
        if "department" not in mat:
            return ABSENT
        return normalise(mat["department"], None, self.dep_table)

    def matter_department_resident(self, mat: dict[str, Any]) -> Any:
        """True / False, or ABSENT when it cannot be known (no department, no list, residency undeclared)."""
        dept = self.matter_department(mat)
        if dept is ABSENT or self.departments is None:
            return ABSENT
        if dept not in self.resident_of:
            return False  # not listed: not a resident department
        resident = self.resident_of[dept]
        if resident is ABSENT:
            return ABSENT
        return resident is True


# ---------------------------------------------------------------- clauses


def _resident_departments_have(c: _Center, field: str, required: Any) -> tuple[str, Any]:
    """N-DEP-01, N-DEP-02, P-NET-03: every resident department has ``field == required``."""
    if c.departments is None:
        return "not_declared", None
    offending, lacking = [], []
    for key, dep in c.departments:
        resident = dep.get("resident", ABSENT)
        if resident is ABSENT:
            lacking.append(key)  # resident or not: unknown
        elif resident is True:
            if field not in dep:
                lacking.append(key)
            elif dep[field] != required:
                offending.append(key)
    return list_verdict(offending, lacking)


def n_mat_01(c: _Center) -> tuple[str, Any]:
    """Licensing matters of resident departments are in the center unless exempted by a decision."""
    if c.matters is None:
        return "not_declared", None
    offending, lacking = [], []
    for key, mat in c.matters:
        mtype = mat.get("type", ABSENT)
        resident = c.matter_department_resident(mat)
        exempt = mat.get("exemption", "") != ""
        if exempt:
            continue
        if mtype is not ABSENT and mtype != "administrative_licensing":
            continue
        if resident is False:
            continue
        if mtype is ABSENT or resident is ABSENT:
            lacking.append(key)  # might be covered; cannot tell
            continue
        in_center = mat.get("in_center", ABSENT)
        if in_center is ABSENT:
            lacking.append(key)
        elif in_center is not True:
            offending.append(key)
    return list_verdict(offending, lacking)


def n_mat_02(c: _Center) -> tuple[str, Any]:
    """A matter in the center is handled at the window."""
    if c.matters is None:
        return "not_declared", None
    offending, lacking = [], []
    for key, mat in c.matters:
        in_center = mat.get("in_center", ABSENT)
        if in_center is ABSENT:
            lacking.append(key)
        elif in_center is True:
            handled_at = mat.get("handled_at", ABSENT)
            if handled_at is ABSENT:
                lacking.append(key)
            elif handled_at != "window":
                offending.append(key)
    return list_verdict(offending, lacking)


def n_tim_01(c: _Center) -> tuple[str, Any]:
    """promised_days ≤ legal_days where both are declared; none declaring both → not_declared."""
    if c.matters is None:
        return "not_declared", None
    offending = []
    both = 0
    for key, mat in c.matters:
        if "legal_days" in mat and "promised_days" in mat:
            both += 1
            if mat["promised_days"] > mat["legal_days"]:
                offending.append(key)
    if offending:
        return "fail", offending
    if both == 0:
        return "not_declared", []
    return "pass", []


def p_dep_01(c: _Center) -> tuple[str, Any]:
    """Every mandatory department of the tier is listed with resident: true."""
    mandatory = MANDATORY_DEPARTMENTS[c.tier]
    if not mandatory:
        return "pass", []  # norms.md: a tier whose mandatory list is empty (village) passes
    if c.departments is None:
        return "not_declared", None
    missing, unknown = [], []
    for dep_id in mandatory:
        if dep_id not in c.resident_of:
            missing.append(dep_id)
        elif c.resident_of[dep_id] is ABSENT:
            unknown.append(dep_id)
        elif c.resident_of[dep_id] is not True:
            missing.append(dep_id)
    if missing:
        return "fail", missing
    if unknown:
        return "not_declared", unknown
    return "pass", []


def p_mat_01(c: _Center) -> tuple[str, Any]:
    """Every catalogue matter of the tier is declared, in_center, under its catalogue department."""
    if c.matters is None:
        return "not_declared", None
    missing, unknown = [], []
    for mid in catalogue_of(c.tier):
        owner = CATALOGUE[mid][1]
        satisfied = could_be = False
        for key, mat in c.matters:
            if key != mid:
                continue
            in_center = mat.get("in_center", ABSENT)
            dept = c.matter_department(mat)
            if in_center is True and dept == owner:
                satisfied = True
            elif in_center in (True, ABSENT) and dept in (owner, ABSENT):
                could_be = True  # nothing contradicts it; something is not declared
        if satisfied:
            continue
        if could_be:
            unknown.append(mid)
        else:
            missing.append(mid)
    if missing:
        return "fail", missing
    if unknown:
        return "not_declared", unknown
    return "pass", []


def p_net_04(c: _Center) -> tuple[str, Any]:
    """The declared mandatory matters are online; none declared → not_declared."""
    if c.matters is None:
        return "not_declared", None
    catalogue = catalogue_of(c.tier)
    offending, lacking = [], []
    declared = 0
    for key, mat in c.matters:
        if key not in catalogue:
            continue
        declared += 1
        online = mat.get("online", ABSENT)
        if online is ABSENT:
            lacking.append(key)
        elif online is not True:
            offending.append(key)
    if declared == 0:
        return "not_declared", []
    return list_verdict(offending, lacking)


def p_fun_01(c: _Center) -> tuple[str, Any]:
    functions = get(c.data, "organization.functions")
    if functions is ABSENT:
        return "not_declared", None
    missing = [f for f in REQUIRED_FUNCTIONS if f not in functions]
    return ("fail", missing) if missing else ("pass", [])


def _equals(c: _Center, field: str, required: Any) -> tuple[str, Any]:
    value = get(c.data, field)
    if value is ABSENT:
        return "not_declared", None
    return ("pass" if value == required else "fail"), value


def _at_least(c: _Center, field: str, minimum: Any) -> tuple[str, Any]:
    value = get(c.data, field)
    if value is ABSENT:
        return "not_declared", None
    return ("pass" if value >= minimum else "fail"), value


def _one_of(c: _Center, field: str, allowed: list[Any]) -> tuple[str, Any]:
    value = get(c.data, field)
    if value is ABSENT:
        return "not_declared", None
    return ("pass" if value in allowed else "fail"), value


def _nature_and_staffing(c: _Center, nature: str, staffing: str) -> tuple[str, Any, Any]:
    required = {"organization.nature": nature, "organization.staffing": staffing}
    statuses = []
    actual = {}
    for field, value in required.items():
        status, shown_value = _equals(c, field, value)
        statuses.append(status)
        actual[field] = shown_value
    status = "fail" if "fail" in statuses else "not_declared" if "not_declared" in statuses else "pass"
    return status, required, actual


def _clause(cid: str, c: _Center) -> tuple[str, Any, Any]:
    tier = c.tier
    if cid == "N-MAT-01":
        status, actual = n_mat_01(c)
        return status, True, actual
    if cid == "N-MAT-02":
        status, actual = n_mat_02(c)
        return status, "window", actual
    if cid == "N-DEP-01":
        status, actual = _resident_departments_have(c, "window_authorization", "full")
        return status, "full", actual
    if cid == "N-DEP-02":
        status, actual = _resident_departments_have(c, "chief_representative", True)
        return status, True, actual
    if cid == "N-SUP-01":
        value = get(c.data, "platform.e_supervision")
        status = "not_declared" if value is ABSENT else "fail" if value == "none" else "pass"
        return status, {"not": ["none"]}, shown(value)
    if cid == "N-TIM-01":
        status, actual = n_tim_01(c)
        return status, "promised_days ≤ legal_days", actual
    if cid == "C-ORG-01":
        rank = get(c.data, "organization.rank")
        if rank is ABSENT:
            status = "not_declared"
        elif RANK_ORDER.index(rank) > RANK_ORDER.index("deputy_section"):
            status = "fail"
        else:
            status = "pass"
        return status, "deputy_section", shown(rank)
    if cid == "C-ORG-02":
        return _nature_and_staffing(c, "public_institution", "career")
    if cid == "P-ORG-01":
        return _nature_and_staffing(c, "administrative_organ", "administrative")
    if cid == "P-ORG-02":
        status, actual = _equals(c, "organization.rank", P_ORG_02_RANK[tier])  # exactly the rank
        return status, P_ORG_02_RANK[tier], actual
    if cid == "P-ORG-03":
        status, actual = _at_least(c, "organization.approved_posts", MIN_POSTS[tier])
        return status, MIN_POSTS[tier], actual
    if cid == "P-FUN-01":
        status, actual = p_fun_01(c)
        return status, list(REQUIRED_FUNCTIONS), actual
    if cid == "P-HAL-01":
        status, actual = _at_least(c, "hall.area_m2", MIN_AREA_M2[tier])
        return status, MIN_AREA_M2[tier], actual
    if cid == "P-HAL-02":
        status, actual = _equals(c, "hall.one_window_acceptance", True)
        return status, True, actual
    if cid == "P-DEP-01":
        status, actual = p_dep_01(c)
        return status, list(MANDATORY_DEPARTMENTS[tier]), actual
    if cid == "P-MAT-01":
        status, actual = p_mat_01(c)
        return status, catalogue_of(tier), actual
    if cid == "P-NET-01":
        status, actual = _equals(c, "platform.unified_platform", True)
        return status, True, actual
    if cid == "P-NET-02":
        status, actual = _equals(c, "platform.reaches_villages", True)
        return status, True, actual
    if cid == "P-NET-03":
        status, actual = _resident_departments_have(c, "system_integration", "integrated")
        return status, "integrated", actual
    if cid == "P-NET-04":
        status, actual = p_net_04(c)
        return status, True, actual
    if cid == "P-PER-01":
        status, actual = _equals(c, "performance.egov_in_assessment", True)
        return status, True, actual
    if cid == "P-PER-02":
        status, actual = _one_of(c, "performance.report_frequency", REPORT_FREQUENCIES)
        return status, list(REPORT_FREQUENCIES), actual
    raise KeyError(cid)


def evaluate(standard: Standard, center_data: dict[str, Any], as_of: dt.date) -> dict[str, tuple[str, Any, Any]]:
    """Every clause of ``standard`` for one center: ``{clause_id: (status, expected, actual)}``."""
    center = _Center(center_data, standard.id)
    out: dict[str, tuple[str, Any, Any]] = {}
    for cid, (tiers, _strength, since) in clause_table(standard.id).items():
        if center.tier not in tiers or as_of < since:
            out[cid] = ("not_applicable", None, None)
        else:
            out[cid] = _clause(cid, center)
    return out
