"""The reviewer workbench's sign-in: a signed, HttpOnly session cookie that names an API key.

The key a reviewer pastes is checked once (``Store.authenticate``); the cookie then holds
the key's *id* (never the key), an expiry and a nonce, signed with HMAC-SHA256. Every
request looks the key up again, so a revoked key ends its sessions at once. Forms that
change something carry a CSRF token derived from the cookie (``csrf_token``).

The signing secret is ``HALLMARK_UI_SECRET`` when set (several server processes, or
sessions that survive a restart); otherwise a random one per process, so a restart
signs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass

from fastapi import Request, Response

from api.store import Principal, Store

COOKIE = "hallmark_ui"
LANG_COOKIE = "hallmark_lang"
LIFETIME = 12 * 3600  # seconds a sign-in lasts
PATH = "/ui"


def new_secret() -> bytes:
    configured = os.environ.get("HALLMARK_UI_SECRET", "").strip()
    if configured:
        return hashlib.sha256(configured.encode("utf-8")).digest()
    return secrets.token_bytes(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


@dataclass(frozen=True)
class Session:
    principal: Principal
    token: str  # the cookie's value (the CSRF token is derived from it)
    expires: int


def issue(secret: bytes, key_id: str, now: float | None = None) -> str:
    body = {"k": key_id, "exp": int((now or time.time()) + LIFETIME), "n": secrets.token_hex(8)}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_sign(secret, payload)}"


def read(secret: bytes, token: str | None, store: Store, now: float | None = None) -> Session | None:
    """The signed-in principal, or None (no cookie, bad signature, expired, key revoked or gone)."""
    if not token or len(token) > 1000 or token.count(".") != 1:
        return None
    payload, signature = token.split(".")
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        body = json.loads(_unb64(payload))
        key_id, expires = str(body["k"]), int(body["exp"])
    except (ValueError, KeyError, TypeError):
        return None
    if expires < (now or time.time()):
        return None
    info = store.get_key(key_id)
    if info is None or info.get("revoked_at"):
        return None
    return Session(Principal(str(info["id"]), str(info["name"]), str(info["role"])), token, expires)


def csrf_token(secret: bytes, token: str) -> str:
    return _sign(secret, "csrf:" + token)


def csrf_ok(secret: bytes, session: Session | None, given: str | None) -> bool:
    return bool(session and given and hmac.compare_digest(given, csrf_token(secret, session.token)))


def set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=LIFETIME,
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH)
