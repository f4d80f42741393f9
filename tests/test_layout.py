"""The house rules of the layout, checked from the source with ``ast``.

For every module of ``archive/``, ``crawler/`` and ``settings/``: ``__all__`` lists its public
functions and classes (a package: exactly the public names it imports or defines), no import cycle
between modules (lazy imports inside functions included), ``archive`` never imports Scrapy,
Twisted or ``crawler``, no module is over 400 lines, every package opens with a docstring, and
the top level of ``archive/`` holds only glossary leaves and the composition root.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "crawler", "settings")
MAX_LINES = 400
ARCHIVE_TOP_LEVEL = {
    "__init__",
    "config",
    "digests",
    "egress",
    "errors",
    "http_response",
    "orphans",
    "session",
    "surts",
    "timestamps",
    "urls",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
    }


@cache
def tree_of(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def imported_modules(name: str) -> set[str]:
    """Every module NAME imports, anywhere in its body, resolved to a module of the repo."""
    known = modules()
    found: set[str] = set()
    for node in ast.walk(tree_of(name)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not (name.startswith(target + ".")):
                found.add(target)
    return found


def external_roots(name: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree_of(name)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def defined_public_names(name: str) -> tuple[set[str], set[str]]:
    """(public functions and classes, every public name) at the top of module NAME, imported
    names included; for a package, the names it imports from its own modules count as its own
    functions and classes."""
    callables: set[str] = set()
    names: set[str] = set()
    package = modules()[name].name == "__init__.py"
    for node in tree_of(name).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            callables.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            imported = {alias.asname or alias.name for alias in node.names}
            if package and (node.module or "").startswith(name + "."):
                callables |= imported  # what a package gathers from its own modules
            else:
                names |= imported  # a module may re-export what it imports
    public = {n for n in callables | names if not n.startswith("_")}
    return {n for n in callables if not n.startswith("_")}, public - {"__all__"}


def declared_all(name: str) -> list[str] | None:
    for node in tree_of(name).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list | tuple)
            return [str(v) for v in value]
    return None


@pytest.mark.parametrize(
    "name", sorted(n for n in modules() if not n.startswith("settings.") and "__main__" not in n)
)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    """A package exports exactly its public names; a module every public function and class
    (and those of its public constants that others use). Scrapy settings modules are read by
    name and have none."""
    declared = declared_all(name)
    callables, public = defined_public_names(name)
    if declared is None:
        assert not public, f"{name}: no __all__ (public names {sorted(public)})"
        return
    assert len(declared) == len(set(declared)), f"{name}: __all__ repeats a name"
    assert set(declared) <= public, f"{name}: __all__ names undefined {set(declared) - public}"
    missing = callables - set(declared)
    assert not missing, f"{name}: __all__ misses {sorted(missing)}"


def test_no_import_cycle() -> None:
    graph = {name: imported_modules(name) for name in modules()}
    cycles = strongly_connected(graph)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(sorted(c)) for c in cycles)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the components of more than one module (or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, set()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_strongly_connected_finds_a_lazy_cycle() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        {"a", "b", "c"}
    ]


@pytest.mark.parametrize("name", sorted(n for n in modules() if n.startswith("archive")))
def test_archive_needs_no_crawler(name: str) -> None:
    assert not external_roots(name) & {"scrapy", "twisted", "crawler"}, name


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_are_small(name: str) -> None:
    lines = len(modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines"


def test_every_package_opens_with_what_it_holds() -> None:
    for name, path in modules().items():
        if path.name == "__init__.py":
            doc = ast.get_docstring(tree_of(name))
            assert doc and len(doc.split()) >= 12, f"{name}: no opening paragraph"


def test_archive_top_level_is_leaves_and_the_composition_root() -> None:
    top = {p.stem for p in (REPO / "archive").glob("*.py")}
    assert top <= ARCHIVE_TOP_LEVEL, sorted(top - ARCHIVE_TOP_LEVEL)
    leaves = ARCHIVE_TOP_LEVEL - {"__init__", "session"}
    for leaf in leaves & top:
        inside = {m for m in imported_modules(f"archive.{leaf}") if m.startswith("archive.")}
        assert inside <= {f"archive.{other}" for other in leaves}, (leaf, inside)


def test_every_error_of_prov_derives_from_one_base() -> None:
    import importlib
    import inspect

    from archive.errors import ProvError

    errors = [
        (name, cls.__name__)
        for name in modules()
        if not name.endswith("__main__")
        for cls in vars(importlib.import_module(name)).values()
        if inspect.isclass(cls)
        and issubclass(cls, BaseException)
        and cls.__module__ == name
    ]
    assert len(errors) >= 15
    strays = [(name, cls) for name, cls in errors if not issubclass(
        getattr(importlib.import_module(name), cls), ProvError
    )]
    assert not strays, strays


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """Every prov command pays for what ``crawler.cli`` imports at start: the web app, the
    crawler, the extractors, the citation rules, Redis, S3 and cryptography load only in
    the commands that use them."""
    import subprocess
    import sys

    heavy = (
        "archive.citations", "archive.serve", "boto3", "cryptography", "fastapi", "pypdf",
        "redis", "scrapy", "trafilatura", "twisted", "uvicorn",
    )
    code = (
        "import sys, crawler.cli\n"
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
