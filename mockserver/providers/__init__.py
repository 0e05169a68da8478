"""The providers, found by folder: each subpackage exposes `PROVIDER`. Adding a provider is adding a
folder; nothing here changes."""

import importlib
import pkgutil

from mockserver.api import Provider


def discover() -> list[Provider]:
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.ispkg and not module.name.startswith("_"):
            found.append(importlib.import_module(f"{__name__}.{module.name}").PROVIDER)
    return found
