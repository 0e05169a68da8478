"""Proxy mode (docs/proxy.md): a provider's calls go to the real provider instead of the mock, and every
real answer is checked against that provider's contract (drift), and may be recorded as fixtures.
forward.py carries a call there and back, drift.py judges and reports the answers, recording.py keeps the
entities they reveal, redact.py keeps credentials out of all three."""

from urllib.parse import urlsplit


def parse_upstreams(entries: list[str], provider_ids: list[str]) -> tuple[tuple[str, str], ...]:
    """`provider=https://host[/base]` entries (command line, MOCKSERVER_UPSTREAM, the plugin's ini), each
    possibly a comma-separated list; ValueError says which entry is wrong and why."""
    found: dict[str, str] = {}
    for entry in (part.strip() for item in entries for part in item.split(",")):
        if not entry:
            continue
        provider, sep, url = entry.partition("=")
        provider, url = provider.strip(), url.strip().rstrip("/")
        if not sep or not provider or not url:
            raise ValueError(f"upstream {entry!r}: expected PROVIDER=URL, e.g. bsg=https://one-api.bsg.world")
        if provider not in provider_ids:
            raise ValueError(f"upstream {entry!r}: no provider {provider!r} (providers: {', '.join(provider_ids)})")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"upstream {entry!r}: the URL must be http(s)://host[:port][/base path]")
        if provider in found and found[provider] != url:
            raise ValueError(f"upstream {entry!r}: {provider} already goes to {found[provider]}")
        found[provider] = url
    return tuple(found.items())
