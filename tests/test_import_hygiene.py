"""The domain and service layers must not pull in the UI."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import crm.domain, crm.services
for package in (crm.domain, crm.services):
    for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print(",".join(leaked))
"""

DOMAIN_CHECK = """
import importlib, pkgutil, sys
import crm.domain
for module in pkgutil.iter_modules(crm.domain.__path__, "crm.domain."):
    importlib.import_module(module.name)
print(",".join(sorted(m for m in ("peewee", "playhouse", "textual", "crm.db") if m in sys.modules)))
"""


def _run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_domain_and_services_do_not_import_textual() -> None:
    assert _run(CHECK) == ""


def test_domain_imports_neither_database_nor_ui() -> None:
    assert _run(DOMAIN_CHECK) == ""


def test_cli_search_path_does_not_import_textual() -> None:
    code = "import sys\nfrom crm import cli\nprint('textual' in sys.modules)"
    assert _run(code) == "False"


def test_opening_the_app_leaves_what_the_first_frame_does_not_need() -> None:
    """Start-up is import-bound: these load on first use, after the first frame."""
    later = (
        "crm.services.suggestions",  # Today's suggestions follow the agenda
        "crm.services.merging",
        "crm.screens.contact_screen",
        "crm.screens.help",
        "crm.screens.contact_form",
        "crm.domain.when",  # the date parser, and dateutil with it, are for forms
        "dateutil",
    )
    code = f"import sys\nimport crm.app\nprint(','.join(m for m in {later!r} if m in sys.modules))"
    assert _run(code) == ""


def test_reading_an_iso_moment_leaves_dateutil_unloaded() -> None:
    """`crm --now 2026-11-22T09:00` (and a typed ISO date) needn't pay dateutil's import."""
    code = (
        "import sys\nfrom datetime import UTC, datetime\nfrom crm.domain.when import parse_when\n"
        "parse_when('2026-11-22 09:00', now=datetime(2026, 11, 1), tz=UTC)\n"
        "parse_when('2026-11-23', now=datetime(2026, 11, 1), tz=UTC)\n"
        "print('dateutil' in sys.modules)"
    )
    assert _run(code) == "False"


# Import edges allowed to close a cycle while it is being fixed: none today (the CLI's cycle
# went with issue 15, item 2). Any cycle fails the test below.
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()


def _crm_import_graph() -> dict[str, set[str]]:
    """Each crm module and the crm modules it imports, at any depth (lazy imports too)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "crm"
    files: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path

    def known(name: str) -> str:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name

    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            targets.update(known(name) for name in names)
        graph[module] = targets - {"", module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
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


def test_no_new_import_cycles_in_crm() -> None:
    graph = _crm_import_graph()
    for source, target in KNOWN_CYCLE_EDGES:
        graph.get(source, set()).discard(target)
    assert _cycles(graph) == []


def test_known_cycle_edges_are_still_there() -> None:
    """A fixed cycle leaves the list above, so the list only ever shrinks."""
    graph = _crm_import_graph()
    fixed = {(s, t) for s, t in KNOWN_CYCLE_EDGES if t not in graph.get(s, set())}
    assert fixed == set(), "remove these from KNOWN_CYCLE_EDGES"


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
