"""Credentials never leave the proxy's hands: not into the drift report, the log, or a recording. A
header or JSON field is a credential by its name; its value is replaced wherever the proxy keeps or shows
something, and any text the proxy writes is scrubbed of the values it has seen."""

import logging
import re
from typing import Any

REDACTED = "[redacted]"

# Name fragments (lower case, '-' read as '_') that mark a field or header as carrying a credential.
_SECRET_PARTS = ("password", "passwd", "secret", "token", "api_key", "apikey", "bearer", "authorization",
                 "cookie", "session", "credential", "private_key", "signature")
# Headers are redacted more eagerly: X-Api-Key, X-Auth-..., Proxy-Authorization and the like.
_SECRET_HEADER_PARTS = (*_SECRET_PARTS, "auth", "key")
# Words in an Authorization header that are not themselves the secret.
_SCHEMES = frozenset({"bearer", "basic", "digest", "token"})


def is_secret_field(name: str) -> bool:
    name = name.lower().replace("-", "_")
    return any(part in name for part in _SECRET_PARTS)


def is_secret_header(name: str) -> bool:
    name = name.lower().replace("-", "_")
    return any(part in name for part in _SECRET_HEADER_PARTS)


def redacted(value: Any) -> Any:
    """A copy of JSON data with every credential-named field's value replaced, at any depth."""
    if isinstance(value, dict):
        return {key: REDACTED if is_secret_field(str(key)) and item is not None else redacted(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def secrets_in(value: Any, found: set[str]) -> set[str]:
    """The string values of credential-named fields in JSON data, at any depth (collected into `found`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_field(str(key)) and isinstance(item, (str, int, float)) and not isinstance(item, bool):
                found.add(str(item))
            else:
                secrets_in(item, found)
    elif isinstance(value, list):
        for item in value:
            secrets_in(item, found)
    return found


def header_secrets(headers: list[tuple[bytes, bytes]]) -> set[str]:
    """Credential header values, whole and (for `Bearer xyz`, `Basic xyz`, `a=b; c=d`) piece by piece."""
    found: set[str] = set()
    for name, raw in headers:
        if not is_secret_header(name.decode("latin-1")):
            continue
        value = raw.decode("latin-1").strip()
        found.add(value)
        found.update(part for part in value.replace(";", " ").replace(",", " ").split()
                     if part.lower() not in _SCHEMES)
        found.update(part.split("=", 1)[1] for part in value.replace(";", " ").split() if "=" in part)
    return found


def scrubbed(text: str, secrets: set[str]) -> str:
    """`text` with every known secret (longest first, so no piece of one survives) replaced."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:  # shorter ones would blank out ordinary words; no credential is that short
            text = text.replace(secret, REDACTED)
    return text


_QUERY_PAIR = re.compile(r"([?&])([^=&\s\"'#]+)=([^&\s\"'#]*)")
_HEADER_PAIR = re.compile(r"\(b'([^']+)', b'([^']*)'\)")  # headers as httpcore's debug trace prints them


def scrubbed_log_text(text: str) -> str:
    """A log line with credential query parameters and header values redacted."""
    text = _QUERY_PAIR.sub(lambda m: f"{m[1]}{m[2]}={REDACTED}" if is_secret_field(m[2]) else m[0], text)
    return _HEADER_PAIR.sub(lambda m: f"(b'{m[1]}', b'{REDACTED}')" if is_secret_header(m[1]) else m[0], text)


class LogRedaction(logging.Filter):
    """For the HTTP client's own loggers: httpx logs each request's URL (query included) at INFO, httpcore
    each answer's headers (Set-Cookie included) at DEBUG. Redacting there is harmless to anyone else in
    the process who uses httpx, and keeps the proxy's credentials out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = scrubbed_log_text(record.getMessage()), ()
        return True


def redact_http_client_logs() -> None:
    """Install LogRedaction on every httpx/httpcore logger (a logger's filters do not reach its children,
    so each is given its own), once."""
    import httpx  # noqa: F401 (imported for its side effect: its loggers, and httpcore's, exist afterwards)

    names = ["httpx", "httpcore", *(name for name in logging.root.manager.loggerDict
                                    if name.startswith(("httpx.", "httpcore.")))]
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, LogRedaction) for f in logger.filters):
            logger.addFilter(LogRedaction())
