"""Where the contracts and fixtures live: inside the package in a wheel, at the repository's top level in
an editable install (the repository is the source of truth while developing)."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _first_existing(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"mockserver cannot find its {name}/ folder next to {_PACKAGE}")


def contracts_dir() -> Path:
    return _first_existing("contracts")


def fixtures_dir() -> Path:
    return _first_existing("fixtures")


def schemathesis_config() -> Path:
    """The schemathesis settings shipped with the package (`mockserver --schemathesis-config` prints it)."""
    return _PACKAGE / "schemathesis.toml"
