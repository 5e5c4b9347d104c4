"""The package's dependency rules, read from the source with `ast` (nothing is imported).

Layers, top to bottom, in the order a request travels:
    core (URLs, health, set-up commands)
    research → dashboard                 the researcher's apps
    engine, tagapi                       the two servers
    clients, tagging, analysis           Django-free libraries
    lib, protocols                       leaves: import no other affectweb code
Every import counts, including those inside functions: an import hidden in a function
is still an arrow between two modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "affectweb"
PROJECT = {"settings", "urls", "wsgi", "__init__"}  # the Django project's own modules: top level

# part → the parts it may import (besides itself). `core` may import anything.
ALLOWED: dict[str, set[str]] = {
    "protocols": set(),
    "lib": set(),
    "analysis": {"protocols"},
    "tagging": {"analysis", "protocols"},
    "clients": {"protocols"},
    "engine": {"analysis", "lib", "protocols"},
    "tagapi": {"analysis", "lib", "protocols", "tagging"},
    "dashboard": {"analysis", "clients", "lib", "protocols"},
    "research": {"analysis", "clients", "dashboard", "lib", "protocols"},
}
DJANGO_FREE = {"analysis", "clients", "protocols", "tagging"}
FRAMEWORKS = ("django", "django_rq", "rq", "encrypted_fields", "whitenoise")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def _imports(module: str, path: Path) -> set[str]:
    """Every module `module` imports, anywhere in its file (absolute names)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in MODULES else base)
    return out


IMPORTS = {module: _imports(module, path) for module, path in MODULES.items()}


def test_it_finds_the_package():
    assert "affectweb.dashboard.models" in MODULES and "affectweb.analysis.pipeline" in MODULES
    assert "affectweb.protocols.affectiva" in IMPORTS["affectweb.analysis.writers"]


def test_dependencies_only_point_down():
    wrong = []
    for module, imported in IMPORTS.items():
        part = _part(module)
        if part in PROJECT or part == "core":
            continue
        for target in imported:
            if not target.startswith("affectweb.") or _part(target) in ("", part):
                continue
            if _part(target) not in ALLOWED[part]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(sorted(wrong))


def test_libraries_import_no_django():
    wrong = [f"{module} imports {target}" for module, imported in IMPORTS.items() if _part(module) in DJANGO_FREE
             for target in imported if target.split(".")[0] in FRAMEWORKS]
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_circles():
    graph = {m: {t for t in targets if t in MODULES and t != m} for m, targets in IMPORTS.items()}
    # Tarjan's strongly connected components: any with two or more modules is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not circles, circles


def test_no_call_into_another_part_by_dotted_name():
    """A string such as "affectweb.research.tasks.warm" hides an arrow from every import
    check; only the project's own configuration names modules that way."""
    wrong = []
    for module, path in MODULES.items():
        part = _part(module)
        if part in PROJECT or path.name == "apps.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("affectweb."):
                if _part(node.value) not in (part, ""):
                    wrong.append(f"{module}: {node.value!r}")
    assert not wrong, "\n".join(wrong)
