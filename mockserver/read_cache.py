"""A tenant's answers to provider reads, kept while nothing can have changed them, so that asking again
(a client polling a list) costs a lookup instead of settling, rendering, checking and encoding every
entity once more. The answer kept is the one the edge produced and checked against the contract: a
replay is byte for byte what a fresh call would have sent.

An answer is kept only when it cannot depend on anything but the tenant's entities:
- a GET (or HEAD) of a provider's API, with no body, answered below 400 by its handler (no fault armed);
- whose handler never read the clock: an entity the clock may move reads it while settling, so an answer
  showing one is never kept (a list of drafts is; a list holding a scheduled campaign is not).
Every kept answer is forgotten at the next call that may change any tenant (any call but a provider's
GET: writes, the control plane, a reset), through the server-wide `Generation`; an evicted or reset
tenant takes its answers with it."""

from dataclasses import dataclass
from typing import Any

MAX_ANSWERS = 256  # per tenant; emptied when full (a poller asks the same few things)


class Generation:
    """Counts the calls that may have changed some tenant's entities, server-wide."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0

    def moved(self) -> None:
        self.value += 1


@dataclass(frozen=True, slots=True)
class KeptAnswer:
    generation: int
    operation: Any  # contracts.Operation
    status: int
    encoded: bytes
    headers: dict[str, str] | None
    media_type: bytes
    violations: tuple[str, ...]


class ReadCache:
    __slots__ = ("_answers",)

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str, str, bytes], KeptAnswer] = {}

    def get(self, generation: int, api_id: str, method: str, path: str, query: bytes) -> KeptAnswer | None:
        kept = self._answers.get((api_id, method, path, query))
        return kept if kept is not None and kept.generation == generation else None

    def keep(self, api_id: str, method: str, path: str, query: bytes, answer: KeptAnswer) -> None:
        if len(self._answers) >= MAX_ANSWERS:
            self._answers.clear()
        self._answers[(api_id, method, path, query)] = answer
