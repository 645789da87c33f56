"""Result callbacks: the finished job, POSTed to the caller's `callback_url`, HMAC-signed.

Headers sent with each delivery (the body is the job's JSON, exactly as signed):

    X-Ogi-Event:      job.finished
    X-Ogi-Delivery:   the job id (deliveries are at-least-once; dedupe on it)
    X-Ogi-Timestamp:  Unix seconds when this attempt was signed
    X-Ogi-Signature:  sha256=HEX(HMAC-SHA256(CALLBACK_SECRET, f"{timestamp}.".encode() + body))

Signing the timestamp with the body lets a receiver refuse replays of old deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from services.errors import InvalidCallbackUrlError

# Statuses worth trying again: the receiver is down, overloaded or slow. Anything else (a 404,
# a 400) will not change by itself, so the delivery gives up at once.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    delivered: bool
    retryable: bool
    detail: str


def validate_callback_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidCallbackUrlError(
            f"callback_url must be an absolute http(s) URL, got {url!r}", where="callback_url"
        )
    return url


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (tests use it too)."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


def deliver(
    url: str, job_id: str, body: bytes, *, secret: bytes, timeout_s: float
) -> DeliveryResult:
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Ogi-Event": "job.finished",
        "X-Ogi-Delivery": job_id,
        "X-Ogi-Timestamp": str(timestamp),
        "X-Ogi-Signature": sign(secret, timestamp, body),
    }
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout_s)
    except httpx.HTTPError as err:
        return DeliveryResult(False, True, f"{type(err).__name__}: {err}")
    if response.is_success:
        return DeliveryResult(True, False, f"HTTP {response.status_code}")
    retryable = response.status_code in RETRYABLE_STATUSES
    return DeliveryResult(False, retryable, f"HTTP {response.status_code}")
