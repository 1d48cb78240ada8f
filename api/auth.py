"""API keys and roles.

A key is sent in the ``X-API-Key`` header. Only its sha256 is stored; the key itself
is shown once, when it is created (``hallmark keys create --role R`` or
``POST /v1/keys``). Roles are cumulative:

| role | may |
|---|---|
| ``submitter`` | submit checks; read its own checks and their history; read standards |
| ``reviewer`` | + read every check and every center's history |
| ``drafter`` | + impact analysis (``POST /v1/impact``) |
| ``admin`` | + manage keys (``/v1/keys``) and read the audit log |

No key, an unknown or a revoked key → 401; a role below the one needed → 403.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from api.problems import ApiProblem
from api.store import ROLES, Principal, Store
from engine.text import Text

API_KEY_HEADER = "X-API-Key"
api_key_header = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="API key (`hallmark keys create --role submitter|reviewer|drafter|admin`)",
)
_CHALLENGE = {"WWW-Authenticate": f'ApiKey header="{API_KEY_HEADER}"'}


def require(role: str) -> Callable[..., Principal]:
    """A dependency: the caller's ``Principal``, if its role is ``role`` or above."""
    if role not in ROLES:
        raise ValueError(role)

    def dependency(request: Request, key: str | None = Security(api_key_header)) -> Principal:
        if not key:
            raise ApiProblem(
                401,
                Text(f"缺少 {API_KEY_HEADER} 请求头", f"the {API_KEY_HEADER} header is missing"),
                headers=_CHALLENGE,
            )
        store: Store = request.app.state.store
        principal = store.authenticate(key) if len(key) <= 256 else None
        if principal is None:
            raise ApiProblem(401, Text("API 密钥无效或已吊销", "unknown or revoked API key"), headers=_CHALLENGE)
        request.state.principal = principal
        if not principal.at_least(role):
            raise ApiProblem(
                403,
                Text(
                    f"角色 {principal.role} 无权执行此操作（需要 {role} 及以上）",
                    f"role {principal.role} may not do this (needs {role} or above)",
                ),
                required_role=role,
            )
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


submitter = require("submitter")
reviewer = require("reviewer")
drafter = require("drafter")
admin = require("admin")
