"""``/v1/standards``: the bundled standards, their clauses, sources and dated parameters."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from api import auth
from api.models import DATE_PATTERN, ID_PATTERN
from api.problems import ApiProblem, problem_responses
from api.service import Checker
from api.store import Principal
from engine.errors import InputError
from engine.standard import NO_VALUE, STRENGTH_SEVERITY, TIERS, Clause, DatedValue, Param, Standard
from engine.text import Text

router = APIRouter(prefix="/v1/standards", tags=["standards"])


def summary(std: Standard) -> dict[str, Any]:
    return {
        "id": std.id,
        "version": std.version,
        "title": std.title.to_json(),
        "document": std.document,
        "in_force_from": std.in_force_from.isoformat(),
        "extends": std.extends,
        "sha256": std.sha256,
        "chain_sha256": std.chain_sha256,
        "clauses": len(std.clauses),
        "links": {"self": f"/v1/standards/{std.id}"},
    }


def _series(values: tuple[DatedValue, ...]) -> list[dict[str, Any]]:
    return [{"since": v.since.isoformat(), "value": v.value, "reference": v.reference} for v in values]


def param_json(param: Param, as_of: dt.date | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "unit": param.unit,
        "description": param.description.to_json() if param.description else None,
        "per_tier": param.per_tier,
    }
    if param.per_tier:
        out["tiers"] = {tier: _series(series) for tier, series in param.series.items() if tier is not None}
    else:
        out["values"] = _series(param.series[None])
    if as_of is not None:
        at = {}
        for tier in TIERS:
            value = param.value_at(as_of, tier)
            at[tier] = None if value is NO_VALUE else value
        out["in_force"] = {"as_of": as_of.isoformat(), "by_tier": at}
    return out


def clause_json(clause: Clause, as_of: dt.date | None) -> dict[str, Any]:
    return {
        "id": clause.id,
        "defined_in": clause.standard_id,
        "section": clause.section,
        "section_title": clause.section_title.to_json(),
        "title": clause.title.to_json(),
        "text": clause.text.to_json(),
        "strength": clause.strength,
        "severity": STRENGTH_SEVERITY[clause.strength],
        "tiers": list(clause.tiers),
        "in_force_from": clause.in_force_from.isoformat(),
        "source": clause.source.to_json(),
        "message": clause.message.to_json(),
        "remediation": clause.remediation.to_json(),
        "parameters": {name: param_json(p, as_of) for name, p in clause.parameters.items()},
        "location": clause.location.to_json(),
    }


def _load(request: Request, standard_id: str) -> Standard:
    checker: Checker = request.app.state.checker
    try:
        return checker.standard(standard_id)[0]
    except InputError:
        raise ApiProblem(
            404,
            Text(
                f"没有标准 “{standard_id}”；可用：{', '.join(checker.known_standards())}",
                f"no standard '{standard_id}'; known: {', '.join(checker.known_standards())}",
            ),
        ) from None


@router.get(
    "",
    summary="The standards this server checks against",
    responses=problem_responses(401),
)
def list_standards(
    request: Request, principal: Annotated[Principal, Depends(auth.submitter)]
) -> dict[str, list[dict[str, Any]]]:
    checker: Checker = request.app.state.checker
    return {"items": [summary(_load(request, sid)) for sid in checker.known_standards()]}


@router.get(
    "/{standard_id}",
    summary="One standard: every clause with its source and dated parameters",
    responses=problem_responses(401, 404, 422),
)
def get_standard(
    request: Request,
    standard_id: Annotated[str, Path(pattern=ID_PATTERN, description="e.g. sjz-proposed")],
    principal: Annotated[Principal, Depends(auth.submitter)],
    as_of: Annotated[
        str | None, Query(pattern=DATE_PATTERN, description="also give each parameter's value in force on this day")
    ] = None,
) -> dict[str, Any]:
    day = None
    if as_of is not None:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise ApiProblem(422, Text(f"as_of 不是有效日期：{as_of}", f"as_of is not a date: {as_of}")) from None
    std = _load(request, standard_id)
    return {
        **summary(std),
        "files": std.files(),
        "clauses": [clause_json(c, day) for c in std.clauses],
    }
