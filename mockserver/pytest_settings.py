"""The plugin's settings: what the session's server takes, from the pytest ini file (`mockserver_<name>`)
or the command line (`--mockserver-<name>`, which wins), checked by the same converters as the
`mockserver` command so a bad value is refused in the same words; or `mockserver_url` (also
`MOCKSERVER_URL`): a server someone else runs (a CI service container), which then takes none of them."""

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mockserver import cli, provider_settings
from mockserver.providers import discover
from mockserver.proxy import parse_upstreams
from mockserver.settings import Settings


@dataclass(frozen=True)
class Option:
    name: str  # ini `mockserver_<name>`, flag `--mockserver-<name with dashes>`
    help: str
    convert: Callable[[str], Any] = str
    many: bool = False  # a linelist in the ini, a repeatable flag

    @property
    def ini(self) -> str:
        return f"mockserver_{self.name}"

    @property
    def flag(self) -> str:
        return f"--mockserver-{self.name.replace('_', '-')}"


def _boolean(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false")


# Only what a test suite may need of the server; each mirrors the `mockserver` option of the same name.
SERVER_OPTIONS = (
    Option("seed", "make ids and random choices reproducible (with it, each test's token comes from its "
                   "node id, so a rerun sees the same ids)", cli._number(int)),
    Option("delivery_rate", "recipients delivered per second (default 100)", cli.RATE),
    Option("tokens", "accept only these bearer tokens; each test then gets the first one, reset before the "
                     "test (default: any token, a fresh one per test)", many=True),
    Option("strict", "answer a response that breaks its contract with 500 (default true)", _boolean),
    Option("fixtures", "folder of <provider>.json fixtures, relative to the rootdir ('none': start empty; "
                       "default: mockserver's own)"),
    Option("journal_size", "journal entries kept per tenant (default 10000)", cli.COUNT),
    Option("upstream", "proxy mode: PROVIDER=URL (docs/proxy.md)", many=True),
    Option("callback_hosts", "hosts outbound callbacks may go to besides loopback ones ('*': any)", many=True),
    Option("set", "a provider's own setting, PROVIDER.NAME=VALUE (as `mockserver --set`; each provider's "
                  "page in docs/ lists its settings)", many=True),
)
URL = Option("url", "use the mockserver already running at this URL (also MOCKSERVER_URL) instead of "
                    "starting one; the server options above then belong to that server")
OPTIONS = (*SERVER_OPTIONS, URL)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver")
    for option in OPTIONS:
        parser.addini(option.ini, option.help, type="linelist" if option.many else "string",
                      default=[] if option.many else "")
        group.addoption(option.flag, dest=option.ini, metavar=option.name.upper(), help=option.help,
                        action="append" if option.many else "store", default=None)


def raw(config: pytest.Config, option: Option) -> Any:
    """The flag's value, else the ini's; None (or []) when neither gives one."""
    given = config.getoption(option.ini)
    if given is not None:
        return [item for value in given for item in value.split(",") if item.strip()] if option.many else given
    value = config.getini(option.ini)
    if option.many:
        return [item for line in value for item in line.split(",") if item.strip()]
    return value if value != "" else None


def value(config: pytest.Config, option: Option) -> Any:
    text = raw(config, option)
    if text is None or option.many:
        return text
    try:
        return option.convert(str(text).strip())
    except argparse.ArgumentTypeError as error:
        raise pytest.UsageError(f"{option.ini} / {option.flag}: {error}") from None


def server_url(config: pytest.Config) -> str | None:
    url = value(config, URL) or os.environ.get("MOCKSERVER_URL") or None
    if url is None:
        return None
    given = [option.ini for option in SERVER_OPTIONS if raw(config, option) not in (None, [])]
    if given:
        raise pytest.UsageError(f"mockserver_url = {url}: the session uses a running server, so "
                                f"{', '.join(given)} would be ignored; set them on that server instead")
    return url.rstrip("/")


def settings(config: pytest.Config) -> Settings:
    """The session server's settings."""
    chosen: dict[str, Any] = {"strict": True}  # the plugin's own default: a contract break fails the test
    for option in SERVER_OPTIONS:
        given = value(config, option)
        if given is not None and option.name not in ("fixtures", "tokens", "upstream", "set", "callback_hosts"):
            chosen[option.name] = given
    tokens = value(config, _named("tokens"))
    if tokens:
        chosen["tokens"] = tuple(token.strip() for token in tokens)
    callback_hosts = value(config, _named("callback_hosts"))
    if callback_hosts:
        chosen["callback_hosts"] = tuple(host.strip().lower() for host in callback_hosts if host.strip())
    fixtures = value(config, _named("fixtures"))
    if fixtures:
        folder = None if fixtures.lower() == "none" else Path(config.rootpath, fixtures)
        if folder is not None and not folder.is_dir():
            # A typo must not silently give every test an empty mock.
            raise pytest.UsageError(f"mockserver_fixtures = {fixtures}: no such folder ({folder})")
        chosen["fixtures_dir"] = folder
    try:
        chosen["upstreams"] = parse_upstreams(value(config, _named("upstream")), [p.id for p in discover()])
    except ValueError as error:
        raise pytest.UsageError(f"mockserver_upstream: {error}") from None
    try:
        chosen["provider_values"] = provider_settings.parse(value(config, _named("set")),
                                                            {p.id: p.settings for p in discover()})
    except provider_settings.SettingError as error:
        raise pytest.UsageError(f"mockserver_set / --mockserver-set: {error}") from None
    return Settings(**chosen)


def _named(name: str) -> Option:
    return next(option for option in SERVER_OPTIONS if option.name == name)
