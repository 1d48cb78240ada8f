"""``/v1/keys``: API keys (admin only); ``/v1/audit``: the audit log of state-changing requests."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from api import auth
from api.models import KeyCreate, KeyCreated, KeyInfo
from api.problems import ApiProblem, problem_responses
from api.store import Principal, Store
from engine.text import Text

router = APIRouter(tags=["keys"])

KEY_ID_PATTERN = r"^k[0-9a-f]{12}$"


@router.post(
    "/v1/keys",
    status_code=201,
    response_model=KeyCreated,
    summary="Create an API key (the key is in this answer only)",
    responses=problem_responses(401, 403, 413, 422),
)
def create_key(
    request: Request, body: KeyCreate, principal: Annotated[Principal, Depends(auth.admin)]
) -> dict[str, Any]:
    store: Store = request.app.state.store
    key_id, secret = store.create_key(body.role, body.name or f"created by {principal.key_id}", principal.key_id)
    request.state.audit_detail = {"created_key": key_id, "role": body.role}
    info = store.get_key(key_id)
    assert info is not None
    return {**info, "key": secret}


@router.get(
    "/v1/keys",
    response_model=list[KeyInfo],
    summary="Every API key (never the keys themselves)",
    responses=problem_responses(401, 403),
)
def list_keys(request: Request, principal: Annotated[Principal, Depends(auth.admin)]) -> list[dict[str, Any]]:
    store: Store = request.app.state.store
    return store.list_keys()


@router.delete(
    "/v1/keys/{key_id}",
    response_model=KeyInfo,
    summary="Revoke an API key",
    responses=problem_responses(401, 403, 404, 422),
)
def revoke_key(
    request: Request,
    key_id: Annotated[str, Path(pattern=KEY_ID_PATTERN)],
    principal: Annotated[Principal, Depends(auth.admin)],
) -> dict[str, Any]:
    store: Store = request.app.state.store
    if store.get_key(key_id) is None:
        raise ApiProblem(404, Text(f"没有密钥 {key_id}", f"no key {key_id}"))
    store.revoke_key(key_id)
    request.state.audit_detail = {"revoked_key": key_id}
    info = store.get_key(key_id)
    assert info is not None
    return info


@router.get(
    "/v1/audit",
    summary="The audit log: every state-changing request, newest first",
    responses=problem_responses(401, 403, 422),
)
def audit(
    request: Request,
    principal: Annotated[Principal, Depends(auth.admin)],
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    store: Store = request.app.state.store
    return {"items": store.audit_entries(limit, offset), "limit": limit, "offset": offset}
