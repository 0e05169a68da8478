"""Everything a user can tune, in one immutable value; the CLI and tests both build one of these."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockserver import resources

ONE_MIB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    # Empty means: any non-empty bearer token is accepted (and names its own tenant).
    tokens: tuple[str, ...] = ()
    # None means: tenants start empty.
    fixtures_dir: Path | None = field(default_factory=resources.fixtures_dir)
    contracts_dir: Path = field(default_factory=resources.contracts_dir)
    # Strict: a response that breaks its contract is replaced by a 500 contract_violation.
    strict: bool = False
    log_level: str = "info"
    # Seeds every tenant's random choices (ids, delivery outcomes) so runs repeat byte for byte.
    seed: int | None = None
    max_body_bytes: int = ONE_MIB
    # Recipients a second, for every provider that delivers at a rate.
    delivery_rate: float = 100.0
    # The providers' own settings given to the server (`--set provider.name=value`): (provider, name, value),
    # each the default of every tenant (mockserver.provider_settings; the core knows none by name).
    provider_values: tuple[tuple[str, str, Any], ...] = ()
    # Journal entries kept per tenant (a ring: the oldest go first).
    journal_size: int = 10_000
    # Tenants kept in memory at once; past this the least recently used one is evicted (forgotten, or with
    # a state file, reloaded from it when next used).
    max_tenants: int = 1_000
    # None: state lives in memory only. A path: every tenant is kept in this SQLite file across restarts.
    state_file: Path | None = None
    # Proxy mode (docs/proxy.md): provider id -> the real provider's base URL; those providers' calls are
    # forwarded there and their answers checked against the contract instead of being mocked.
    upstreams: tuple[tuple[str, str], ...] = ()
    # Seconds an upstream may take to connect, to answer, and for each read of its body.
    upstream_timeout: float = 5.0
    # Where entities seen in upstream 2xx answers are written as fixtures (<provider>.json); None: nowhere.
    record_dir: Path | None = None
    # --shards N: N processes behind HAProxy, one tenant per process (mockserver/shards.py, docs/scaling.md).
    shards: int = 1
    # Hosts outbound callbacks (webhooks) may be POSTed to, besides loopback ones (127.0.0.0/8, ::1,
    # localhost), which are always allowed; "*": any host. A fuzzer fills callback URLs with invented
    # hosts, and a mock must not spray its reports over the network on a fuzzer's word.
    callback_hosts: tuple[str, ...] = ()

    def accepts(self, token: str) -> bool:
        """With --token, exactly those tokens. Otherwise any non-empty token, except one that calls itself
        invalid: a client (or schemathesis's ignored_auth probe) can provoke the 401 path on purpose."""
        if self.tokens:
            return token in self.tokens
        return bool(token) and "invalid" not in token.lower()
