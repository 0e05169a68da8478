"""`mockserver`: serve every provider on one port. Each option can also come from a MOCKSERVER_*
environment variable; the command line wins."""

import argparse
from importlib import metadata
import logging
import math
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import uvicorn

from mockserver.app import create_app
from mockserver import collector, provider_settings
from mockserver.fixtures import FixtureError
from mockserver.listening import StartupError, listen
from mockserver.persistence import StateFileError
from mockserver.providers import discover
from mockserver.proxy import parse_upstreams
from mockserver.resources import schemathesis_config
from mockserver.settings import Settings


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"MOCKSERVER_{name}", default)


def _flag(name: str) -> bool:
    return (_env(name) or "").lower() in ("1", "true", "yes", "on")


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line naming the culprit, not argparse's usage block."""
        self.exit(2, f"mockserver: {message}\n")


def _number(kind: type, low: float | None = None, above: float | None = None,
            high: float | None = None) -> Callable[[str], Any]:
    """An option's converter: a finite `kind` within bounds, else a reason argparse reports."""
    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
        if above is not None and value <= above:
            raise argparse.ArgumentTypeError(f"{text} must be greater than {above:g}")
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"{text} must be at least {low:g}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"{text} must be at most {high:g}")
        return value
    convert.__name__ = kind.__name__
    return convert


class ShowPath(argparse.Action):
    """Print a file's path and exit, as --help does: before any other option is checked."""

    def __init__(self, option_strings: list[str], dest: str, path: Callable[[], Path], help: str) -> None:  # noqa: A002
        super().__init__(option_strings, dest, nargs=0, help=help)
        self.path = path

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> NoReturn:
        print(self.path(), flush=True)
        parser.exit(0)


LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def LOG_LEVEL(text: str) -> str:  # noqa: N802 (a converter, named like the others)
    if text.lower() not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(LOG_LEVELS)}")
    return text.lower()


def provider_settings_help() -> str:
    return "; ".join(f"{p.id}.{name} ({schema.get('description', '')}; default {schema.get('default')})"
                     for p in discover() for name, schema in p.settings.items()).replace("%", "%%")


PORT = _number(int, low=1, high=65535)
COUNT = _number(int, low=1)
RATE = _number(float, above=0)
SECONDS = _number(float, low=0)


