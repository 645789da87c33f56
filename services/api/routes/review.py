"""`/v1/review`: the queue of fields waiting for a person, decisions on them, the corrections
export; `/v1/records/{id}/history`; and the review page, `/review` (HTML, see docs/review.md)."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from string import Template
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from services.api.auth import Reader, Writer
from services.api.keys import Principal
from services.api.problems import problem_for, problem_response
from services.config import get_settings
from services.errors import InvalidRequestError, PreconditionRequiredError, StaleDecisionError
from services.review import service
from services.review.paths import TABLES, ListName, TableName
from services.review.reasons import KINDS, ReasonKind
from services.review.service import MAX_PAGE_SIZE, Decision, Reviewer
from services.review.views import DecisionOutcome, QueueItem, QueuePage, RecordHistory
from services.storage.repositories.review import DecisionFilter, QueueFilter

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
STATIC_PATH = "/review/static"

router = APIRouter(tags=["review"])

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')
_CONFLICT_DOC: dict[int | str, dict[str, Any]] = {
    409: {"description": "Stale decision: problem+json with `current` (the record's state)."}
}


class DecisionIn(BaseModel):
    """`POST /v1/review/{item_id}`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    action: Literal["accept", "correct", "reject", "add"]
    lock_version: int | None = Field(
        None, ge=1, description="The record's lock_version you read (or send If-Match)."
    )
    value: Any = Field(
        None,
        description="correct: the new value (number, text, ISO date; null: a blank cell).",
    )
    list_name: ListName | None = Field(
        None, alias="list", description="add: problems | measures | plans (default: the item's)."
    )
    text: str | None = Field(
        None, max_length=10_000, description="add: the item's text, as the document prints it."
    )
    comment: str | None = Field(None, max_length=2_000, description="Kept with the decision.")


