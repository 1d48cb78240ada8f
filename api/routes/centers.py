"""``/v1/centers/{id}/history``: how one center's verdicts changed over time and standards."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from api import auth
from api.models import ID_PATTERN, History
from api.problems import ApiProblem, problem_responses
from api.store import Principal, Store, iso
from engine.text import Text

router = APIRouter(prefix="/v1/centers", tags=["centers"])


def history_entries(rows: list[Any]) -> list[dict[str, Any]]:
    """Oldest first; each entry names the clauses whose status moved since the previous
    check of the same center under the same standard."""
    previous: dict[str, Any] = {}
    out = []
    for r in rows:
        before = previous.get(r.standard_id)
        changes = []
        if before is not None:
            old, new = before.clause_statuses or {}, r.clause_statuses or {}
            for clause in [*old, *(c for c in new if c not in old)]:
                if old.get(clause) != new.get(clause):
                    changes.append({"clause": clause, "from": old.get(clause), "to": new.get(clause)})
        out.append(
            {
                "check_id": r.submission_id,
                "received_at": iso(r.received_at),
                "submitter": r.submitter_key_id,
                "standard": {"id": r.standard_id, "version": r.standard_version, "sha256": r.standard_sha256},
                "as_of": r.as_of,
                "verdict": r.verdict,
                "summary": r.summary,
                "previous_check_id": before.submission_id if before is not None else None,
                "changes": changes,
            }
        )
        previous[r.standard_id] = r
    return out


@router.get(
    "/{center_id}/history",
    response_model=History,
    summary="Every verdict on one center, newest first, with the clauses that changed",
    responses=problem_responses(401, 403, 404, 422),
)
def center_history(
    request: Request,
    center_id: Annotated[str, Path(pattern=ID_PATTERN, description="the center's id, e.g. 130105-county")],
    principal: Annotated[Principal, Depends(auth.submitter)],
    standard: Annotated[str | None, Query(pattern=ID_PATTERN, description="only checks under this standard")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    store: Store = request.app.state.store
    owner = None if principal.at_least("reviewer") else principal.key_id
    rows = store.center_history(center_id, owner=owner, standard=standard)
    if not rows:
        raise ApiProblem(404, Text(f"没有中心 {center_id} 的检查记录", f"no check of center {center_id} on record"))
    entries = history_entries(rows)
    latest = rows[-1]
    newest_first = entries[::-1]
    return {
        "center": {"id": center_id, "name": latest.center_name, "tier": latest.tier, "checks": len(entries)},
        "entries": newest_first[offset : offset + limit],
        "total": len(entries),
        "limit": limit,
        "offset": offset,
    }
