"""Routing by index (issue 17, point 1): Contract.match looks only at the templates with as many path
segments as the request; it must answer what a scan of every operation answers (the model below: the
documented rule: a template matches the whole path, literal templates before parameterised ones), for
every template of every contract, filled in several ways, with every method, and for paths one segment
short or long or with a trailing newline."""

from mockserver.contracts import Match
from tests.support import client_for, make_app

CONTRACTS = make_app().state.runtime.contracts
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
FILLS = ("1", "abc", "", "export", "price")


def scanned(contract, method, path):
    allowed, literal = [], False
    for op in sorted(contract.operations, key=lambda op: (op.path.count("{"), op.path)):
        found = op.pattern.fullmatch(path)
        if found is None or (literal and found.groupdict()):
            continue
        if op.method == method:
            return op.operation_id, found.groupdict()
        literal = literal or not found.groupdict()
        allowed.append(op.method)
    if method == "HEAD" and "GET" in allowed:
        return scanned(contract, "GET", path)
    return allowed


def _answer(contract, method, path):
    found = contract.match(method, path)
    return (found.operation.operation_id, found.path_params) if isinstance(found, Match) else found


def test_every_template_routes_as_a_scan_would():
    checked = 0
    for contract in CONTRACTS.values():
        for op in contract.operations:
            for fill in FILLS:
                path = op.path
                while "{" in path:
                    start = path.index("{")
                    path = path[:start] + fill + path[path.index("}", start) + 1:]
                for candidate in (path, path + "/x", path + "\n", path.rsplit("/", 1)[0] or "/"):
                    for method in METHODS:
                        assert _answer(contract, method, candidate) == scanned(contract, method, candidate), (
                            contract, method, candidate)
                        checked += 1
    assert checked > 1000


def test_a_trailing_newline_names_no_documented_path():
    """`$` in a regex also matches before a final newline: /campaigns%0A must not reach /campaigns."""
    client = client_for(make_app(), "newline")
    # Not the price: only /api/campaigns/{id} can hold "price\n", and it takes no POST (as Laravel's router).
    assert client.post("/bsg/api/campaigns/price%0A", json={}).status_code == 405
    assert client.post("/bsg/api/campaigns/price", json={}).status_code == 422
    assert client.get("/commcom/api/v1/sms/campaigns%0A").status_code == 404
    assert client.get("/__mock/health%0A").status_code == 404
    assert client.get("/commcom/api/v1/sms/campaigns").status_code == 200
