"""The package's layers (issue 16 point 4): no import circles, and a lower layer never imports a higher one.

Layers, lowest first: transforms (pure functions) < expectations < warehouse < gonghui's services (report,
export, the local API server, signals, faults, tables) < flows < the front (cli, status, the Dask worker
preload). Imports inside functions count too: a late import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"transforms": 0, "expectations": 1, "warehouse": 2, "flows": 4}
FRONT = {"cli", "status", "workerpreload", "__main__"}  # layer 5; every other gonghui/*.py: 3


def _modules() -> dict[str, Path]:
    mods = {f"gonghui.{p.stem}": p for p in (ROOT / "gonghui").glob("*.py") if p.stem != "__init__"}
    assert FRONT - {"__main__"} <= {m.split(".")[1] for m in mods}
    # gonghui/browse (the workbench app) is one of gonghui's services: layer 3, like report and export
    mods.update({f"gonghui.browse.{p.stem}": p for p in (ROOT / "gonghui" / "browse").glob("*.py") if p.stem != "__init__"})
    for pkg in PACKAGES:
        mods.update({f"gonghui.{pkg}.{p.stem}": p for p in (ROOT / pkg).glob("*.py") if p.stem != "__init__"})
    return mods


def _layer(module: str) -> int:
    part = module.split(".")[1]
    return PACKAGES.get(part, 5 if part in FRONT else 3)


def _imports(path: Path, mods: dict[str, Path]) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in mods else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in mods}


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(p, mods) - {m} for m, p in mods.items()}


def test_no_lower_layer_imports_a_higher_one() -> None:
    graph = _graph()
    upward = sorted((m, d) for m, deps in graph.items() for d in deps if _layer(d) > _layer(m))
    assert not upward, upward


def test_no_import_circles() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d] if d in stack else [m, d])
            elif d not in state:
                visit(d, [*stack, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles
    # the graph is real: the flow imports the transforms it sequences
    assert "gonghui.warehouse.load" in graph["gonghui.flows.pipeline"]