def parse(argv: list[str] | None = None) -> tuple[Settings, bool]:
    defaults = Settings()
    parser = Parser(prog="mockserver", description=__doc__)
    parser.add_argument("--version", action="version", version=f"mockserver {metadata.version('mockserver')}")
    parser.add_argument("--schemathesis-config", action=ShowPath, path=schemathesis_config,
                        help="print the path of the schemathesis settings shipped with mockserver and exit: "
                             'schemathesis --config-file "$(mockserver --schemathesis-config)" run ...')

    def env(name: str, convert: Callable[[str], Any], default: Any) -> Any:
        """An option's default from its environment variable, refused in the variable's own name."""
        text = _env(name)
        if text is None:
            return default
        try:
            return convert(text)
        except argparse.ArgumentTypeError as error:
            parser.error(f"MOCKSERVER_{name}: {error}")

    parser.add_argument("--host", default=_env("HOST", defaults.host), help="listen address (MOCKSERVER_HOST)")
    parser.add_argument("--port", type=PORT, default=env("PORT", PORT, defaults.port), help="(MOCKSERVER_PORT)")
    parser.add_argument("--token", action="append", dest="tokens",
                        help="accept only this bearer token; repeatable (MOCKSERVER_TOKENS, comma-separated). "
                             "Default: any non-empty token, each its own tenant")
    parser.add_argument("--fixtures", default=_env("FIXTURES"),
                        help="folder of <provider>.json fixtures, or 'none' to start empty (MOCKSERVER_FIXTURES)")
    parser.add_argument("--strict", action="store_true", default=_flag("STRICT"),
                        help="answer a contract violation with 500 contract_violation (MOCKSERVER_STRICT)")
    parser.add_argument("--seed", type=_number(int), default=env("SEED", _number(int), None),
                        help="make ids and random choices reproducible (MOCKSERVER_SEED)")
    parser.add_argument("--delivery-rate", type=RATE, default=env("DELIVERY_RATE", RATE, defaults.delivery_rate),
                        help="recipients delivered per second (MOCKSERVER_DELIVERY_RATE)")
    parser.add_argument("--state-file", default=_env("STATE_FILE"),
                        help="keep every tenant in this SQLite file, durable across restarts (MOCKSERVER_STATE_FILE); "
                             "default: memory only")
    parser.add_argument("--max-tenants", type=COUNT, default=env("MAX_TENANTS", COUNT, defaults.max_tenants),
                        help="tenants held in memory; the least recently used is evicted past this (MOCKSERVER_MAX_TENANTS)")
    parser.add_argument("--journal-size", type=COUNT, default=env("JOURNAL_SIZE", COUNT, defaults.journal_size),
                        help="journal entries kept per tenant (MOCKSERVER_JOURNAL_SIZE)")
    parser.add_argument("--set", action="append", default=[], dest="provider_values", metavar="PROVIDER.NAME=VALUE",
                        help="a provider's own setting, every tenant's default (a tenant changes its own with PUT "
                             "/__mock/PROVIDER/settings); repeatable (MOCKSERVER_SET, comma-separated). "
                             f"Settings: {provider_settings_help()}")
    parser.add_argument("--access-log", action="store_true", default=_flag("ACCESS_LOG"),
                        help="log every request line (MOCKSERVER_ACCESS_LOG); off by default: the journal "
                             "(GET /__mock/requests) records every call, and the log line costs ~6%% of a request")
    parser.add_argument("--workers", type=_number(int), default=env("WORKERS", _number(int), 1),
                        help="must be 1: state lives in this one process; use --shards (MOCKSERVER_WORKERS)")
    parser.add_argument("--shards", type=COUNT, default=env("SHARDS", COUNT, defaults.shards),
                        help="run N mockserver processes behind HAProxy on --port, each tenant (token) always on "
                             "the same one: N cores for many tenants; needs haproxy (MOCKSERVER_SHARDS). "
                             "With --state-file PATH, shard i keeps PATH.shard<i>. See docs/scaling.md")
    parser.add_argument("--log-level", type=LOG_LEVEL, default=env("LOG_LEVEL", LOG_LEVEL, defaults.log_level),
                        help=f"one of {', '.join(LOG_LEVELS)} (MOCKSERVER_LOG_LEVEL)")
    parser.add_argument("--callback-host", action="append", dest="callback_hosts", metavar="HOST",
                        help="a host outbound callbacks may be POSTed to besides loopback ones, which are always "
                             "allowed; '*' for any; repeatable (MOCKSERVER_CALLBACK_HOSTS, comma-separated)")
    parser.add_argument("--upstream", action="append", default=[], metavar="PROVIDER=URL",
                        help="proxy mode: forward this provider's calls to its real API and report drift from the "
                             "contract at GET /__mock/drift; repeatable (MOCKSERVER_UPSTREAM, comma-separated). "
                             "See docs/proxy.md")
    parser.add_argument("--upstream-timeout", type=RATE,
                        default=env("UPSTREAM_TIMEOUT", RATE, defaults.upstream_timeout),
                        help="seconds an upstream may take to connect, to answer, and per read of its body; "
                             "past it the client gets a 504 (MOCKSERVER_UPSTREAM_TIMEOUT)")
    parser.add_argument("--record", default=_env("RECORD"), metavar="DIR",
                        help="proxy mode: write the entities upstream answers reveal into DIR/<provider>.json, "
                             "fixtures for --fixtures DIR (MOCKSERVER_RECORD)")
    args = parser.parse_args(argv)
    if args.workers != 1:
        parser.error("--workers must be 1: every tenant's state lives in one process's memory, and a second "
                     "worker would see different campaigns. Use --shards N instead: N processes behind HAProxy, each tenant "
                     "always on the same one (docs/scaling.md).")
    tokens = args.tokens or [t for t in (_env("TOKENS") or "").split(",") if t.strip()]
    fixtures: Path | None = defaults.fixtures_dir
    if args.fixtures:
        fixtures = None if args.fixtures.lower() == "none" else Path(args.fixtures)
        if fixtures is not None and not fixtures.is_dir():
            parser.error(f"--fixtures {args.fixtures}: no such folder")
    try:
        upstreams = parse_upstreams(args.upstream or [_env("UPSTREAM") or ""], [p.id for p in discover()])
    except ValueError as error:
        parser.error(str(error))
    declared = {p.id: p.settings for p in discover()}
    try:
        provider_values = provider_settings.parse(args.provider_values, declared)
    except provider_settings.SettingError as error:
        parser.error(f"--set {error}")
    try:
        provider_values = provider_settings.parse(
            [item for item in (_env("SET") or "").split(",") if item.strip()], declared) + provider_values
    except provider_settings.SettingError as error:
        parser.error(f"MOCKSERVER_SET: {error}")
    record = Path(args.record) if args.record else None
    if record is not None and record.exists() and not record.is_dir():
        parser.error(f"--record {args.record}: not a folder")
    settings = Settings(host=args.host, port=args.port, tokens=tuple(t.strip() for t in tokens),
                        fixtures_dir=fixtures, strict=args.strict, log_level=args.log_level, seed=args.seed,
                        delivery_rate=args.delivery_rate, max_tenants=args.max_tenants,
                        journal_size=args.journal_size, provider_values=provider_values,
                        state_file=Path(args.state_file) if args.state_file else None,
                        upstreams=upstreams, upstream_timeout=args.upstream_timeout, record_dir=record,
                        shards=args.shards, callback_hosts=tuple(
                            host.strip().lower() for host in args.callback_hosts
                            or (_env("CALLBACK_HOSTS") or "").split(",") if host.strip()))
    return settings, args.access_log


def main(argv: list[str] | None = None) -> None:
    settings, access_log = parse(argv)
    if settings.shards > 1:
        from mockserver.shards import serve_sharded  # HAProxy in front of N of these processes

        sys.exit(serve_sharded(settings, sys.argv[1:] if argv is None else argv, settings.shards))
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    collector.collect_less()
    try:
        app = create_app(settings)
        sock = listen(settings.host, settings.port)
    except (StartupError, FixtureError, StateFileError) as error:
        sys.exit(f"mockserver: {error}")
    collector.freeze_startup()  # no tenant exists yet
    base = f"http://{settings.host}:{settings.port}"
    print(f"mockserver on {base}", flush=True)
    for api in app.state.runtime.apis:
        upstream = dict(settings.upstreams).get(api.id)
        print(f"  {api.id:<15} {base}{api.prefix}" + (f"  -> proxied to {upstream}" if upstream else ""), flush=True)
    print(f"  {'openapi':<15} {base}/openapi.json", flush=True)
    # uvicorn turns SIGINT and SIGTERM into a graceful shutdown: in-flight requests finish first. Afterwards
    # it re-raises the signal to the handler it found; for SIGTERM let that be Ctrl-C's, which ends in exit 0.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                            access_log=access_log, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    sys.exit(0 if server.started else 1)
