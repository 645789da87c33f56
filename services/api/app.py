"""The FastAPI application factory: `create_app()`; served by `ogi-extract serve` (uvicorn).

Routes (HTTP only) call the services in `services.jobs` and `services.records`, which call the
repositories in `services.storage`. Errors become problem+json in `problems.py`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from services.api import problems
from services.api.limits import BodySizeLimit, LimitFor
from services.api.metrics import RequestTimer, build_registry
from services.api.routes import health, jobs, metrics, records, review
from services.config import Settings, get_settings
from services.pipeline import PIPELINE_VERSION
from services.storage.session import dispose_all

log = logging.getLogger(__name__)

# multipart boundaries and JSON escapes (\uXXXX is 6 bytes for a 3-byte character) around a
# document; the document's own size is checked exactly after decoding
_ENVELOPE_FACTOR = 2
_ENVELOPE_SLACK = 64 * 1024
_SMALL_BODY = 64 * 1024


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="ogi-extract",
        version=PIPELINE_VERSION,
        summary="Chinese government open-information annual reports → validated records",
        lifespan=_lifespan,
    )
    problems.install(app)
    registry, request_histogram = build_registry()
    app.state.metrics_registry = registry
    for router in (jobs.router, records.router, review.router, health.router, metrics.router):
        app.include_router(router)
    app.mount(review.STATIC_PATH, StaticFiles(directory=review.WEB_DIR), name="review-static")
    app.add_middleware(BodySizeLimit, limit_for=_limits(settings))
    app.add_middleware(RequestTimer, histogram=request_histogram)
    return app


def _limits(settings: Settings) -> LimitFor:
    single = settings.max_document_bytes * _ENVELOPE_FACTOR + _ENVELOPE_SLACK
    batch = settings.max_batch_bytes

    def limit_for(path: str) -> int:
        if path == "/v1/jobs/batch":
            return batch
        if path == "/v1/jobs":
            return single
        return _SMALL_BODY

    return limit_for


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    if not get_settings().auth_enabled:
        log.warning("API keys are NOT checked (AUTH_ENABLED=false): for local work only")
    yield
    dispose_all()
