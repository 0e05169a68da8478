"""An optimistic bound, not product code: the least a loop-comms cancel can do and still keep what
mockserver promises of every call (the tenant found from its token and pinned, the state machine's move,
the answer checked against its contract, the journal entry, the outcome counted, kept answers made
stale, callbacks looked at). It answers the cancel scenario's calls with no per-call objects of the edge
(no Incoming, Call, Answer, coverage Recording) and leaves out what a cancel of a draft never needs but the
real edge must be ready for: undo, request validation, faults, refusals, proxying. Everything else goes to
the app as usual.

    python benchmarks/run.py --only cancel --no-scale --no-sharded --launcher benchmarks/least_cancel.py

docs/performance.md reports the figure: how far a redesigned edge alone could take the simplest write.
tests/benchmarks/test_least_cancel.py checks that it answers and journals as the app does."""

import sys
from typing import Any

import orjson

from mockserver.clock import iso

PROVIDER = "/loop-comms"  # journaled paths are the provider's own, below its prefix
PREFIX = f"{PROVIDER}/v1/admin/campaigns/"
SUFFIX = "/cancel"
OPERATION = ("loop-comms", "cancelCampaign", 200)


class LeastCancel:
    """The app, with cancels of a campaign the caller's token can reach answered the shortest way."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state  # what `mockserver` reads of its app after creating it

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "POST" or not (
                path.startswith(PREFIX) and path.endswith(SUFFIX)):
            await self.app(scope, receive, send)
            return
        runtime = self.state.runtime
        token = next((value[7:].decode() for name, value in scope["headers"] if name == b"authorization"), None)
        raw = (await receive())["body"]
        tenant = runtime.tenants.acquire(token)
        try:
            backend, clock = tenant.backends["loop-comms"], tenant.clock
            clock.pin()
            body = {"campaign": backend.cancel(path[len(PREFIX):-len(SUFFIX)]).render()}
            if not runtime.contracts["loop-comms"].by_id["cancelCampaign"].responses[200].is_valid(body):
                raise AssertionError("a cancel's answer broke its contract")
            encoded = orjson.dumps(body)
            runtime.answered[OPERATION] += 1
            runtime.coverage.server.outcomes[OPERATION] += 1
            runtime.coverage.of(token).outcomes[OPERATION] += 1
            tenant.journal.record(iso(clock.now()), "loop-comms", "cancelCampaign", "POST", path[len(PROVIDER):], {}, raw, 200,
                                  encoded, (), None)
            runtime.generation.moved()
            clock.unpin()
        finally:
            runtime.tenants.release(token)
        runtime.callbacks.kick(tenant, backend)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(encoded))]})
        await send({"type": "http.response.body", "body": encoded})


if __name__ == "__main__":  # run.py --launcher: `mockserver` with its app wrapped
    import mockserver.cli as cli

    made = cli.create_app
    cli.create_app = lambda settings: LeastCancel(made(settings))
    cli.main(sys.argv[1:])
