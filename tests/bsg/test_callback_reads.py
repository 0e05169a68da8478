"""Reads make nothing due, so the edge asks the dispatcher to look after a read only once per tenant: a
tenant whose first calls are all reads (fixture campaigns in flight, a server-wide Callback URL, a client
that only polls) must still have its reports collected, at every provider, whichever API it reads first.
The report here goes to a host the dispatcher refuses, so it is logged unsent and nothing leaves."""

import asyncio
from types import SimpleNamespace

from mockserver.callbacks import Dispatcher
from mockserver.clock import Clock


class Reporting:
    """A backend with a report due whenever its clock has moved since the last look."""

    def __init__(self) -> None:
        self.asked = 0  # due_callbacks calls
        self.looks = 0  # wants_callbacks calls: one a look

    def wants_callbacks(self) -> bool:
        self.looks += 1
        return True

    def due_callbacks(self, since, until):
        self.asked += 1
        return [("http://example.invalid/rcs", {"id": 1})] if until >= since else []


class Silent:
    """A provider that sends no callbacks (no wants_callbacks)."""


class Tenant(SimpleNamespace):
    """What the dispatcher reads of a tenant (it keys tenants weakly and by identity, as the real ones)."""

    __hash__ = object.__hash__


def tenant_with(clock: Clock) -> Tenant:
    return Tenant(clock=clock, backends={"bsg": Reporting(), "loop-comms": Silent()})


def frozen_tenant() -> Tenant:
    clock = Clock()
    clock.freeze(True)
    return tenant_with(clock)


def test_a_tenants_first_read_of_another_provider_looks_at_every_provider():
    async def scenario():
        dispatcher, tenant = Dispatcher(), frozen_tenant()
        dispatcher.kick(tenant, tenant.backends["loop-comms"], read=True)  # first call: a read elsewhere
        tenant.clock.advance(1)
        dispatcher.kick(tenant, None, read=False)  # a write (the control plane's advance) collects
        await asyncio.sleep(0.05)  # the drain task posts (refused: logged, never sent)
        return dispatcher.attempts(tenant), tenant.backends["bsg"].asked

    attempts, asked = asyncio.run(scenario())
    assert asked >= 1 and [entry["error"][:8] for entry in attempts] == ["not sent"]


def test_reads_after_the_first_do_not_look_again():
    async def scenario():
        dispatcher, tenant = Dispatcher(), frozen_tenant()
        dispatcher.kick(tenant, tenant.backends["bsg"], read=True)
        first = tenant.backends["bsg"].looks
        tenant.clock.advance(1)
        for _ in range(5):
            dispatcher.kick(tenant, tenant.backends["bsg"], read=True)
        return first, tenant.backends["bsg"].looks

    first, later = asyncio.run(scenario())
    assert first == later == 1


def test_a_running_clock_is_looked_at_by_the_ticker_after_a_first_read():
    async def scenario():
        dispatcher = Dispatcher()
        tenant = tenant_with(Clock())  # real time: reports fall due with no call at all
        dispatcher.kick(tenant, tenant.backends["loop-comms"], read=True)
        first = tenant.backends["bsg"].asked
        await asyncio.sleep(0.6)  # a little over two ticks
        return first, tenant.backends["bsg"].asked

    first, later = asyncio.run(scenario())
    assert later > first >= 1
