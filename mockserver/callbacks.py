"""Outbound callbacks (webhooks), for every provider that documents them: a provider's backend says which
reports fell due in a stretch of its tenant's clock (`due_callbacks(since, until)` -> [(url, body)], in the
order the changes happened); this dispatcher POSTs them, one tenant's in order, from asyncio tasks (no
threads), retries failures on the tenant's clock, and logs every attempt (GET /__mock/callbacks).

When reports leave: on a frozen clock, as soon as a call (an advance, a create) makes them due; on a
real-time clock, within about a second of their moment (a background task looks every REAL_TIME_TICK).
ASSUMPTION (no provider documents one): a report that fails (non-2xx, or no answer within TIMEOUT) is
retried RETRY_AFTER[n] seconds of tenant clock after its n-th failed attempt, and given up after the last.

Callback faults (POST /__mock/callbacks/faults) make the mock's own reports misbehave as real ones do, so a
consumer's webhook can be tested against it: the next `times` reports whose body contains `match` are held
back `delay_seconds` of tenant clock (late, and so after reports that fell due later), sent `duplicates`
extra times, or sent `last`, after every other report that fell due with them (out of order)."""

import asyncio
import ipaddress
import logging
import weakref
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from mockserver.clock import after, iso
from mockserver.faults import contains, take_first  # matched and counted as the calls' faults are

log = logging.getLogger("mockserver")

RETRY_AFTER = (10.0, 60.0, 300.0, 1800.0)  # seconds of tenant clock after attempts 1, 2, 3, 4
TIMEOUT = 5.0
REAL_TIME_TICK = 0.25
LOG_SIZE = 1000  # attempts kept per tenant (a ring)


@dataclass
class Report:
    url: str
    body: Any
    attempt: int = 1
    due: datetime | None = None  # a retry's (or a held-back report's) moment on the tenant clock
    fault: str | None = None  # the callback fault that acted on it


@dataclass
class CallbackFault:
    id: str
    delay_seconds: float = 0.0
    duplicates: int = 0
    last: bool = False
    times: int | None = 1  # None: until cleared
    match: dict[str, Any] = field(default_factory=dict)  # a subset of the report's body

    def render(self) -> dict[str, Any]:
        return {"id": self.id, "delay_seconds": self.delay_seconds, "duplicates": self.duplicates,
                "last": self.last, "times": self.times, "match": self.match}


@dataclass
class Outbox:
    """One tenant's callbacks: up to when its changes were collected, what waits to go, what went."""

    since: datetime
    queue: deque[Report] = field(default_factory=deque)
    retries: list[Report] = field(default_factory=list)
    log: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=LOG_SIZE))
    worker: asyncio.Task | None = None
    attempts: int = 0
    faults: list[CallbackFault] = field(default_factory=list)
    fault_ids: int = 0

    def take_fault(self, body: Any) -> CallbackFault | None:
        return take_first(self.faults, lambda fault: (fault.times is None or fault.times > 0)
                          and contains(body, fault.match))

    def misbehave(self, fresh: list[Report], now: datetime) -> list[Report]:
        """The reports that just fell due, as the callback faults would have them go: late ones held back,
        duplicates added, `last` ones after the rest."""
        ordered, at_end = [], []
        for report in fresh:
            fault = self.take_fault(report.body) if self.faults else None
            if fault is None:
                ordered.append(report)
                continue
            report.fault = fault.id
            copies = [report] + [Report(report.url, report.body, fault=fault.id) for _ in range(fault.duplicates)]
            if fault.delay_seconds > 0:
                for copy in copies:
                    copy.due = after(now, fault.delay_seconds)
                self.retries.extend(copies)
            else:
                (at_end if fault.last else ordered).extend(copies)
        return ordered + at_end



