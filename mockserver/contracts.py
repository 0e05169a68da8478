"""Contracts: one OpenAPI 3.1 document per API under `contracts/<id>/openapi.json`, transcribed from the
seeds. Loaded and compiled once; they drive routing (an operation exists because its contract says so),
request validation and response validation."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mockserver.errors import Problem

HTTP_METHODS = ("get", "put", "post", "delete", "patch")

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)

FORMATS = FormatChecker(formats=())


# Date-times already found valid: every answer is checked, and answers repeat the same times (the
# call's now, fixture times), so most checks end here. Bounded; emptied when full.
_VALID_TIMES: set[str] = set()
_VALID_TIMES_MAX = 4_096


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if type(value) is not str:
        return not isinstance(value, str) or _is_date_time(str(value))
    if value in _VALID_TIMES:
        return True
    if not _RFC3339.fullmatch(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # rejects month 13, hour 25, ...
    if len(_VALID_TIMES) >= _VALID_TIMES_MAX:
        _VALID_TIMES.clear()
    _VALID_TIMES.add(value)
    return True


# What `len(v) == 36 and str(uuid.UUID(v)) == v.lower()` accepts (the canonical form, any case), without
# building a UUID: the response check asks it for every id of every answer.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return _UUID.fullmatch(value) is not None


def _lenient(check: Any) -> Any:
    def verdict(value: str) -> bool:
        try:
            return bool(check(value))
        except ValueError:
            return False

    return verdict


# The same format rules for the fast validator (it asks these Python functions, so both agree exactly).
FAST_FORMATS = {"date-time": _lenient(_is_date_time), "uuid": _lenient(_is_uuid)}


class Schema:
    """One compiled JSON Schema, able to say yes/no quickly and, on no, why. Yes/no — asked of every
    request and every response — is answered by jsonschema-rs, compiled once from a self-contained copy
    of the schema; why — asked only of what is refused — by the reference implementation, jsonschema,
    compiled the first time it is needed. tests/core/test_fast_validation.py shows the two agree on every
    schema of every contract."""

    def __init__(self, schema: dict[str, Any], registry: Registry, base: str, document: dict[str, Any]) -> None:
        self.source = schema
        self._registry, self._base = registry, base
        self._fast = jsonschema_rs.Draft202012Validator(bundled(schema, document), formats=FAST_FORMATS,
                                                        validate_formats=True)
        self._reference: Draft202012Validator | None = None
        # Most path parameters are just text: asked of every call, answered without crossing into Rust.
        self._only_text = schema == {"type": "string"}

    @property
    def reference(self) -> Draft202012Validator:
        if self._reference is None:
            self._reference = Draft202012Validator(_absolutize(self.source, self._base), registry=self._registry,
                                                   format_checker=FORMATS)
        return self._reference

    def is_valid(self, instance: Any) -> bool:
        if self._only_text:
            return type(instance) is str or (isinstance(instance, str) and self._fast.is_valid(instance))
        return self._fast.is_valid(instance)

    def problems(self, instance: Any, prefix: str = "") -> list[Problem]:
        found = []
        for error in sorted(_specific(self.reference.iter_errors(instance)), key=lambda e: list(e.path)):
            path = [prefix] if prefix else []
            path += [str(part) for part in error.path]
            if error.validator == "required":
                missing = set(error.validator_value) - set(error.instance)
                for name in sorted(missing):
                    found.append(Problem(".".join(path + [name]), "is required", required=True))
                continue
            found.append(Problem(".".join(path), error.message[:300]))
        return found


def _specific(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    """Errors as a person would want them: for a oneOf/anyOf miss, the errors of the branch that came
    closest (fewest errors), not "is not valid under any of the given schemas"; or, where the schema
    says why in its own words (`x-refusal`), those words."""
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and isinstance(error.schema, dict) and "x-refusal" in error.schema:
            error.message = error.schema["x-refusal"]
            yield error
        elif error.validator in ("oneOf", "anyOf") and error.context:
            branches: dict[Any, list[ValidationError]] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            yield from _specific(min(branches.values(), key=len))
        else:
            yield error


def bundled(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """A self-contained copy of `schema`: every local reference into the contract document is copied
    into `$defs` (once, so recursive schemas stay finite) and pointed at there."""
    defs: dict[str, Any] = {}

    def target(pointer: str) -> Any:
        node: Any = document
        for part in pointer.lstrip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
                name = value[2:].replace("/", ".")
                if name not in defs:
                    defs[name] = True  # claimed first, so a schema that refers to itself ends here
                    defs[name] = rewrite(target(value[1:]))
                out[key] = f"#/$defs/{name}"
            else:
                out[key] = rewrite(value)
        return out

    root = rewrite(schema)
    return {**root, "$defs": defs} if defs else root


def _absolute(ref: str, base: str) -> str:
    return f"{base}{ref}" if ref.startswith("#") else ref


def _absolutize(node: Any, base: str) -> Any:
    """Local references ("#/components/...") point into the contract document, wherever the schema is
    compiled from."""
    if isinstance(node, dict):
        return {key: _absolute(value, base) if key == "$ref" and isinstance(value, str) else _absolutize(value, base)
                for key, value in node.items()}
    if isinstance(node, list):
        return [_absolutize(item, base) for item in node]
    return node


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # "path" or "query"
    required: bool
    schema: Schema

    def coerce(self, raw: str) -> Any:
        """Query and path values arrive as text; a parameter typed as a number or boolean is converted
        where the text allows, and otherwise left as text for the schema to refuse."""
        kind = self.schema.source.get("type")
        if kind is None or kind == "string":
            return raw
        try:
            if kind == "integer" and _INTEGER.fullmatch(raw):
                return int(raw)
            if kind == "number":
                return float(raw)
        except ValueError:
            return raw
        if kind == "boolean" and raw in ("true", "false"):
            return raw == "true"
        return raw


_INTEGER = re.compile(r"-?\d{1,18}")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # the template, e.g. /v1/admin/campaigns/{id}/send
    pattern: re.Pattern[str]
    parameters: tuple[Parameter, ...]
    body: Schema | None
    body_required: bool
    responses: dict[int, Schema | None]
    descriptions: dict[int, str]  # the contract's words for each status ("Cancel failed", ...)
    secured: bool

    @cached_property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(param for param in self.parameters if param.location == "path")

    @cached_property
    def query_parameters(self) -> tuple[Parameter, ...]:
        return tuple(param for param in self.parameters if param.location == "query")


@dataclass(frozen=True)
class Match:
    operation: Operation
    path_params: dict[str, str]


class Contract:
    def __init__(self, api_id: str, document: dict[str, Any]) -> None:
        self.api_id = api_id
        self.document = document
        self.base = f"urn:mockserver:{api_id}"
        registry = Registry().with_resource(self.base, Resource(document, DRAFT202012))
        self._registry = registry
        secured_by_default = bool(document.get("security"))
        operations = []
        for path, item in document.get("paths", {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    operations.append(self._operation(path, method, item[method], secured_by_default,
                                                      item.get("parameters", [])))
        self.operations = tuple(operations)
        self.by_id = {op.operation_id: op for op in operations}
        self.error_schema = self.schema(document["x-error-schema"])
        # Templates without parameters win over ones with (/campaigns/export before /campaigns/{id}).
        self._routes = sorted(operations, key=lambda op: (op.path.count("{"), op.path))
        # Routing by index, not by a scan of every operation: a path without parameters is found by a
        # lookup; a parameter never spans a "/", so any other path can only match the templates with as
        # many segments (each list keeps the order above).
        self._by_segments: dict[int, list[Operation]] = {}
        self._literal: dict[str, list[Operation]] = {}
        for op in self._routes:
            if "{" in op.path:
                self._by_segments.setdefault(op.path.count("/"), []).append(op)
            else:
                self._literal.setdefault(op.path, []).append(op)

    def schema(self, schema: dict[str, Any] | str) -> Schema:
        if isinstance(schema, str):
            schema = {"$ref": schema}
        return Schema(schema, self._registry, self.base, self.document)

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self._registry.resolver(self.base).lookup(_absolute(node["$ref"], self.base)).contents
        return node

    def _operation(self, path: str, method: str, spec: dict[str, Any], secured_by_default: bool,
                   shared_parameters: list[dict[str, Any]]) -> Operation:
        parameters = []
        for raw in [*shared_parameters, *spec.get("parameters", [])]:
            param = self._resolve(raw)
            if param["in"] in ("path", "query"):
                parameters.append(Parameter(param["name"], param["in"], bool(param.get("required")),
                                            self.schema(param.get("schema", {}))))
        body, body_required = None, False
        if "requestBody" in spec:
            request_body = self._resolve(spec["requestBody"])
            body = self.schema(request_body["content"]["application/json"]["schema"])
            body_required = bool(request_body.get("required"))
        responses: dict[int, Schema | None] = {}
        descriptions: dict[int, str] = {}
        for status, raw in spec.get("responses", {}).items():
            response = self._resolve(raw)
            content = response.get("content", {}).get("application/json")
            responses[int(status)] = self.schema(content["schema"]) if content else None
            descriptions[int(status)] = response.get("description", "")
        # An empty segment still names the operation (a schema may allow an empty id); the handler decides.
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]*)", re.escape(path))
        return Operation(
            operation_id=spec["operationId"], method=method.upper(), path=path,
            pattern=re.compile(regex), parameters=tuple(parameters), body=body,
            body_required=body_required, responses=responses, descriptions=descriptions,
            secured=bool(spec["security"]) if "security" in spec else secured_by_default)

    def match(self, method: str, path: str) -> Match | list[str]:
        """The operation for this request, or the methods the path allows (empty: no such path)."""
        literal_ops = self._literal.get(path)
        if literal_ops is not None:  # a literal path (/campaigns/price) is never a template's (/campaigns/{id})
            for op in literal_ops:
                if op.method == method:
                    return Match(op, {})
            allowed = [op.method for op in literal_ops]
            return self.match("GET", path) if method == "HEAD" and "GET" in allowed else allowed
        allowed = []
        for op in self._by_segments.get(path.count("/"), ()):
            found = op.pattern.fullmatch(path)  # the whole path: "/campaigns/1\n" names no campaign
            if found is None:
                continue
            if op.method == method:
                return Match(op, found.groupdict())
            allowed.append(op.method)
        if method == "HEAD" and "GET" in allowed:
            return self.match("GET", path)
        return allowed


@cache
def _read(path: Path, mtime: float) -> bytes:
    return path.read_bytes()


def read_document(contracts_dir: Path, api_id: str) -> dict[str, Any]:
    path = contracts_dir / api_id / "openapi.json"
    return orjson.loads(_read(path, path.stat().st_mtime))


def load(contracts_dir: Path, api_id: str) -> Contract:
    return Contract(api_id, read_document(contracts_dir, api_id))


def check_handlers(contract: Contract, handlers: Iterable[str]) -> None:
    """Every operation of the contract has a handler and every handler an operation: the contract and
    the code cannot drift apart silently."""
    declared, implemented = set(contract.by_id), set(handlers)
    if declared != implemented:
        raise RuntimeError(f"{contract.api_id}: contract and handlers disagree: "
                           f"without handler {sorted(declared - implemented)}, "
                           f"without contract {sorted(implemented - declared)}")
