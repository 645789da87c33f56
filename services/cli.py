"""`ogi-extract`: the command line. Subcommands call the same pipeline as the API and workers.

ogi-extract extract FILE... | -     one JSON record per input, one per line (JSON Lines)
ogi-extract schema                  the record's JSON Schema
(serve, worker, migrate, apikey, calibration: see services/cli_service.py)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from schemas.record import record_json_schema
from services.errors import OgiError


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    result: int = handler(args)
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi-extract", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(title="commands")

    p = sub.add_parser("extract", help="extract records from files (or - for standard input)")
    p.add_argument("files", nargs="+", metavar="FILE", help="document files; - reads stdin")
    p.add_argument("--pretty", action="store_true", help="indent the JSON (one record per block)")
    p.set_defaults(handler=_cmd_extract)

    p = sub.add_parser("schema", help="print the record's JSON Schema")
    p.set_defaults(handler=_cmd_schema)

    _register_service_commands(sub)
    return parser


def _register_service_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    try:
        from services import cli_service
    except ImportError as err:  # the service extras are part of the package; say so if broken
        if err.name != "services.cli_service":
            raise
        return
    cli_service.register(sub)


def _cmd_extract(args: argparse.Namespace) -> int:
    from services.config import get_settings
    from services.llm import build_refiner
    from services.pipeline import extract

    # With LLM_BASE_URL set the free-text sections go through the LLM step, as in the service;
    # answers are cached in memory for this run only (the service caches them in its database).
    refiner = build_refiner(get_settings(), None)
    failed = 0
    try:
        for name in args.files:
            try:
                data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
                record = extract(data, refiner=refiner)
            except (OSError, OgiError) as err:
                failed += 1
                print(f"ogi-extract: {name}: {_describe(err)}", file=sys.stderr)
                continue
            print(record.model_dump_json(indent=2 if args.pretty else None), flush=True)
    finally:
        if refiner is not None:
            refiner.close()
    return 1 if failed else 0


def _describe(err: Exception) -> str:
    if isinstance(err, OSError):
        return err.strerror or str(err)
    return str(err)


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(record_json_schema(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
