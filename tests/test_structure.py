"""The house: jagtui's modules import each other in one direction only.

Every import counts, a function's own included: an import moved into a function
still ties the two modules, it only hides the loop until the function runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jagtui"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, dict[str, int]]:
    """Module -> {module of jagtui it imports: line of the first such import}."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                # `from jagtui import files` imports the module jagtui.files.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            else:
                continue
            for target in targets:
                # The module named, not the packages above it: Python runs their __init__
                # first, but a package's face handing on its modules' names is no loop.
                if target in modules and target != name:
                    found.setdefault(target, node.lineno)
        graph[name] = found
    return graph


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's components, iteratively (no recursion limit to meet)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def test_the_graph_reads_function_level_imports():
    graph = import_graph()
    assert "jagtui.store.db" in graph["jagtui.commands.common"]  # imported inside a function
    assert "jagtui.access" in graph["jagtui.commands.common"]    # `from jagtui import access`


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert sorted(map(sorted, strongly_connected(graph))) == [["a", "b", "c"], ["d"]]


def test_no_import_cycles_in_jagtui():
    graph = import_graph()
    cycles = [sorted(component) for component in strongly_connected(graph) if len(component) > 1]
    described = [
        "\n".join(f"  {module}:{graph[module][target]} imports {target}"
                  for module in component for target in graph[module] if target in component)
        for component in cycles
    ]
    assert not cycles, "Import cycles:\n" + "\n\n".join(described)


MAX_LINES = 600


def test_no_module_is_over_600_lines():
    # A module past this does more than one thing: split it by responsibility.
    # Migrations are records of the schema's history, not modules anyone grows.
    long = {str(path.relative_to(PACKAGE.parent)): lines
            for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"Modules over {MAX_LINES} lines: {long}"
