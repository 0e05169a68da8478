"""`mockserver`: serve every provider on one port. Each option can also come from a MOCKSERVER_*
environment variable; the command line wins."""

import argparse
import gc
import logging
import os
import signal
import sys
from pathlib import Path

import uvicorn

from mockserver.app import create_app
from mockserver.settings import Settings


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"MOCKSERVER_{name}", default)


def _flag(name: str) -> bool:
    return (_env(name) or "").lower() in ("1", "true", "yes", "on")


def parse(argv: list[str] | None = None) -> tuple[Settings, bool]:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="mockserver", description=__doc__)
    parser.add_argument("--host", default=_env("HOST", defaults.host), help="listen address (MOCKSERVER_HOST)")
    parser.add_argument("--port", type=int, default=int(_env("PORT", str(defaults.port))), help="(MOCKSERVER_PORT)")
    parser.add_argument("--token", action="append", dest="tokens",
                        help="accept only this bearer token; repeatable (MOCKSERVER_TOKENS, comma-separated). "
                             "Default: any non-empty token, each its own tenant")
    parser.add_argument("--fixtures", default=_env("FIXTURES"),
                        help="folder of <provider>.json fixtures, or 'none' to start empty (MOCKSERVER_FIXTURES)")
    parser.add_argument("--strict", action="store_true", default=_flag("STRICT"),
                        help="answer a contract violation with 500 contract_violation (MOCKSERVER_STRICT)")
    parser.add_argument("--seed", type=int, default=int(_env("SEED")) if _env("SEED") else None,
                        help="make ids and random choices reproducible (MOCKSERVER_SEED)")
    parser.add_argument("--delivery-rate", type=float, default=float(_env("DELIVERY_RATE", str(defaults.delivery_rate))),
                        help="recipients delivered per second (MOCKSERVER_DELIVERY_RATE)")
    parser.add_argument("--state-file", default=_env("STATE_FILE"),
                        help="keep every tenant in this SQLite file, durable across restarts (MOCKSERVER_STATE_FILE); "
                             "default: memory only")
    parser.add_argument("--max-tenants", type=int, default=int(_env("MAX_TENANTS", str(defaults.max_tenants))),
                        help="tenants held in memory; the least recently used is evicted past this (MOCKSERVER_MAX_TENANTS)")
    parser.add_argument("--journal-size", type=int, default=int(_env("JOURNAL_SIZE", str(defaults.journal_size))),
                        help="journal entries kept per tenant (MOCKSERVER_JOURNAL_SIZE)")
    parser.add_argument("--bsg-moderation-seconds", type=float,
                        default=float(_env("BSG_MODERATION_SECONDS", str(defaults.bsg_moderation_seconds))),
                        help="how long a new BSG campaign stays in moderation (MOCKSERVER_BSG_MODERATION_SECONDS)")
    parser.add_argument("--access-log", action="store_true", default=_flag("ACCESS_LOG"),
                        help="log every request line (MOCKSERVER_ACCESS_LOG); off by default: the journal "
                             "(GET /__mock/requests) records every call, and the log line costs ~6%% of a request")
    parser.add_argument("--workers", type=int, default=int(_env("WORKERS", "1")),
                        help="must be 1: state lives in this one process (MOCKSERVER_WORKERS)")
    parser.add_argument("--log-level", default=_env("LOG_LEVEL", defaults.log_level),
                        choices=["critical", "error", "warning", "info", "debug"], help="(MOCKSERVER_LOG_LEVEL)")
    args = parser.parse_args(argv)
    if args.workers != 1:
        parser.error("--workers must be 1: every tenant's state lives in one process's memory, and a second "
                     "worker would see different campaigns. Run several mockservers on several ports instead.")
    tokens = args.tokens or [t for t in (_env("TOKENS") or "").split(",") if t.strip()]
    fixtures: Path | None = defaults.fixtures_dir
    if args.fixtures:
        fixtures = None if args.fixtures.lower() == "none" else Path(args.fixtures)
        if fixtures is not None and not fixtures.is_dir():
            parser.error(f"--fixtures {args.fixtures}: no such folder")
    settings = Settings(host=args.host, port=args.port, tokens=tuple(t.strip() for t in tokens),
                        fixtures_dir=fixtures, strict=args.strict, log_level=args.log_level, seed=args.seed,
                        delivery_rate=args.delivery_rate, max_tenants=args.max_tenants,
                        journal_size=args.journal_size, bsg_moderation_seconds=args.bsg_moderation_seconds,
                        state_file=Path(args.state_file) if args.state_file else None)
    return settings, args.access_log


def main(argv: list[str] | None = None) -> None:
    settings, access_log = parse(argv)
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    # Fewer, cheaper garbage-collector passes: a mock holds many long-lived entities, and the default
    # thresholds walk them all often enough to put 100 ms to 1 s pauses into the p99 (docs/performance.md).
    gc.set_threshold(700, 10, 1000)
    app = create_app(settings)
    base = f"http://{settings.host}:{settings.port}"
    print(f"mockserver on {base}", flush=True)
    for api in app.state.runtime.apis:
        print(f"  {api.id:<15} {base}{api.prefix}", flush=True)
    print(f"  {'openapi':<15} {base}/openapi.json", flush=True)
    # uvicorn turns SIGINT and SIGTERM into a graceful shutdown: in-flight requests finish first. Afterwards
    # it re-raises the signal to the handler it found; for SIGTERM let that be Ctrl-C's, which ends in exit 0.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                access_log=access_log, timeout_graceful_shutdown=5)
    sys.exit(0)
