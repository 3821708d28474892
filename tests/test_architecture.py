"""The package's shape (docs/architecture.md): no import cycle, few top-level modules, one
registry per plug-in kind whose names match the typed name sets derived from them."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import get_args

from hunkroute.config.schema import API_NAMES, Api
from hunkroute.gates import GATES
from hunkroute.model import GATE_NAMES, GateName
from hunkroute.models.providers import PROVIDERS
from hunkroute.report import NAMES as SINK_NAMES
from hunkroute.report import sinks

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "hunkroute"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in PACKAGE.rglob("*.py") if "rules" not in p.parts}
    return dict(sorted(found.items()))


def imported(node: ast.AST, here: str, known: Mapping[str, Path]) -> Iterator[str]:
    """Every hunkroute module an import statement names, wherever the statement stands."""
    if isinstance(node, ast.Import):
        yield from (a.name for a in node.names if a.name in known)
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: resolve against this module's package
            package = here if known[here].name == "__init__.py" else here.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}".rstrip(".")
        for alias in node.names:
            target = f"{base}.{alias.name}"
            if target in known:
                yield target
            elif base in known:
                yield base


def import_graph() -> dict[str, set[str]]:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        edges = {t for node in ast.walk(tree) for t in imported(node, name, known)}
        graph[name] = edges - {name}
    return graph


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_even_inside_functions() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_sees_a_function_level_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_reader_counts_imports_inside_functions(tmp_path: Path) -> None:
    source = "def f():\n    from hunkroute.plan import make_plan\n    import hunkroute.model\n"
    known = modules()
    edges = {t for n in ast.walk(ast.parse(source)) for t in imported(n, "hunkroute.cli", known)}
    assert edges == {"hunkroute.plan", "hunkroute.model"}


def test_at_most_twelve_modules_at_the_top_level() -> None:
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_each_plug_in_registry_matches_its_names() -> None:
    assert tuple(GATES) == GATE_NAMES == get_args(GateName)
    assert tuple(PROVIDERS) == API_NAMES == get_args(Api)
    assert tuple(sinks()) == SINK_NAMES


# docs/architecture.md's table: what each package may import (besides itself and the version).
ALLOWED = {
    "errors": set(),
    "model": set(),
    "secretshapes": set(),  # the key and token patterns redaction and the secrets gate share
    "config": {"errors", "model"},
    "diff": {"config", "errors", "model"},
    "classify": {"config", "diff", "model", "errors"},
    "plan": {"config", "model", "errors"},
    "gates": {"config", "diff", "model", "errors", "secretshapes"},
    "models": {"config", "plan", "model", "errors", "secretshapes", "ledger"},
    "ledger": {"model", "errors"},
    "report": {"model", "plan", "ledger"},
    "forges": {"report", "diff", "config", "model", "errors"},
    "pipeline": {"classify", "config", "diff", "gates", "model", "models", "plan", "errors"},
    "errorhandler": {"errors", "model"},
}


def test_packages_import_only_what_the_architecture_allows() -> None:
    def package(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else "__init__"

    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in import_graph().items()
        for target in targets
        if package(source) in ALLOWED
        and package(target) not in ALLOWED[package(source)] | {package(source), "__init__"}
    )
    assert wrong == []
