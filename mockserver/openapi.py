"""The OpenAPI documents served to clients and to schemathesis, built from the contracts: one per API
(paths relative to its prefix) and one for everything (full paths, control plane included)."""

import copy
from typing import Any

import orjson

from mockserver.api import Api
from mockserver.contracts import Contract

COMPONENTS_REF = "#/components/"


def api_document(api: Api, contract: Contract) -> dict[str, Any]:
    document = copy.deepcopy(contract.document)
    document["servers"] = [{"url": api.prefix}]
    return document


def renamed(node: Any, prefix: str) -> Any:
    """Components of all APIs share one namespace in the combined document: prefix their names."""
    if isinstance(node, dict):
        return {key: (COMPONENTS_REF + _prefixed(value[len(COMPONENTS_REF):], prefix)
                      if isinstance(value, str) and value.startswith(COMPONENTS_REF) else renamed(value, prefix))
                for key, value in node.items()}
    if isinstance(node, list):
        return [renamed(item, prefix) for item in node]
    return node


def _prefixed(pointer: str, prefix: str) -> str:
    kind, _, name = pointer.partition("/")
    return pointer if kind == "securitySchemes" else f"{kind}/{prefix}{name}"


def combined_document(apis: list[Api], contracts: dict[str, Contract]) -> dict[str, Any]:
    combined: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "mockserver: every provider and the control plane", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {},
    }
    for api in apis:
        document = renamed(contracts[api.id].document, f"{api.id}_")
        security = document.get("security")
        for path, item in document.get("paths", {}).items():
            item = copy.deepcopy(item)
            if security is not None:
                for operation in item.values():
                    if isinstance(operation, dict) and "responses" in operation:
                        operation.setdefault("security", security)
            combined["paths"][api.prefix + path] = item
        for kind, entries in document.get("components", {}).items():
            for name, value in entries.items():
                # Security requirements name their scheme by key, not by $ref: every API shares "bearer".
                key = name if kind == "securitySchemes" else f"{api.id}_{name}"
                combined["components"].setdefault(kind, {})[key] = value
    return combined


def encode(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document)
