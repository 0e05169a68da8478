"""Providers' own settings, generically: each provider declares its settings in its folder (`Provider.settings`:
name -> a JSON schema with its `type`, `default`, `description` and bounds), and the core knows none of them
by name. A setting's value for a tenant is, first found: the tenant's own (PUT /__mock/{provider}/settings;
reset clears it), the server's (`--set provider.name=value`, MOCKSERVER_SET, the plugin's `mockserver_set`),
the declared default."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator

# (provider id, setting name, value), as Settings.provider_values keeps them: immutable and hashable.
Assignment = tuple[str, str, Any]


class SettingError(ValueError):
    """Why a `--set` cannot be taken, in one line naming it."""


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type", "string")
    return [kind] if isinstance(kind, str) else list(kind)


def convert(schema: Mapping[str, Any], text: str) -> Any:
    """A command-line value as the declared type, checked against the declaration (bounds, pattern)."""
    text = text.strip()
    types = _types(schema)
    value: Any = None
    if text.lower() in ("null", "none") and "null" in types:
        value = None
    elif "integer" in types or "number" in types:
        try:
            value = int(text) if "integer" in types else float(text)
        except ValueError:
            raise SettingError(f"{text!r} is not {'an integer' if 'integer' in types else 'a number'}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise SettingError(f"{text!r} is not a finite number")
    elif "boolean" in types:
        if text.lower() not in ("true", "false"):
            raise SettingError(f"{text!r} is not true or false")
        value = text.lower() == "true"
    elif "string" in types:
        value = text
    else:
        value = json.loads(text) if text else None
    errors = sorted(Draft202012Validator(dict(schema)).iter_errors(value), key=lambda e: e.message)
    if errors:
        raise SettingError(errors[0].message)
    return value


def parse(texts: Iterable[str], declared: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> tuple[Assignment, ...]:
    """`provider.name=value` items against every provider's declarations (provider id -> its settings);
    a later item wins over an earlier one of the same setting."""
    chosen: dict[tuple[str, str], Any] = {}
    for text in texts:
        target, equals, raw = text.partition("=")
        provider, dot, name = target.strip().partition(".")
        if not equals or not dot or not provider or not name:
            raise SettingError(f"{text!r} is not PROVIDER.NAME=VALUE")
        if provider not in declared:
            having = ", ".join(pid for pid, settings in declared.items() if settings) or "none"
            raise SettingError(f"{text!r}: no provider {provider!r} (providers with settings: {having})")
        if name not in declared[provider]:
            raise SettingError(f"{text!r}: {provider} has no setting {name!r} "
                               f"(its settings: {', '.join(declared[provider]) or 'none'})")
        try:
            chosen[(provider, name)] = convert(declared[provider][name], raw)
        except SettingError as error:
            raise SettingError(f"{target.strip()}={raw.strip()}: {error}") from None
    return tuple((provider, name, value) for (provider, name), value in chosen.items())


def server_value(assigned: Iterable[Assignment], provider: str, name: str, schema: Mapping[str, Any]) -> Any:
    """The server's value of a setting: `--set`'s (the last given), else the declared default."""
    for pid, setting, value in reversed(tuple(assigned)):
        if (pid, setting) == (provider, name):
            return value
    return schema.get("default")


def value(assigned: Iterable[Assignment], provider: str, declared: Mapping[str, Mapping[str, Any]],
          mine: Mapping[str, Any], name: str) -> Any:
    """A tenant's value of a setting: its own, else the server's."""
    if mine.get(name) is not None:
        return mine[name]
    return server_value(assigned, provider, name, declared[name])


def values(assigned: Iterable[Assignment], provider: str, declared: Mapping[str, Mapping[str, Any]],
           mine: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value(assigned, provider, declared, mine, name) for name in declared}


def nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The schema a PUT takes for a setting: its declared one, or null (back to the server's value)."""
    types = _types(schema)
    return {**schema, "type": types if "null" in types else [*types, "null"]}