def loopback(host: str) -> bool:
    """A name or address that stays on this machine, decided without a DNS lookup."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusal(url: str, allowed: tuple[str, ...]) -> str | None:
    """Why a report may not go to `url`, or None when it may: loopback destinations always, others only
    when the server names their host (--callback-host; "*": any)."""
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, TypeError, ValueError):
        return f"not a usable URL: {url!r}"
    if not host:
        return f"no host in {url!r}"
    if loopback(host) or "*" in allowed or host.lower() in allowed:
        return None
    return (f"host {host!r} is not allowed: callbacks go to loopback hosts only unless the server is "
            f"started with --callback-host {host} (or --callback-host '*')")


class Dispatcher:
    def __init__(self, allowed_hosts: tuple[str, ...] = ()) -> None:
        self._allowed_hosts = allowed_hosts
        self._outboxes: "weakref.WeakKeyDictionary[Any, Outbox]" = weakref.WeakKeyDictionary()
        self._looked_at: "weakref.WeakSet[Any]" = weakref.WeakSet()  # tenants collected at least once
        self._ticker: asyncio.Task | None = None
        self._client: httpx.AsyncClient | None = None

    def outbox(self, tenant: Any) -> Outbox:
        box = self._outboxes.get(tenant)
        if box is None:
            box = self._outboxes[tenant] = Outbox(since=tenant.clock.now())
        return box

    def forget(self, tenant: Any) -> None:
        """A reset tenant starts with no pending reports and an empty log."""
        box = self._outboxes.pop(tenant, None)
        if box is not None and box.worker is not None:
            box.worker.cancel()

    def add_fault(self, tenant: Any, **fields: Any) -> CallbackFault:
        box = self.outbox(tenant)
        box.fault_ids += 1
        fault = CallbackFault(id=f"callback_fault_{box.fault_ids}", **fields)
        box.faults.append(fault)
        return fault

    def faults(self, tenant: Any) -> list[CallbackFault]:
        box = self._outboxes.get(tenant)
        return list(box.faults) if box is not None else []

    def clear_faults(self, tenant: Any) -> int:
        box = self._outboxes.get(tenant)
        removed = len(box.faults) if box is not None else 0
        if box is not None:
            box.faults = []
        return removed

    def attempts(self, tenant: Any) -> list[dict[str, Any]]:
        box = self._outboxes.get(tenant)
        return list(box.log) if box is not None else []

    def kick(self, tenant: Any, source: Any = None, read: bool = False) -> None:
        """Collect what the tenant's clock made due since the last look, and send it (from a task). Never
        raises: a callback is the mock's own doing and must not fail the call that made it due. `source`:
        the backend a provider's call acted on (None: a control-plane call, which may move any); a call
        to a provider that sends no callbacks changes nothing due. A `read` changes nothing either: only a
        tenant's first call of all is looked at (what its fixtures make due on a running clock then goes
        out on the ticker, started by that look)."""
        if read:
            if tenant in self._looked_at:
                return
            source = None  # the tenant's first look: at every provider
        if source is not None:
            wants = getattr(source, "wants_callbacks", None)
            if wants is None or (tenant not in self._outboxes and not wants()):
                return  # nothing pending, and the provider called wants none
        try:
            self._collect(tenant)
        except Exception:  # a bug in a provider's callbacks: logged, the call answered all the same
            log.exception("callbacks: collecting failed")
        self._looked_at.add(tenant)

    def _collect(self, tenant: Any) -> None:
        # Only backends that may send callbacks are asked (no closure made per backend).
        backends = [b for b in tenant.backends.values()
                    if (wants := getattr(b, "wants_callbacks", None)) is not None and wants()]
        box = self._outboxes.get(tenant)
        if not backends and box is None:
            return
        box = self.outbox(tenant)
        now = tenant.clock.now()
        if now > box.since:
            fresh = [Report(url, body) for backend in backends for url, body in backend.due_callbacks(box.since, now)]
            box.queue.extend(box.misbehave(fresh, now))
            box.since = now
        due = [r for r in box.retries if r.due is not None and r.due <= now]
        if due:
            box.retries = [r for r in box.retries if all(r is not d for d in due)]
            box.queue.extend(sorted(due, key=lambda r: r.due))
        if box.queue:
            self._start(tenant, box)
        elif not tenant.clock.frozen:
            self._start(tenant, None)  # a running clock makes reports due by itself: the ticker looks

    def _start(self, tenant: Any, box: Outbox | None) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a synchronous test harness): the reports wait for the next kick
        if box is not None and (box.worker is None or box.worker.done()):
            box.worker = loop.create_task(self._drain(tenant, box))
        if self._ticker is None or self._ticker.done():
            self._ticker = loop.create_task(self._tick())

    async def _drain(self, tenant: Any, box: Outbox) -> None:
        while box.queue:
            report = box.queue.popleft()
            await self._post(tenant, box, report)

    async def _post(self, tenant: Any, box: Outbox, report: Report) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=TIMEOUT)
        box.attempts += 1
        entry: dict[str, Any] = {"id": box.attempts, "url": report.url, "body": report.body,
                                 "attempt": report.attempt, "at": iso(tenant.clock.now()),
                                 "status": None, "error": None, "fault": report.fault}
        refused = refusal(report.url, self._allowed_hosts)
        if refused is not None:  # never sent, so never retried: trying again would not change the answer
            entry["error"] = f"not sent: {refused}"
            box.log.append(entry)
            return
        try:
            answer = await self._client.post(report.url, json=report.body)
            entry["status"] = answer.status_code
            failed = not 200 <= answer.status_code < 300
        except (httpx.HTTPError, OSError) as error:
            entry["error"] = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
            failed = True
        box.log.append(entry)
        if failed and report.attempt <= len(RETRY_AFTER):
            box.retries.append(Report(report.url, report.body, report.attempt + 1,
                                      after(tenant.clock.now(), RETRY_AFTER[report.attempt - 1]), report.fault))

    async def _tick(self) -> None:
        """Real-time clocks move by themselves: look at every tenant with callbacks about every tick."""
        while self._outboxes:
            await asyncio.sleep(REAL_TIME_TICK)
            for tenant in list(self._outboxes.keys()):
                if not tenant.clock.frozen:
                    self.kick(tenant)
                elif self._outboxes[tenant].queue:
                    self._start(tenant, self._outboxes[tenant])
