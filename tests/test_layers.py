"""Tests of the package's import layers (pyproject's [tool.importlinter]) and of import cycles."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import trialfinder

# No importorskip("importlinter"): it is a test dependency, and a missing one must fail these
# tests (the check runs in a process that exits 1 when it cannot import it; tests/test_quality.py
# also checks that every test dependency is installed).

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(trialfinder.__file__).resolve().parent


def lint_imports(project: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run import-linter on the contract in ``project``/pyproject.toml, in a fresh process."""
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))\n"
    )
    env = None
    if pythonpath is not None:
        env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_package_keeps_to_its_layers() -> None:
    """It passes the layer contract: no module imports a layer above its own."""
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


@pytest.fixture
def copy_of_the_package(tmp_path: Path) -> Path:
    """A copy of the package and of pyproject.toml, to break on purpose."""
    shutil.copytree(
        PACKAGE, tmp_path / "src" / "trialfinder", ignore=shutil.ignore_patterns("*.pyc")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


WRONG_WAY = {
    "at the top": "from trialfinder.cli.main import cli\n",
    "inside a function": "def _wrong_way() -> None:\n    from trialfinder.cli.main import cli\n",
}


@pytest.mark.parametrize("where", sorted(WRONG_WAY))
def test_a_wrong_way_import_breaks_the_contract(copy_of_the_package: Path, where: str) -> None:
    """It fails when the records import the command line, at the top or lazily in a function."""
    records = copy_of_the_package / "src" / "trialfinder" / "models" / "records.py"
    records.write_text(records.read_text(encoding="utf-8") + "\n\n" + WRONG_WAY[where])
    done = lint_imports(copy_of_the_package, copy_of_the_package / "src")
    assert done.returncode != 0
    assert "Each layer imports only the layers below it BROKEN" in done.stdout
    assert "1 kept, 1 broken" in done.stdout
    assert "trialfinder.models.records -> trialfinder.cli.main" in done.stdout


def test_an_import_for_type_checking_only_is_exempt(copy_of_the_package: Path) -> None:
    """It lets a low module name a high one's types under TYPE_CHECKING (never run)."""
    records = copy_of_the_package / "src" / "trialfinder" / "models" / "records.py"
    records.write_text(
        records.read_text(encoding="utf-8")
        + "\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
        "    from trialfinder.cli.main import cli\n"
    )
    done = lint_imports(copy_of_the_package, copy_of_the_package / "src")
    assert done.returncode == 0, done.stdout + done.stderr


# -- import cycles -----------------------------------------------------------------------------


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_nodes(
    tree: ast.AST, exempt: Callable[[ast.AST], bool] = lambda node: False
) -> list[ast.AST]:
    """Every node that can run, at the top or in a function: not under TYPE_CHECKING."""
    found: list[ast.AST] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            todo.extend(node.orelse)
            continue
        if exempt(node):
            continue
        found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at the top or in a function, except under TYPE_CHECKING."""
    return [node for node in _run_nodes(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> its file, for every module of ``package`` (packages included)."""
    names: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def imported_from(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The module a from-import reads from, a relative one (``from ..x import y``) resolved."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a from-import of a module names it)."""
    names = modules(package)
    graph: dict[str, set[str]] = {}
    for module, path in names.items():
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = imported_from(module, path, node)
                targets = [f"{base}.{alias.name}" for alias in node.names]
                # A module's own packages are loaded before it runs: naming a sibling through
                # one (`from pkg import sibling`) adds no edge to pkg's __init__, and so lets
                # that __init__ load its submodules lazily; taking a name defined there does.
                if not (module.startswith(f"{base}.") and all(t in names for t in targets)):
                    targets.append(base)
            for target in targets:
                if target in names and target != module and target != package.name:
                    edges.add(target)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back() -> None:
    """It finds no import cycle, lazy imports in functions included."""
    assert cycles(import_graph(PACKAGE)) == []


def test_the_cycle_check_sees_a_lazy_cycle(tmp_path: Path) -> None:
    """It proves the check above can fail: two modules importing each other, one lazily."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""P."""\n')
    (package / "sub" / "__init__.py").write_text('"""S."""\n')
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg import c\n\n"
        "def f() -> None:\n    from pkg import a\n"
    )
    (package / "c.py").write_text("from pkg.sub import b\n")
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.sub.b"]]


# Faults injected into a copy of the package: (file under src/trialfinder, code appended to it).
RELATIVE_CYCLES = {
    "lazily, from a sibling": ("query/filters.py", "from .build import SearchQuery"),
    "lazily, a sibling module": ("query/filters.py", "from . import build"),
    "lazily, through the parent": ("query/filters.py", "from ..query import build"),
    "lazily, a name through the parent": ("query/filters.py", "from ..query.build import Age"),
}


@pytest.mark.parametrize("how", sorted(RELATIVE_CYCLES))
def test_the_cycle_check_sees_a_relative_import_cycle(copy_of_the_package: Path, how: str) -> None:
    """It resolves relative imports: query.build imports query.filters, which imports it back."""
    where, statement = RELATIVE_CYCLES[how]
    path = copy_of_the_package / "src" / "trialfinder" / where
    path.write_text(path.read_text(encoding="utf-8") + f"\n\ndef _w() -> None:\n    {statement}\n")
    found = cycles(import_graph(copy_of_the_package / "src" / "trialfinder"))
    assert [group for group in found if "trialfinder.query.filters" in group] == [
        ["trialfinder.query.build", "trialfinder.query.filters"]
    ]


def test_relative_imports_resolve_like_python(tmp_path: Path) -> None:
    """It reads ``.``, ``..`` and ``from . import`` as Python does, from a module or a package."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from .sub import b\n")
    (package / "a.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import b\nfrom .. import a\n")
    (package / "sub" / "b.py").write_text("from .. import c\n")
    (package / "c.py").write_text("from .sub.b import f\n")
    assert import_graph(package) == {
        "pkg": {"pkg.sub", "pkg.sub.b"},
        "pkg.a": set(),
        "pkg.sub": {"pkg.sub.b", "pkg.a"},
        "pkg.sub.b": {"pkg.c"},
        "pkg.c": {"pkg.sub.b"},
    }
    assert cycles(import_graph(package)) == [["pkg.c", "pkg.sub.b"]]


# -- imports no contract can see ---------------------------------------------------------------

# What imports a module named by a string, which no import graph sees.
DYNAMIC = frozenset(
    {
        "__import__",
        "import_module",
        "reload",
        "find_spec",
        "module_from_spec",
        "spec_from_file_location",
        "exec_module",
        "load_module",
        "resolve_name",
        "run_module",
        "run_path",
        "exec",
        "eval",
    }
)


def hidden_imports(package: Path) -> list[str]:
    """Where a module imports by a name in a string (``importlib.import_module``, ``__import__``,
    ``exec``…), or takes a name from the top-level package, whose ``__getattr__`` imports it on
    first use: both load modules past the layer contract. Exempt: that ``__getattr__`` itself,
    and code under ``if TYPE_CHECKING:``. Each as "module:line: what"."""
    root = package.name
    names = modules(package)

    def is_lazy_loader(module: str, node: ast.AST) -> bool:
        return module == root and isinstance(node, ast.FunctionDef) and node.name == "__getattr__"

    found: list[str] = []
    for module, path in sorted(names.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _run_nodes(tree, lambda node, module=module: is_lazy_loader(module, node)):
            what = ""
            if isinstance(node, ast.ImportFrom):
                base = imported_from(module, path, node)
                taken = [a.name for a in node.names if f"{base}.{a.name}" not in names]
                if base == root and taken:
                    what = f"takes {', '.join(taken)} from the top-level package"
                elif DYNAMIC & {a.name for a in node.names}:
                    what = f"imports {', '.join(sorted(DYNAMIC & {a.name for a in node.names}))}"
            elif isinstance(node, ast.Import) and root in {a.name for a in node.names}:
                what = "imports the top-level package"
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == root
                and f"{root}.{node.attr}" not in names
            ):
                what = f"uses {root}.{node.attr}"
            elif isinstance(node, ast.Name) and node.id in DYNAMIC:
                what = f"uses {node.id}"
            elif isinstance(node, ast.Attribute) and node.attr in DYNAMIC:
                what = f"uses .{node.attr}"
            elif isinstance(node, ast.Constant) and node.value in DYNAMIC:
                what = f"names {node.value}"
            if what:
                found.append(f"{module}:{getattr(node, 'lineno', 0)}: {what}")
    return sorted(set(found))


def test_no_module_imports_by_string_or_from_the_top() -> None:
    """It finds no dynamic import and no name taken from the top-level package: every import
    is one the layer contract and the cycle check above can see."""
    assert hidden_imports(PACKAGE) == []


# The tester's three faults first, each with the other spellings of its kind.
HIDDEN = {
    "a root name, lazily (errors.py)": (
        "errors.py",
        "def _w() -> None:\n    from trialfinder import search\n",
        "trialfinder.errors: takes search from the top-level package",
    ),
    "a root name, relatively (status.py)": (
        "status.py",
        "from . import search\n",
        "trialfinder.status: takes search from the top-level package",
    ),
    "a root name, two levels up (query/build.py)": (
        "query/build.py",
        "def _w() -> None:\n    from .. import Client\n",
        "trialfinder.query.build: takes Client from the top-level package",
    ),
    "the root package, then a name on it (ids.py)": (
        "ids.py",
        "import trialfinder\n",
        "trialfinder.ids: imports the top-level package",
    ),
    "a root name through a submodule import (ids.py)": (
        "ids.py",
        "import trialfinder.paths\n\n\ndef _w() -> object:\n    return trialfinder.search\n",
        "trialfinder.ids: uses trialfinder.search",
    ),
    "importlib.import_module (ids.py)": (
        "ids.py",
        "import importlib\n\n_w = importlib.import_module('trialfinder.cli.main')\n",
        "trialfinder.ids: uses .import_module",
    ),
    "import_module by name (ids.py)": (
        "ids.py",
        "from importlib import import_module as load\n",
        "trialfinder.ids: imports import_module",
    ),
    "import_module through getattr (ids.py)": (
        "ids.py",
        "import importlib\n\n_w = getattr(importlib, 'import_module')('trialfinder.cli')\n",
        "trialfinder.ids: names import_module",
    ),
    "__import__ (ids.py)": (
        "ids.py",
        "def _w() -> object:\n    return __import__('trialfinder.cli.main')\n",
        "trialfinder.ids: uses __import__",
    ),
    "exec (models/records.py)": (
        "models/records.py",
        "exec('import trialfinder.cli.main')\n",
        "trialfinder.models.records: uses exec",
    ),
    "importlib outside the lazy loader (__init__.py)": (
        "__init__.py",
        "_w = importlib.import_module('trialfinder.cli.main')\n",
        "trialfinder: uses .import_module",
    ),
}


@pytest.mark.parametrize("how", sorted(HIDDEN))
def test_a_hidden_import_is_found(copy_of_the_package: Path, how: str) -> None:
    """It names the module and the line of an import by string or from the top-level package."""
    where, code, expected = HIDDEN[how]
    path = copy_of_the_package / "src" / "trialfinder" / where
    before = path.read_text(encoding="utf-8") + "\n\n"
    path.write_text(before + code)
    injected = range(before.count("\n") + 1, before.count("\n") + code.count("\n") + 1)
    module, what = expected.split(": ", 1)
    lines = [
        int(found.split(":")[1])
        for found in hidden_imports(copy_of_the_package / "src" / "trialfinder")
        if found.startswith(f"{module}:") and found.endswith(f": {what}")
    ]
    assert lines
    assert all(line in injected for line in lines)


ROOT_NAMES = {
    "lazily (errors.py)": (
        "errors.py",
        "def _w() -> None:\n    from trialfinder import search\n",
        "trialfinder.errors",
    ),
    "relatively, two levels up (query/build.py)": (
        "query/build.py",
        "def _w() -> None:\n    from .. import Client\n",
        "trialfinder.query.build",
    ),
    "the package itself (ids.py)": ("ids.py", "import trialfinder\n", "trialfinder.ids"),
}


@pytest.mark.parametrize("how", sorted(ROOT_NAMES))
def test_a_root_import_breaks_the_contract(copy_of_the_package: Path, how: str) -> None:
    """The contract's second half fails too when a module imports the top-level package."""
    where, code, module = ROOT_NAMES[how]
    path = copy_of_the_package / "src" / "trialfinder" / where
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code)
    done = lint_imports(copy_of_the_package, copy_of_the_package / "src")
    assert done.returncode != 0
    assert "No module imports the top-level package's names BROKEN" in done.stdout
    assert f"{module} -> trialfinder (l." in done.stdout


def test_the_cycle_check_tells_a_submodule_from_a_name_of_the_init(tmp_path: Path) -> None:
    """It lets an __init__ load its submodules lazily while they import their siblings through
    it, and still sees a submodule taking a name the __init__ defines."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text('"""P."""\n')
    (package / "sub" / "__init__.py").write_text(
        "def __getattr__(name):\n    from pkg.sub.a import f\n\n    return f\n"
    )
    (package / "sub" / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text('"""B."""\n')
    assert cycles(import_graph(package)) == []
    (package / "sub" / "a.py").write_text("from pkg.sub import VALUE, b\n")
    assert cycles(import_graph(package)) == [["pkg.sub", "pkg.sub.a"]]
