"""`/healthz` (the process answers) and `/readyz` (it can do its work), without auth."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from kombu.exceptions import KombuError
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from services.api.problems import MEDIA_TYPE, problem
from services.api.schemas import Health
from services.config import get_settings
from services.jobs import queue
from services.storage.session import read_session

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness: the API process answers")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="Readiness: database, Redis and at least one live worker",
    responses={503: {"description": "A dependency is down (problem+json with `checks`)."}},
)
async def readyz() -> JSONResponse:
    checks = {
        "database": await run_in_threadpool(_check_database),
        "redis": await run_in_threadpool(_check_redis),
    }
    checks["workers"] = (
        await run_in_threadpool(_check_workers) if checks["redis"] == "ok" else "no broker"
    )
    failing = sorted(name for name, state in checks.items() if state != "ok")
    if not failing:
        return JSONResponse(Health(status="ready", checks=checks).model_dump())
    body = problem(
        503,
        "Not ready",
        "; ".join(f"{name}: {checks[name]}" for name in failing),
        code="not_ready",
        where=",".join(failing),
        checks=checks,
    )
    return JSONResponse(body, status_code=503, media_type=MEDIA_TYPE)


def _check_database() -> str:
    try:
        with read_session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as err:
        return f"unavailable ({type(err).__name__})"
    return "ok"


def _check_redis() -> str:
    try:
        queue.queue_depth()
    except RedisError as err:
        return f"unavailable ({type(err).__name__})"
    return "ok"


def _check_workers() -> str:
    try:
        count = queue.live_workers(get_settings().ready_worker_timeout_s)
    except (KombuError, RedisError, OSError) as err:
        return f"unavailable ({type(err).__name__})"
    return "ok" if count else "no worker answered a ping"
