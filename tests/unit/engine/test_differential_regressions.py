"""Counterexamples the differential tests (tests/differential) found, shrunk and kept by name.

Each test is the smallest center on which an engine disagreed with spec/norms.md, run through
both engines (durable_rules in-process and the python evaluator), with the finding norms.md asks for.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from engine.center import parse_centers
from engine.check import Options, evaluate
from engine.errors import InputError
from engine.rulebook import load_rulebook
from engine.source import load_document
from engine.standard import load_standard

ENGINES = ("durable", "python")


def finding(
    standard: str, center: dict[str, Any], as_of: str, clause: str, engine: str, jobs: int = 0
) -> tuple[Any, ...]:
    docs = parse_centers(load_document(json.dumps({"center": center}, ensure_ascii=False), "regression.yaml"))
    options = Options(as_of=dt.date.fromisoformat(as_of), jobs=jobs if engine == "durable" else 0, engine=engine)
    report = evaluate(load_standard(standard), load_rulebook(), docs, {}, options)
    (result,) = [r for r in report.centers[0].results if r.clause == clause]
    return (result.status.value, result.expected, result.actual)


@pytest.mark.parametrize("engine", ENGINES)
def test_village_without_a_departments_list_passes_p_dep_01(engine: str) -> None:
    """norms.md: "A tier whose mandatory list is empty (P-DEP-01 at village) passes" — also when the
    center lists no departments at all; there is nothing it could lack (found: not_declared, actual None)."""
    village = {"id": "c1", "name": "便民服务站", "tier": "village", "region_code": "130105001201"}
    assert finding("sjz-proposed", village, "2019-01-01", "P-DEP-01", engine) == ("pass", [], [])


@pytest.mark.parametrize("engine", ENGINES)
def test_village_with_an_empty_departments_list_passes_p_dep_01(engine: str) -> None:
    """The neighbour of the case above, which already passed: it pins that both read alike."""
    village = {"id": "c1", "name": "便民服务站", "tier": "village", "region_code": "130105001201", "departments": []}
    assert finding("sjz-proposed", village, "2019-01-01", "P-DEP-01", engine) == ("pass", [], [])


def refused_or(standard: str, center: dict[str, Any], as_of: str, clause: str, engine: str, jobs: int = 0) -> Any:
    """The finding, or ``"refused"`` when the loader turns the center away as out of range."""
    try:
        return finding(standard, center, as_of, clause, engine, jobs)
    except InputError as exc:
        assert {p.code for p in exc.problems} == {"out_of_range"}
        return "refused"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("area", "status", "may_refuse"),
    [(1e-05, "fail", False), (1.5e-07, "fail", False), (1e16, "pass", True), (1e300, "pass", True)],
)
def test_an_area_written_with_an_exponent_is_compared_like_any_number(
    engine: str, area: float, status: str, may_refuse: bool
) -> None:
    """A float JSON writes as 1e-05 or 1e+16 crashed durable_rules (SIGSEGV): with --jobs 0 the whole
    process, in the pool an ``error`` for every clause of the center. It must get the norms' finding
    (or, past the schema's maximum, be refused as input). durable runs in a worker here (jobs=1), so
    that a crash shows as a failed test, not a dead test session."""
    township = {"id": "c1", "name": "便民服务中心", "tier": "township", "region_code": "130105001"}
    township["hall"] = {"area_m2": area}
    found = refused_or("sjz-proposed", township, "2019-01-01", "P-HAL-01", engine, jobs=1)
    assert found in ((status, 200, area), "refused" if may_refuse else None)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("legal", "promised"),
    [(99_999, 100_000), (2**63 - 1, 2**63), (2**63, 2**63 + 1), (10**20, 10**20 + 1)],
    ids=["within-the-schema", "int64-max", "past-int64", "1e20"],
)
def test_a_promise_a_day_over_a_very_large_legal_limit_is_never_a_pass(engine: str, legal: int, promised: int) -> None:
    """Past 2**63 durable_rules compared the two limits as doubles, found them equal and passed
    N-TIM-01, where promised_days > legal_days is a fail. It must fail (or the center be refused
    as input, the schema bounding the limits)."""
    county = {
        "id": "c1",
        "name": "政务服务中心",
        "tier": "county",
        "region_code": "130105",
        "matters": [{"id": "m1", "legal_days": legal, "promised_days": promised}],
    }
    found = refused_or("cn-2011-22", county, "2019-01-01", "N-TIM-01", engine)
    assert found in (("fail", "promised_days ≤ legal_days", ["m1"]), "refused" if promised > 100_000 else None)
