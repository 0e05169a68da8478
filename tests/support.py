"""Helpers shared by every test module: app construction and contract coverage."""

from starlette.testclient import TestClient

from mockserver import Settings, create_app


def make_app(**overrides):
    """An isolated app in strict contract mode: a response that breaks its contract becomes a 500."""
    return create_app(Settings(strict=True, **overrides))


def client_for(app, token: str | None) -> TestClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return TestClient(app, headers=headers)


def documented_outcomes(app, api_id: str, skip=frozenset({500})) -> set[tuple[str, int]]:
    contract = app.state.runtime.contracts[api_id]
    return {(op.operation_id, status) for op in contract.operations for status in op.responses if status not in skip}


def unproduced_outcomes(app, api_id: str, skip=frozenset({500})) -> set[tuple[str, int]]:
    """Documented (operationId, status) pairs this app never answered with."""
    answered = {(op, status) for (api, op, status) in app.state.runtime.answered if api == api_id}
    return documented_outcomes(app, api_id, skip) - answered
