"""Check that tracker/'s imports point down the layer order, and that no import circle exists.

Run by `make lint`. The layer order is the README's ("Layers", in the development section):
a module may import its own package, any package of a lower layer, and any domain's
``models`` (tables refer to each other by foreign key; models import only core modules and
other models). Imports under ``if TYPE_CHECKING:`` are annotations, not dependencies.
Exit 1 naming every import that points up and every circle; print nothing when all is well.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "tracker"

# Bottom first. A name is a top-level module or package of tracker/.
LAYERS: list[set[str]] = [
    {"db", "extensions", "config", "security", "forms", "months", "charts", "reports"},
    {"audit"},
    {"org"},
    {"evidence"},
    {"directives", "schedule", "indicators"},
    {"workflow", "notify", "inspections", "intake"},
    {"assignments"},
    {"evaluation"},
    {"dashboard", "public", "auth", "ops"},
    {"models", "demo", "web", "cli", "__init__"},
]
LAYER_OF = {name: index for index, layer in enumerate(LAYERS) for name in layer}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top(module: str) -> str:
    """The layer unit of a module: its package under tracker/ (``__init__`` for tracker itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def is_models(module: str) -> bool:
    return module.rsplit(".", 1)[-1] == "models"


def type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(tree: ast.AST, known: set[str]) -> set[str]:
    """Modules of tracker/ that ``tree`` imports at run time (function-level imports included)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names
                         if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in sorted((ROOT / PACKAGE).rglob("*.py"))}
    known = set(paths)
    return {name: imports(ast.parse(path.read_text(encoding="utf-8")), known) - {name}
            for name, path in paths.items()}


def upward(edges: dict[str, set[str]]) -> list[str]:
    problems = []
    for source, targets in sorted(edges.items()):
        for target in sorted(targets):
            here, there = top(source), top(target)
            if here == there or is_models(target):
                continue
            if here not in LAYER_OF or there not in LAYER_OF:
                missing = here if here not in LAYER_OF else there
                problems.append(f"{source}: {missing!r} has no layer in {Path(__file__).name}")
            elif LAYER_OF[there] > LAYER_OF[here]:
                problems.append(f"{source} imports {target}: {there} is above {here}")
            elif is_models(source) and LAYER_OF[there] > 0:
                problems.append(f"{source} imports {target}: models import only core modules "
                                "and other models")
    return problems


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root] & edges.keys())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child] & edges.keys()))))
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
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def main() -> int:
    edges = graph()
    problems = upward(edges)
    problems += ["import circle: " + " -> ".join(circle) for circle in circles(edges)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
