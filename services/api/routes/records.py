"""`/v1/records`: fetch, list, export records."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from services.api.auth import Reader
from services.api.schemas import RecordPageOut, RecordSummaryOut, VersionOut
from services.records import service
from services.records.export import MEDIA_TYPES
from services.records.service import MAX_PAGE_SIZE
from services.storage.repositories.records import RecordFilter

router = APIRouter(prefix="/v1/records", tags=["records"])


def record_filter(
    agency: Annotated[str | None, Query(description="Exact agency name.")] = None,
    report_year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    doc_type: Annotated[Literal["annual_report", "work_plan", "other"] | None, Query()] = None,
    status: Annotated[Literal["complete", "needs_review"] | None, Query()] = None,
    format_version: Annotated[
        Literal["2021", "2019", "pre2019"] | None,
        Query(description="The report template (`format` is the export's file format)."),
    ] = None,
) -> RecordFilter:
    return RecordFilter(agency, report_year, doc_type, status, format_version)


Filters = Annotated[RecordFilter, Depends(record_filter)]


@router.get("", response_model=RecordPageOut, summary="Records, newest first, filtered")
def list_records(
    request: Request,
    _: Reader,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> RecordPageOut:
    page = service.list_records(filters, after=cursor, limit=limit)
    base = str(request.base_url).rstrip("/")
    items = [
        RecordSummaryOut(
            record_id=s.record_id,
            document_id=s.document_id,
            version=s.version,
            status=s.status,
            doc_type=s.doc_type,
            format_version=s.format_version,
            agency=s.agency,
            report_year=s.report_year,
            updated_at=s.updated_at,
            url=f"{base}/v1/records/{s.record_id}",
        )
        for s in page.items
    ]
    next_url = (
        str(request.url.include_query_params(cursor=page.next_cursor)) if page.next_cursor else None
    )
    return RecordPageOut(items=items, next_cursor=page.next_cursor, next=next_url)


@router.get(
    "/export",
    summary="Every matching record as one flat row (CSV or JSON Lines), streamed",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
)
def export_records(
    _: Reader,
    filters: Filters,
    format: Annotated[Literal["csv", "jsonl"], Query(description="csv or jsonl")] = "csv",
) -> StreamingResponse:
    chunks = service.export(filters, format)
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="records.{format}"'},
    )


@router.get(
    "/{record_id}",
    summary="One record (the current version, or ?version=N)",
    responses={200: {"content": {"application/json": {}}, "description": "The record."}},
)
def get_record(
    record_id: str,
    _: Reader,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    body = service.get_record(record_id, version)
    return Response(
        content=body.json,
        media_type="application/json",
        headers={
            "ETag": f'"{body.record_id}.v{body.version}"',
            "X-Record-Version": str(body.version),
            "X-Record-Current-Version": str(body.current_version),
            "X-Record-Lock-Version": str(body.lock_version),
        },
    )


@router.get("/{record_id}/versions", response_model=list[VersionOut], summary="Version history")
def list_versions(record_id: str, request: Request, _: Reader) -> list[VersionOut]:
    base = str(request.base_url).rstrip("/")
    return [
        VersionOut(
            version=v.version,
            author=v.author,
            job_id=v.job_id,
            created_at=v.created_at,
            url=f"{base}/v1/records/{record_id}?version={v.version}",
        )
        for v in service.list_versions(record_id)
    ]
