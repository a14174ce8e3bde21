"""Facts about talkhis's import graph that the layer contract does not show: import cycles
(every import counts, lazy and type-only ones too), the modules directly in ``src/talkhis`` and
the largest module.

    python tools/import_graph.py        # prints the facts; exit status 1 if there is a cycle

It reads the graph with grimp, the library import-linter uses; ``tests/test_architecture.py``
runs the same functions.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "talkhis"


def import_cycles(package: str = "talkhis") -> list[list[str]]:
    """Every group of modules that import each other in a circle (strongly connected
    components of more than one module), each sorted, in sorted order."""
    graph = grimp.build_graph(package, include_external_packages=False)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(edges)))
    for module in sorted(edges):
        if module not in index:
            visit(module)
    return sorted(found)


def top_level_modules(folder: Path = PACKAGE) -> list[str]:
    """The ``.py`` files directly in the package folder."""
    return sorted(p.name for p in folder.glob("*.py"))


def module_lines(folder: Path = PACKAGE) -> dict[str, int]:
    """Lines per module of the package, by path relative to ``src/talkhis``."""
    return {str(p.relative_to(folder)): len(p.read_text(encoding="utf-8").splitlines())
            for p in sorted(folder.rglob("*.py"))}


def main() -> int:
    cycles = import_cycles()
    lines = module_lines()
    largest = max(lines, key=lambda k: (lines[k], k))
    top = top_level_modules()
    print(f"{len(lines)} modules; {len(top)} directly in src/talkhis: {', '.join(top)}")
    print(f"largest module: {largest} ({lines[largest]} lines)")
    print(f"import cycles: {len(cycles)}")
    for group in cycles:
        print("  " + " <-> ".join(group))
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
