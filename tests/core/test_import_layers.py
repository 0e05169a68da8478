"""The package's modules import each other one way: the HTTP layer (app, edge, the control plane's routes)
on top of the runtime and tenancy, those on the providers' state and the store, and the contracts and
small value types (api.py, errors.py) at the bottom. Read from the source with `ast`, so imports under
TYPE_CHECKING and inside functions count too: a lazy import is still a loop."""

import ast
from pathlib import Path

import mockserver

PACKAGE = Path(mockserver.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["mockserver", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules this one names in any import statement. Importing `a.b.c` runs `a` and
    `a.b` first, but only for their side effects; that is no dependency on what they hold, so an import
    counts against the module it names (`from a.b import c`: `a.b.c` if that is a module, else `a.b`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    named = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                named.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    found = set()
    for target in named:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _describe(graph: dict[str, set[str]], component: list[str]) -> str:
    return "\n".join(f"  {m} -> {', '.join(sorted(t for t in graph[m] if t in component))}" for m in component)


def test_the_graph_is_read_from_every_kind_of_import():
    graph = import_graph()
    assert "mockserver.errors" in graph["mockserver.api"]  # a plain module-level import
    assert "mockserver.coverage" in graph["mockserver.edge"]  # `from mockserver import coverage`
    assert "mockserver.providers" in graph["mockserver.app"]  # a package's __init__
    # what the finder itself sees in a made-up module: TYPE_CHECKING, a function's own import, relative
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mockserver.runtime import Runtime\n"
              "def f():\n    from mockserver.control import PREFIX\nfrom . import store\n")
    probe = PACKAGE / "_import_probe.py"
    modules = {**_modules(), "mockserver._import_probe": probe}
    try:
        probe.write_text(source)
        assert _imports("mockserver._import_probe", probe, modules) == {
            "mockserver.runtime", "mockserver.control", "mockserver.store"}
    finally:
        probe.unlink()
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_the_package_imports_itself_through_others():
    graph = import_graph()
    loops = cycles(graph)
    assert not loops, "import cycles:\n" + "\n\n".join(_describe(graph, c) for c in loops)


def _reached(graph: dict[str, set[str]], module: str) -> set[str]:
    """Every module `module` needs, directly or through others."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def _http(module: str) -> bool:
    """The HTTP layer: what serves requests, builds a Call, or handles one."""
    return (module in {"mockserver.app", "mockserver.edge", "mockserver.call", "mockserver.proxy.forward"}
            or module == "mockserver.control" or module.startswith("mockserver.control.")
            or (module.startswith("mockserver.providers.") and module.endswith(".routes")))


RUNTIME = {"mockserver.runtime", "mockserver.tenancy", "mockserver.tenant_state", "mockserver.fixture_check"}
BELOW_HTTP = RUNTIME | {"mockserver.coverage", "mockserver.statemachine", "mockserver.store",
                        "mockserver.contracts", "mockserver.callbacks", "mockserver.journal", "mockserver.faults"}
BOTTOM = {"mockserver.api", "mockserver.errors"}


def test_data_flows_down_from_the_http_layer():
    graph = import_graph()
    assert _http("mockserver.control.routes") and _http("mockserver.providers.bsg.routes")
    assert not _http("mockserver.providers.bsg.models") and not _http("mockserver.runtime")
    for module in BELOW_HTTP:
        up = sorted(m for m in _reached(graph, module) if _http(m))
        assert not up, f"{module} needs the HTTP layer: {up}"
    state = [m for m in graph if m.startswith("mockserver.providers.") and m.rsplit(".", 1)[-1] in {"models", "rules"}]
    assert len(state) >= 8  # each provider's state machine and rules
    for module in [*state, *BOTTOM]:
        up = sorted(m for m in _reached(graph, module) if _http(m) or m in RUNTIME)
        assert not up, f"{module} needs the runtime or the HTTP layer: {up}"
    for module in BOTTOM:
        providers = sorted(m for m in _reached(graph, module) if m.startswith("mockserver.providers"))
        assert not providers, f"{module} needs a provider: {providers}"
