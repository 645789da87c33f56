"""Refuses request bodies over a size limit with 413, before reading them when the client
says how big they are, and otherwise as soon as the running count passes the limit."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.api.problems import problem_for, problem_response
from services.errors import DocumentTooLargeError

LimitFor = Callable[[str], int]  # request path -> largest body accepted, in bytes


class RequestTooLargeError(DocumentTooLargeError):
    """Raised while the body is read; the app's OgiError handler answers it with 413."""

    title = "Request too large"

    def __init__(self, path: str, limit: int) -> None:
        super().__init__(
            f"the request body is larger than {limit} bytes, the limit for {path}", where="body"
        )


class BodySizeLimit:
    def __init__(self, app: ASGIApp, limit_for: LimitFor) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLargeError(scope["path"], limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLargeError:
            if started:
                raise
            await _refuse(scope, receive, send, limit)


async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    body = problem_for(RequestTooLargeError(scope["path"], limit))
    await problem_response(body, instance=scope["path"])(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
