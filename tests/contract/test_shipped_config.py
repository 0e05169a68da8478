"""What a user who installed mockserver (no repository) needs to fuzz it: the schemathesis settings ship
inside the package and `mockserver --schemathesis-config` names them; and the combined document's links
give the stateful phase a way to every operation that acts on an existing entity."""

import subprocess
import sys
import tomllib
from pathlib import Path

import mockserver
from mockserver.openapi import combined_document
from tests.support import make_app

PACKAGE = Path(mockserver.__file__).resolve().parent


def test_the_cli_names_the_settings_shipped_in_the_package():
    done = subprocess.run([sys.executable, "-m", "mockserver", "--schemathesis-config"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.strip())
    assert path.is_file() and PACKAGE in path.resolve().parents  # a wheel of the package carries it
    settings = tomllib.loads(path.read_text())
    assert settings["operations"], settings


def _operations(document: dict) -> dict[str, tuple[str, str, dict]]:
    return {operation["operationId"]: (method, path, operation)
            for path, item in document["paths"].items()
            for method, operation in item.items() if isinstance(operation, dict) and "operationId" in operation}


def test_links_reach_every_operation_on_an_existing_entity():
    runtime = make_app().state.runtime
    document = combined_document(runtime.apis, runtime.contracts)
    operations = _operations(document)
    targets = set()
    for operation_id, (_, _, operation) in operations.items():
        for status, answer in operation["responses"].items():
            for name, link in answer.get("links", {}).items():
                assert link["operationId"] in operations, f"{operation_id} {status} {name}: no such operation"
                targets.add(link["operationId"])
    # An operation with a path parameter acts on something that must exist first: only a link hands the
    # stateful phase a real one. The control plane's PUT of an entity creates it in any state: it needs none.
    needing = {operation_id for operation_id, (method, path, _) in operations.items()
               if "{" in path and not (path.startswith("/__mock/") and method == "put")}
    assert needing - targets == set(), f"no link leads to {sorted(needing - targets)}"


def test_the_stateful_phase_can_start_or_arrive_at_every_link_source():
    """schemathesis starts its stateful runs only at operations it judges likely to succeed with generated
    data ("roots"), and it takes fields such as brand_id or operationId for ids of resources nothing
    produces: such an operation is no root. Unless a link leads to it, it is never called, and neither is
    anything its links lead to (loop-comms and loop-messaging creates, POST /__mock/faults, until links
    from GET /__mock/state and GET /__mock/faults were declared)."""
    import schemathesis
    from schemathesis.specs.openapi.stateful import classify_root_transitions, collect_transitions

    runtime = make_app().state.runtime
    document = combined_document(runtime.apis, runtime.contracts)
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    transitions = collect_transitions(operations)
    roots = classify_root_transitions(operations, transitions, schema.analysis.dependency_graph)
    reached, frontier = set(roots.reliable), list(roots.reliable)
    while frontier:
        for link in transitions.operations[frontier.pop()].outgoing:
            if link.target.label not in reached:
                reached.add(link.target.label)
                if link.target.label in transitions.operations:
                    frontier.append(link.target.label)
    sources = {label for label, found in transitions.operations.items() if found.outgoing}
    assert sources - reached == set(), f"never called in the stateful phase: {sorted(sources - reached)}"
