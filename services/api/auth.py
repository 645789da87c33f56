"""FastAPI dependencies that require an API key (`Authorization: Bearer ogi_…`).

Every endpoint but /healthz and /readyz depends on one of them. Auth can be turned off only
explicitly (AUTH_ENABLED=false), for local work; the startup log says so.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.api.keys import ANONYMOUS, Principal, authenticate, require_scope
from services.config import get_settings
from services.errors import AuthError

_bearer = HTTPBearer(auto_error=False, description="An API key from `ogi-extract apikey create`")

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _principal(credentials: Credentials) -> Principal:
    if not get_settings().auth_enabled:
        return ANONYMOUS
    if credentials is None or not credentials.credentials:
        raise AuthError(
            "this endpoint needs an API key: send `Authorization: Bearer <key>`",
            where="Authorization",
        )
    return authenticate(credentials.credentials)


def reader(credentials: Credentials) -> Principal:
    principal = _principal(credentials)
    require_scope(principal, "read")
    return principal


def writer(credentials: Credentials) -> Principal:
    principal = _principal(credentials)
    require_scope(principal, "write")
    return principal


Reader = Annotated[Principal, Depends(reader)]
Writer = Annotated[Principal, Depends(writer)]
