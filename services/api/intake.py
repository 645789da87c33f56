"""Turns a submission request body into `NewDocument`s, whatever form it came in.

POST /v1/jobs          application/json      {"text": ..., "filename": ..., "callback_url": ...}
                       multipart/form-data   file=@report.txt [callback_url=...]
                       text/plain, application/octet-stream: the document itself
POST /v1/jobs/batch    multipart/form-data   files=@a.txt files=@b.txt ... [callback_url=...]
                       application/x-ndjson  one JSON submission per line
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from services.api.schemas import JobSubmission
from services.errors import InvalidSubmissionError, OgiError, UnsupportedMediaTypeError
from services.jobs.service import NewDocument

JSON_TYPES = ("application/json",)
NDJSON_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
RAW_TYPES = ("text/plain", "application/octet-stream")
FORM_FIELD_LIMIT = 64 * 1024  # the non-file fields (filename, callback_url) are short


@dataclass(frozen=True, slots=True)
class Item:
    """One document of a batch: what to submit, or why it cannot be."""

    filename: str | None
    document: NewDocument | None
    error: OgiError | None = None


async def single(request: Request, *, force: bool, filename: str | None) -> NewDocument:
    kind = _media_type(request)
    if kind in JSON_TYPES:
        return _from_json(await request.body(), force=force, where="body")
    if kind == "multipart/form-data":
        # `async with` closes the spooled temporary files of the uploads
        async with request.form(max_files=1, max_fields=10, max_part_size=FORM_FIELD_LIMIT) as form:
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise InvalidSubmissionError("the form needs a `file` part", where="file")
            return NewDocument(
                content=await upload.read(),
                filename=_text(form.get("filename")) or upload.filename or filename,
                callback_url=_text(form.get("callback_url")),
                force=force or _truthy(form.get("force")),
            )
    if kind in RAW_TYPES:
        return NewDocument(content=await request.body(), filename=filename, force=force)
    raise _unsupported(kind, "application/json, multipart/form-data or text/plain")


async def batch(request: Request, *, force: bool, max_items: int) -> list[Item]:
    kind = _media_type(request)
    if kind == "multipart/form-data":
        async with request.form(
            max_files=max_items, max_fields=10, max_part_size=FORM_FIELD_LIMIT
        ) as form:
            callback = _text(form.get("callback_url"))
            force = force or _truthy(form.get("force"))
            items = []
            for upload in form.getlist("files"):
                if not isinstance(upload, UploadFile):
                    raise InvalidSubmissionError("every `files` part must be a file", where="files")
                new = NewDocument(await upload.read(), upload.filename, callback, force)
                items.append(Item(upload.filename, new))
        if not items:
            raise InvalidSubmissionError("the form has no `files` parts", where="files")
        return items
    if kind in NDJSON_TYPES:
        lines = [line for line in (await request.body()).splitlines() if line.strip()]
        if not lines:
            raise InvalidSubmissionError("the body has no JSON lines", where="body")
        if len(lines) > max_items:
            raise InvalidSubmissionError(
                f"{len(lines)} documents; a batch takes at most {max_items}", where="body"
            )
        return [_line_item(line, i, force) for i, line in enumerate(lines)]
    raise _unsupported(kind, "multipart/form-data or application/x-ndjson")


def _line_item(line: bytes, index: int, force: bool) -> Item:
    try:
        new = _from_json(line, force=force, where=f"line {index + 1}")
    except OgiError as err:
        return Item(None, None, err)
    return Item(new.filename, new)


def _from_json(raw: bytes, *, force: bool, where: str) -> NewDocument:
    try:
        submission = JobSubmission.model_validate_json(raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidSubmissionError(
            f"{where}: {field}: {first['msg']}", where=f"{where}.{field}"
        ) from err
    return NewDocument(
        content=submission.text.encode("utf-8"),
        filename=submission.filename,
        callback_url=submission.callback_url,
        force=force or submission.force,
    )


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _unsupported(kind: str, expected: str) -> UnsupportedMediaTypeError:
    return UnsupportedMediaTypeError(
        f"cannot read a {kind or 'body without Content-Type'}; send {expected}",
        where="Content-Type",
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _truthy(value: object) -> bool:
    return isinstance(value, str) and value.lower() in ("1", "true", "yes", "on")
