"""The service's subcommands of `ogi-extract` (registered by `services.cli`).

ogi-extract serve [--host H] [--port P] [--no-worker]   API + worker (+ Redis) locally
ogi-extract worker [--concurrency N]                     a Celery worker
ogi-extract migrate                                      apply database migrations
ogi-extract apikey create --name NAME [--read-only]      prints the new key once
ogi-extract apikey list | revoke KEY_ID
ogi-extract jobs requeue-stale                           re-send jobs whose messages were lost
ogi-extract calibration [--bands 0,0.2,...] [--target T] confidence bands against review decisions
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from services.config import get_settings
from services.errors import OgiError

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def register(subparsers: Subparsers) -> None:
    p = subparsers.add_parser("serve", help="run the API, a worker and (if needed) Redis")
    p.add_argument("--host", default=None, help="default: API_HOST (127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="default: API_PORT (8000)")
    p.add_argument("--no-worker", action="store_true", help="the API alone")
    p.set_defaults(handler=_cmd_serve)

    p = subparsers.add_parser("worker", help="run a Celery worker (prefork)")
    p.add_argument("--concurrency", type=int, default=None, help="default: WORKER_CONCURRENCY")
    p.set_defaults(handler=_cmd_worker)

    p = subparsers.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(handler=_cmd_migrate)

    keys = subparsers.add_parser("apikey", help="manage API keys").add_subparsers(title="apikey")
    p = keys.add_parser("create", help="create a key and print it (shown only once)")
    p.add_argument("--name", required=True, help="who or what uses the key")
    p.add_argument("--read-only", action="store_true", help="GET endpoints only")
    p.set_defaults(handler=_cmd_apikey_create)
    p = keys.add_parser("list", help="list keys (never their secrets)")
    p.set_defaults(handler=_cmd_apikey_list)
    p = keys.add_parser("revoke", help="revoke a key by id")
    p.add_argument("key_id")
    p.set_defaults(handler=_cmd_apikey_revoke)

    jobs = subparsers.add_parser("jobs", help="job maintenance").add_subparsers(title="jobs")
    p = jobs.add_parser("requeue-stale", help="re-send queued/running jobs whose message is lost")
    p.set_defaults(handler=_cmd_requeue_stale)

    p = subparsers.add_parser(
        "calibration", help="how often reviewed fields were right, per confidence band"
    )
    p.add_argument(
        "--bands",
        default=None,
        help="band edges, comma-separated, increasing, in 0..1 (default 0,0.2,0.4,0.6,0.7,0.8,0.9,1)",
    )
    p.add_argument(
        "--target",
        type=float,
        default=0.95,
        help="accuracy a band must reach for the suggested threshold (default 0.95)",
    )
    p.set_defaults(handler=_cmd_calibration)


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry (`python -m services.cli_service ...`), the same commands."""
    parser = argparse.ArgumentParser(prog="ogi-extract")
    register(parser.add_subparsers(title="commands"))
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    result: int = args.handler(args)
    return result


def _cmd_serve(args: argparse.Namespace) -> int:
    from services.serve import serve

    _log_to_stderr()
    settings = get_settings()
    return _guard(
        lambda: serve(
            host=args.host or settings.api_host,
            port=args.port or settings.api_port,
            with_worker=not args.no_worker,
        )
    )


def _cmd_worker(args: argparse.Namespace) -> int:
    from services.serve import worker_command

    command = worker_command(get_settings(), concurrency=args.concurrency)
    os.execv(command[0], command)  # the worker replaces this process: signals reach Celery


def _cmd_migrate(args: argparse.Namespace) -> int:
    from services.storage.migrate import current_revision, upgrade

    _log_to_stderr()

    def run() -> int:
        upgrade()
        print(f"database at revision {current_revision()}")
        return 0

    return _guard(run)


def _cmd_apikey_create(args: argparse.Namespace) -> int:
    from services.api.keys import create_key

    scopes = ("read",) if args.read_only else ("read", "write")
    try:
        created = create_key(args.name, scopes)
    except ValueError as err:
        print(f"ogi-extract: {err}", file=sys.stderr)
        return 2
    print(created.secret)
    print(
        f"id {created.key_id}, name {created.name!r}, scopes {','.join(created.scopes)} "
        "(the key is shown only now)",
        file=sys.stderr,
    )
    return 0


def _cmd_apikey_list(args: argparse.Namespace) -> int:
    from services.api.keys import list_keys

    for key_id, name, scopes, revoked in list_keys():
        state = f"revoked {revoked:%Y-%m-%d}" if revoked else "active"
        print(f"{key_id}\t{scopes}\t{state}\t{name}")
    return 0


def _cmd_apikey_revoke(args: argparse.Namespace) -> int:
    from services.api.keys import revoke_key

    def run() -> int:
        revoke_key(args.key_id)
        print(f"revoked {args.key_id}")
        return 0

    return _guard(run)


def _cmd_requeue_stale(args: argparse.Namespace) -> int:
    from services.jobs.service import requeue_stale_jobs

    def run() -> int:
        requeued = requeue_stale_jobs()
        print(f"requeued {len(requeued)} job(s)")
        for job_id in requeued:
            print(job_id)
        return 0

    return _guard(run)


def _cmd_calibration(args: argparse.Namespace) -> int:
    from services.review import calibration
    from services.review.service import calibration_bands

    try:
        edges = calibration.validate_edges(
            [float(x) for x in args.bands.split(",")] if args.bands else calibration.DEFAULT_EDGES
        )
    except ValueError as err:
        print(f"ogi-extract: --bands: {err}", file=sys.stderr)
        return 2

    def run() -> int:
        bands = calibration_bands(edges)
        print(calibration.format_table(bands))
        threshold = calibration.suggest_threshold(bands, args.target)
        if threshold is None:
            print(f"\nno band reaches {args.target:.2f} accuracy up to the top: keep the threshold")
        else:
            print(
                f"\nfrom confidence {threshold:.2f} up, every reviewed band is at least "
                f"{args.target:.2f} accurate: a review threshold of {threshold:.2f} fits the data"
            )
        return 0

    return _guard(run)


def _guard(run: Callable[[], int]) -> int:
    try:
        return run()
    except OgiError as err:
        print(f"ogi-extract: {err}", file=sys.stderr)
        return 1


def _log_to_stderr() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


if __name__ == "__main__":
    sys.exit(main())
