"""What a handler is given: one validated request, with the runtime and the tenant it acts on. Above the
runtime and tenancy (which know nothing of requests), below the HTTP layer that builds calls (edge.py) and
the handlers that take them (the providers' routes, the control plane)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockserver.api import Reply

if TYPE_CHECKING:
    from mockserver.runtime import Runtime
    from mockserver.tenancy import Tenant


@dataclass
class Call:
    """One validated request, as a handler sees it."""

    runtime: "Runtime"
    tenant: "Tenant | None"  # None only for operations the contract leaves unsecured
    backend: Any  # this provider's backend for the tenant; None for the control plane
    params: dict[str, Any]  # path parameters, validated
    query: dict[str, Any]  # query parameters, validated
    body: Any  # the parsed JSON body, validated; None when the operation takes none
    token: str | None


Handler = Callable[[Call], Reply]
