"""Tests of the package's import layers (pyproject's [tool.importlinter]) and of import cycles."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import trialfinder

pytest.importorskip("importlinter")

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
        import os

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
    assert "Contracts: 1 kept, 0 broken." in done.stdout


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
    assert "0 kept, 1 broken" in done.stdout
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


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at the top or in a function, except under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            todo.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (a from-import of a module names it)."""
    names: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for module, path in names.items():
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
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
