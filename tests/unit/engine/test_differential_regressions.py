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
from engine.rulebook import load_rulebook
from engine.source import load_document
from engine.standard import load_standard

ENGINES = ("durable", "python")


def finding(standard: str, center: dict[str, Any], as_of: str, clause: str, engine: str) -> tuple[Any, ...]:
    docs = parse_centers(load_document(json.dumps({"center": center}, ensure_ascii=False), "regression.yaml"))
    options = Options(as_of=dt.date.fromisoformat(as_of), jobs=0, engine=engine)
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