class AddIn(BaseModel):
    """`POST /v1/review/records/{record_id}/items`: a list item the extraction missed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    list_name: ListName = Field(alias="list")
    text: str = Field(max_length=10_000, description="The item's text, as the document has it.")
    lock_version: int | None = Field(None, ge=1)
    comment: str | None = Field(None, max_length=2_000)


# --- the queue ---------------------------------------------------------------------------------


@router.get("/v1/review", response_model=QueuePage, summary="Pending review items, oldest first")
def review_queue(
    request: Request,
    _: Reader,
    agency: Annotated[str | None, Query(description="Exact agency name.")] = None,
    report_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    table: Annotated[TableName | None, Query(description="First segment of the path.")] = None,
    reason: Annotated[ReasonKind | None, Query(description="Main reason kind.")] = None,
    record_id: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    filters = QueueFilter(agency, report_year, table, reason, record_id)
    page = service.queue(filters, after=cursor, limit=limit)
    if page.next_cursor:
        page.next = str(request.url.include_query_params(cursor=page.next_cursor))
    # serialised once, here: FastAPI would validate the page against the response model again
    return Response(page.model_dump_json(), media_type="application/json")


@router.get(
    "/v1/review/decisions",
    summary="Every decision (the corrections), as JSON Lines, streamed",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export_decisions(
    _: Reader,
    format: Annotated[Literal["jsonl"], Query(description="jsonl")] = "jsonl",
    record_id: Annotated[str | None, Query(max_length=40)] = None,
    reviewer: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[Literal["accept", "correct", "reject", "add"] | None, Query()] = None,
) -> StreamingResponse:
    chunks = service.export_decisions(DecisionFilter(record_id, reviewer, action))
    return StreamingResponse(
        chunks,
        media_type="application/x-ndjson; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="decisions.jsonl"'},
    )


@router.get(
    "/v1/review/records/{record_id}/document",
    response_class=PlainTextResponse,
    summary="The record's document text (what every span indexes)",
)
def document_text(record_id: str, _: Reader) -> PlainTextResponse:
    return PlainTextResponse(
        service.document_text(record_id), headers={"Cache-Control": "private, max-age=300"}
    )


@router.post(
    "/v1/review/records/{record_id}/items",
    response_model=DecisionOutcome,
    summary="Add a list item the extraction missed (its text must be in the document)",
    responses=_CONFLICT_DOC,
)
def add_item(
    record_id: str,
    body: AddIn,
    request: Request,
    principal: Writer,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> DecisionOutcome | JSONResponse:
    decision = Decision(
        action="add",
        lock_version=_lock_version(body.lock_version, if_match),
        list_name=body.list_name,
        text=body.text,
        comment=body.comment,
    )
    try:
        return service.add_item(record_id, decision, _reviewer(principal))
    except StaleDecisionError as err:
        return _conflict(err, request)


@router.get("/v1/review/{item_id}", response_model=QueueItem, summary="One review item")
def get_item(item_id: int, _: Reader) -> QueueItem:
    return service.get_item(item_id)


@router.post(
    "/v1/review/{item_id}",
    response_model=DecisionOutcome,
    summary="Decide: accept, correct (a typed value), reject (list items), add (a list item)",
    responses=_CONFLICT_DOC,
)
def decide(
    item_id: int,
    body: DecisionIn,
    request: Request,
    principal: Writer,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> DecisionOutcome | JSONResponse:
    _check_fields(body)
    decision = Decision(
        action=body.action,
        lock_version=_lock_version(body.lock_version, if_match),
        value=body.value,
        list_name=body.list_name,
        text=body.text,
        comment=body.comment,
    )
    try:
        return service.decide(item_id, decision, _reviewer(principal))
    except StaleDecisionError as err:
        return _conflict(err, request)


@router.get(
    "/v1/records/{record_id}/history",
    response_model=RecordHistory,
    summary="Every version of a record with the decisions that made it",
)
def record_history(record_id: str, _: Reader) -> RecordHistory:
    return service.history(record_id)


# --- the page ----------------------------------------------------------------------------------


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page() -> HTMLResponse:
    """The page itself holds no data (the queue comes from the API with the reviewer's key),
    so it is served without one."""
    page = _template().substitute(
        static=STATIC_PATH,
        css_version=_file_version("review.css"),
        js_version=_file_version("review.js"),
        auth="true" if get_settings().auth_enabled else "false",
        kinds=" ".join(KINDS),
        tables=" ".join(TABLES),
    )
    return HTMLResponse(page, headers={"Cache-Control": "no-cache"})


@cache
def _template() -> Template:
    return Template((WEB_DIR / "review.html").read_text(encoding="utf-8"))


@cache
def _file_version(name: str) -> str:
    """A digest of a static file, so a changed file is fetched anew (the URL changes)."""
    return hashlib.sha256((WEB_DIR / name).read_bytes()).hexdigest()[:12]


# --- helpers -----------------------------------------------------------------------------------


def _reviewer(principal: Principal) -> Reviewer:
    return Reviewer(name=principal.name, key_id=principal.key_id)


# which optional fields each action takes (`list_name` is the body's `list`)
_ACTION_FIELDS = {
    "accept": frozenset(),
    "reject": frozenset(),
    "correct": frozenset({"value"}),
    "add": frozenset({"list_name", "text"}),
}


def _check_fields(body: DecisionIn) -> None:
    """A field the action does not use is a mistake worth saying (e.g. a value sent with
    accept would otherwise be dropped in silence)."""
    sent = body.model_fields_set & {"value", "list_name", "text"}
    stray = sorted(sent - _ACTION_FIELDS[body.action])
    if stray:
        name = "list" if stray[0] == "list_name" else stray[0]
        raise InvalidRequestError(f"{body.action} takes no `{name}`", where=name)
    if body.action == "correct" and "value" not in sent:
        raise InvalidRequestError("correct needs `value` (null for a blank cell)", where="value")


def _lock_version(body: int | None, if_match: str | None) -> int:
    header: int | None = None
    if if_match is not None:
        match = _IF_MATCH.match(if_match)
        if match is None:
            raise InvalidRequestError(
                f'If-Match must be the record\'s lock_version, e.g. "7"; got {if_match!r}',
                where="If-Match",
            )
        header = int(match.group(1))
    if body is not None and header is not None and body != header:
        raise InvalidRequestError(
            f"lock_version {body} and If-Match {header} disagree; send one", where="lock_version"
        )
    lock = body if body is not None else header
    if lock is None:
        raise PreconditionRequiredError(
            "a decision must say which state it was made on: send the record's lock_version "
            "(body `lock_version`, or If-Match), as the queue item gave it",
            where="lock_version",
        )
    return lock


def _conflict(err: StaleDecisionError, request: Request) -> JSONResponse:
    body = {**problem_for(err), "current": err.current}
    return problem_response(body, instance=request.url.path)
