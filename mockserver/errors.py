"""Answers other than success. Handlers raise `ApiError`; each API renders the edge's own refusals
(no token, unknown path, bad body, ...) through its `ErrorShape`, so every refusal is in the provider's
own words. Two families cover the four providers: the Loop platform's `{error, message}` and Laravel's
`{message, errors}` (comm.com and BSG)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol


class ApiError(Exception):
    """A complete answer: status and body, already in the API's shape."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers


@dataclass(frozen=True)
class Problem:
    """One reason a request was refused: the field (dotted path, "" for the whole body) and why."""

    field: str
    message: str
    required: bool = False  # the field is missing, as opposed to present and wrong


# The Loop platform's error catalogue, for injected faults.
FAULT_CODES = {400: "validation_error", 401: "invalid_token", 403: "forbidden", 404: "not_found", 409: "conflict",
               412: "bad_state", 422: "unprocessable_entity", 429: "rate_limited", 500: "internal_error"}


def allow_header(allowed: Iterable[str]) -> dict[str, str]:
    """RFC 9110: a 405 names the methods the resource does support."""
    return {"Allow": ", ".join(sorted(allowed))}


# (path parameter, the id as the client gave it) -> the API's words for "no such entity".
MissingText = Callable[[str, str], str]


def no_resource(name: str, value: str) -> str:
    return f"No resource {name} = {value!r}."


def always(text: str) -> MissingText:
    """A provider that says the same words whatever id it could not find."""
    return lambda name, value: text


class ErrorShape(Protocol):
    def unauthorized(self) -> ApiError: ...
    def not_found(self, message: str) -> ApiError: ...
    def missing(self, name: str, value: str) -> ApiError:
        """The API's own 404 for an id that names nothing: for an unknown id and, as a router would answer
        it, for a malformed one (the edge uses it for a path id its schema refuses)."""
        ...
    def method_not_allowed(self, method: str, allowed: Iterable[str]) -> ApiError: ...
    def invalid(self, problems: list[Problem]) -> ApiError: ...
    def too_large(self, limit: int) -> ApiError: ...
    def fault(self, status: int, description: str) -> ApiError: ...


@dataclass(frozen=True)
class CodeMessageErrors:
    """`{"error": code, "message": text}`, with `details` where the API documents it."""

    unauthorized_code: str = "invalid_token"
    with_details: bool = False
    validation_status: int = 400
    missing_text: MissingText = no_resource

    def error(self, status: int, code: str, message: str, details: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None) -> ApiError:
        body: dict[str, Any] = {"error": code, "message": message}
        if details is not None and self.with_details:
            body["details"] = details
        return ApiError(status, body, headers)

    def unauthorized(self) -> ApiError:
        return self.error(401, self.unauthorized_code, "A valid bearer token is required.")

    def not_found(self, message: str) -> ApiError:
        return self.error(404, "not_found", message)

    def missing(self, name: str, value: str) -> ApiError:
        return self.error(404, "not_found", self.missing_text(name, value), {name: value})

    def method_not_allowed(self, method: str, allowed: Iterable[str]) -> ApiError:
        allowed = sorted(allowed)
        return self.error(405, "method_not_allowed", f"{method} is not allowed here; use {', '.join(allowed)}.",
                          {"allowed": allowed}, allow_header(allowed))

    def invalid(self, problems: list[Problem]) -> ApiError:
        fields: dict[str, str] = {}
        for problem in problems:
            fields.setdefault(problem.field or "body", problem.message)
        summary = "; ".join(f"{name}: {why}" for name, why in fields.items())
        return self.error(self.validation_status, "validation_error", f"Invalid request: {summary}", fields)

    def too_large(self, limit: int) -> ApiError:
        return self.error(413, "payload_too_large", f"The request body is larger than {limit} bytes.")

    def fault(self, status: int, description: str) -> ApiError:
        """An injected failure, worded as the contract describes that status ("Cancel failed", ...)."""
        return self.error(status, FAULT_CODES.get(status, "server_error" if status >= 500 else "error"), description)


@dataclass(frozen=True)
class LaravelErrors:
    """Laravel's defaults: `{"message": ...}`, and `{"message", "errors": {field: [...]}}` on 422."""

    missing_text: MissingText = no_resource

    def unauthorized(self) -> ApiError:
        return ApiError(401, {"message": "Unauthenticated."})

    def not_found(self, message: str) -> ApiError:
        return ApiError(404, {"message": message})

    def missing(self, name: str, value: str) -> ApiError:
        return self.not_found(self.missing_text(name, value))

    def method_not_allowed(self, method: str, allowed: Iterable[str]) -> ApiError:
        return ApiError(405, {"message": f"The {method} method is not supported for this route. "
                                         f"Supported methods: {', '.join(sorted(allowed))}."}, allow_header(allowed))

    def invalid(self, problems: list[Problem]) -> ApiError:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            name = problem.field or "body"
            text = f"The {name} field is required." if problem.required else f"The {name} field is invalid: {problem.message}"
            errors.setdefault(name, []).append(text)
        return self.unprocessable(errors)

    def unprocessable(self, errors: dict[str, list[str]]) -> ApiError:
        messages = [text for texts in errors.values() for text in texts]
        message = messages[0] if messages else "The given data was invalid."
        if len(messages) > 1:
            message += f" (and {len(messages) - 1} more error{'s' if len(messages) > 2 else ''})"
        return ApiError(422, {"message": message, "errors": errors})

    def too_large(self, limit: int) -> ApiError:
        return ApiError(413, {"message": f"The request body is larger than {limit} bytes."})

    def fault(self, status: int, description: str) -> ApiError:
        return ApiError(status, {"message": description})
