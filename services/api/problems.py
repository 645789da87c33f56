"""Every error answer is `application/problem+json` (RFC 9457), built from the error tree.

    {"type": "urn:ogi-extract:problem:empty_document", "title": "Empty document",
     "status": 422, "detail": "the document contains only whitespace", "code": "empty_document",
     "where": "report.txt", "instance": "/v1/jobs"}

`code` is the stable machine-readable name; `where` says which input was wrong, when known.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.errors import AuthError, OgiError, error_code

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "content_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    code: str,
    where: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:ogi-extract:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if where is not None:
        body["where"] = where
    body.update(extra)
    return body


def problem_for(exc: OgiError) -> dict[str, Any]:
    return problem(exc.status, exc.title, exc.message, code=error_code(exc), where=exc.where)


def problem_response(
    body: dict[str, Any], *, instance: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    if instance is not None:
        body = {**body, "instance": instance}
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem document."""
    app.add_exception_handler(OgiError, _ogi_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


async def _ogi_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OgiError)
    headers = (
        {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthError) and exc.status == 401 else None
    )
    return problem_response(problem_for(exc), instance=request.url.path, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"where": ".".join(str(part) for part in error.get("loc", ())), "message": error.get("msg")}
        for error in exc.errors()
    ]
    first = errors[0] if errors else {"where": None, "message": "invalid request"}
    body = problem(
        422,
        "Invalid request",
        f"{first['where']}: {first['message']}" if first["where"] else str(first["message"]),
        code="invalid_request",
        where=first["where"],
        errors=errors,
    )
    return problem_response(body, instance=request.url.path)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    title = code.replace("_", " ").capitalize()
    body = problem(exc.status_code, title, str(exc.detail), code=code)
    return problem_response(body, instance=request.url.path, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body = problem(500, "Internal error", "the server failed; the error is logged", code="internal")
    return problem_response(body, instance=request.url.path)
