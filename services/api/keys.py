"""API keys: created by the CLI (`ogi-extract apikey create --name NAME`), stored hashed.

A key is `ogi_` + 43 random URL-safe characters, shown once at creation. The database keeps
only its SHA-256 (a key is random, long and never reused, so a slow password hash buys
nothing), which is also how a request's key is looked up.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from services.config import get_settings
from services.errors import AuthError, NotFoundError, PermissionDeniedError
from services.storage.models import ApiKey
from services.storage.repositories import apikeys as key_rows
from services.storage.session import read_session, write_session

SCOPES = ("read", "write")
_PREFIX = "ogi_"


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    name: str
    scopes: frozenset[str]


ANONYMOUS = Principal("anonymous", "auth disabled", frozenset(SCOPES))


@dataclass(frozen=True, slots=True)
class CreatedKey:
    key_id: str
    name: str
    scopes: tuple[str, ...]
    secret: str  # shown once; only its hash is stored


def create_key(name: str, scopes: tuple[str, ...] = SCOPES) -> CreatedKey:
    unknown = set(scopes) - set(SCOPES)
    if not name.strip():
        raise ValueError("an API key needs a non-empty --name")
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}; got {', '.join(scopes)}")
    secret = _PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        id="key_" + secrets.token_hex(6),
        name=name.strip(),
        key_hash=_hash(secret),
        scopes=",".join(scopes),
        created_at=datetime.now(UTC),
    )
    with write_session() as session:
        key_rows.add(session, key)
    return CreatedKey(key.id, key.name, scopes, secret)


# key hash -> (principal, monotonic expiry): saves a query per request; a revocation takes
# effect within `auth_cache_s`
_verified: dict[str, tuple[Principal, float]] = {}
_verified_lock = threading.Lock()


def authenticate(secret: str) -> Principal:
    """The principal a key belongs to; AuthError (401) for an unknown or revoked key."""
    key_hash = _hash(secret)
    now = time.monotonic()
    with _verified_lock:
        cached = _verified.get(key_hash)
    if cached is not None and cached[1] > now:
        return cached[0]
    with read_session() as session:
        key = key_rows.by_hash(session, key_hash)
        if key is None:
            raise AuthError("the API key is not valid", where="Authorization")
        if key.revoked_at is not None:
            raise AuthError(f"the API key {key.id} has been revoked", where="Authorization")
        principal = Principal(key.id, key.name, frozenset(key.scopes.split(",")))
    ttl = get_settings().auth_cache_s
    if ttl > 0:
        with _verified_lock:
            if len(_verified) > 10_000:  # bounded: forget everything rather than grow
                _verified.clear()
            _verified[key_hash] = (principal, now + ttl)
    return principal


def require_scope(principal: Principal, scope: str) -> None:
    if scope not in principal.scopes:
        raise PermissionDeniedError(
            f"the API key {principal.key_id} lacks the {scope!r} scope this endpoint needs",
            where="Authorization",
        )


def revoke_key(key_id: str) -> None:
    """Revoke a key (API processes that verified it recently accept it for `auth_cache_s`)."""
    with write_session() as session:
        if not key_rows.revoke(session, key_id, datetime.now(UTC)):
            raise NotFoundError(f"no active API key with id {key_id!r}")
    with _verified_lock:
        _verified.clear()  # this process at least forgets at once


def list_keys() -> list[tuple[str, str, str, datetime | None]]:
    """(id, name, scopes, revoked_at) of every key."""
    with read_session() as session:
        return [(k.id, k.name, k.scopes, k.revoked_at) for k in key_rows.all_keys(session)]


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
