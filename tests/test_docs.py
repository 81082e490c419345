"""Docs that cannot drift: generated blocks in docs/, every command documented, a short README."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from trialfinder.cli.main import cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
#: The command reference: every command's generated --help, and shell completion.
REFERENCE = (DOCS / "reference.md").read_text(encoding="utf-8")
#: What a patient's family member reads top to bottom; the rest is in docs/.
README_MAX_BYTES = 20_000


def commands(
    group: click.Command = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, group
    if isinstance(group, click.Group):
        ctx = click.Context(group, info_name="trialfinder")
        for name in group.list_commands(ctx):
            sub = group.get_command(ctx, name)
            assert sub is not None
            yield from commands(sub, (*path, name))


def generated_files() -> list[str]:
    """The Markdown files holding cog blocks, relative to the repository root."""
    files = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return [str(f.relative_to(ROOT)) for f in files if "[[[cog" in f.read_text(encoding="utf-8")]


def test_generated_doc_blocks_are_current() -> None:
    """It fails when a generated block in docs/ (--help, export columns) differs from the code."""
    files = generated_files()
    assert {"docs/reference.md", "docs/export.md"} <= set(files)
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (
        f"docs are stale: run `cog -r {' '.join(files)}`\n{done.stdout}{done.stderr}"
    )


def test_every_command_has_help_with_examples_and_is_in_the_reference() -> None:
    """It documents every command, with an example, and shows it in docs/reference.md."""
    seen = 0
    for path, command in commands():
        name = " ".join(("trialfinder", *path))
        assert command.help and command.help.strip(), f"{name} has no help text"
        assert "Example" in command.help, f"{name} --help has no example"
        assert f"### `{name} --help`" in REFERENCE, f"{name} is not in docs/reference.md"
        seen += 1
    assert seen >= 5


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    """It opens with exactly two commands: a real search, then the tests that CI runs."""
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)\n```", quick, flags=re.DOTALL)
    assert len(blocks) == 2
    assert "trialfinder search" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci.splitlines()  # the same command, a whole line of its own
    # PEP 668: a system Python refuses `pip install`; both commands install into a venv first.
    for block in blocks:
        assert block.startswith(VENV_FIRST), block
        assert "\n" not in block.strip()


#: How both quick-start commands begin: a virtual environment, made and used.
VENV_FIRST = "python3 -m venv .venv && . .venv/bin/activate && pip install "


def _externally_managed_python() -> str | None:
    """A python3 whose standard library carries PEP 668's EXTERNALLY-MANAGED marker, if any."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if not candidate or not Path(candidate).exists():
            continue
        stdlib = subprocess.run(
            [candidate, "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if stdlib and (Path(stdlib) / "EXTERNALLY-MANAGED").exists():
            return candidate
    return None


@pytest.mark.install
def test_quick_start_installs_on_an_externally_managed_python(tmp_path: Path) -> None:
    """It installs and runs the tool where `pip install .` is refused (PEP 668).

    Slow and needs the package index: run with `python -m pytest -m install`. Offline, the
    search then fails with the one-line network error, never a pip error.
    """
    python = _externally_managed_python()
    if python is None:
        pytest.skip("no externally managed python3 here")
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    first = re.findall(r"```bash\n(.*?)\n```", quick, flags=re.DOTALL)[0].strip()
    copy = tmp_path / "trialfinder"
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
    )
    for name in archive.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    bin_dir = tmp_path / "bin"  # `python3` is the externally managed one, as on Debian
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(python)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update(
        PATH=f"{bin_dir}:/usr/bin:/bin",
        HOME=str(tmp_path),
        TRIALFINDER_API_URL="http://127.0.0.1:9/api/v2",  # offline on purpose
    )
    refused = subprocess.run(
        ["python3", "-m", "pip", "install", "."], cwd=copy, env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr
    done = subprocess.run(
        ["bash", "-c", first], cwd=copy, env=env, capture_output=True, text=True, timeout=900
    )
    assert "Successfully installed" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 1, done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("trialfinder: error: Could not connect to the API")
    )
    assert "externally-managed" not in done.stderr


def test_shell_completion_is_documented_and_works() -> None:
    """It documents completion for bash, zsh and fish, and click provides the script."""
    for shell in ("bash", "zsh", "fish"):
        assert f"_TRIALFINDER_COMPLETE={shell}_source trialfinder" in REFERENCE
    beside = Path(sys.executable).parent / "trialfinder"
    done = subprocess.run(
        [str(beside)],
        env={"_TRIALFINDER_COMPLETE": "bash_source", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "complete" in done.stdout


def test_readme_exit_code_table_matches_the_code() -> None:
    """It lists every exit code the command uses, each once, "changed" apart from failures."""
    from trialfinder.cli import main as cli
    from trialfinder.cli import watch as cli_watch

    table = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    listed = [int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)]
    used = [
        cli.EXIT_OK,
        cli.EXIT_FAILURE,
        cli.EXIT_USAGE,
        cli.EXIT_NOT_FOUND,
        cli_watch.EXIT_CHANGED,
        cli.EXIT_INTERRUPTED,
    ]
    assert listed == used
    assert len(set(used)) == len(used)


def test_readme_stays_short_and_its_docs_links_resolve() -> None:
    """It keeps the README within 20 KB, every docs/ link pointing at a file, every doc linked."""
    size = len(README.encode("utf-8"))
    assert size <= README_MAX_BYTES, (
        f"README.md is {size:,} bytes, over {README_MAX_BYTES:,}: move reference to docs/"
    )
    targets = re.findall(r"\]\((docs/[^)#\s]*)(?:#[^)]*)?\)", README)
    assert targets, "the README links to nothing in docs/"
    missing = sorted({t for t in targets if not (ROOT / t).is_file()})
    assert not missing, f"README links to missing files: {missing}"
    unlinked = sorted(
        str(f.relative_to(ROOT))
        for f in DOCS.glob("*.md")
        if str(f.relative_to(ROOT)) not in targets
    )
    assert not unlinked, f"docs the README does not link to: {unlinked}"


def test_links_between_docs_resolve() -> None:
    """It follows every relative link in docs/ to a file, and each README anchor to a heading."""
    headings = {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.*)$", README, re.MULTILINE)
    }
    checked = 0
    for doc in sorted(DOCS.glob("*.md")):
        for target, anchor in re.findall(
            r"\]\(((?!https?:)[^)#\s]+)(?:#([^)]*))?\)", doc.read_text(encoding="utf-8")
        ):
            path = (doc.parent / target).resolve()
            assert path.is_file(), f"{doc.name} links to missing {target}"
            if anchor and path == (ROOT / "README.md").resolve():
                assert anchor in headings, f"{doc.name} links to a missing README heading #{anchor}"
            checked += 1
    assert checked >= 3


def unnamed_modules(table: str, package: Path) -> list[str]:
    """The modules of ``package`` that their row of the "Where things are" table leaves out.

    A sub-package's module must be named in the row whose first cell holds its folder (as
    ``name.py`` or ``folder/name.py``); a module of the package itself, in the base row or in
    the first cell of the row of its layer.
    """
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| ")]
    missing = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        if len(parts) > 1 and parts[-1] == "__init__.py":
            continue  # the folder's own line says what the sub-package is for
        folder = f"`{parts[0]}/`" if len(parts) > 1 else "base modules"
        named = (f"`{parts[-1]}`", f"`{'/'.join(parts)}`")
        if not any(folder in row[1] and any(n in row[2] for n in named) for row in rows) and not (
            len(parts) == 1 and any(named[0] in row[1] for row in rows)
        ):
            missing.append("/".join(parts))
    return missing


def test_where_things_are_names_every_module(tmp_path: Path) -> None:
    """It finds each module of src/trialfinder in its folder's row of docs/development.md."""
    development = (DOCS / "development.md").read_text(encoding="utf-8")
    table = development.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    assert unnamed_modules(table, ROOT / "src" / "trialfinder") == []
    # The check sees a module its row leaves out (as markup.py once was from models/).
    (tmp_path / "models").mkdir()
    for name in ("__init__.py", "records.py", "markup.py"):
        (tmp_path / "models" / name).write_text('"""A module."""\n', encoding="utf-8")
    table = "| `models/` | the records: `records.py` |\n| base modules | `errors.py` |\n"
    assert unnamed_modules(table, tmp_path) == ["models/markup.py"]


#: Endings of file names that read like dotted paths (``trialfinder.fish``), not imports.
FILE_ENDINGS = frozenset({"db", "fish", "json", "md", "py", "sqlite", "toml", "txt", "yaml"})


def import_paths(text: str) -> set[str]:
    """The dotted ``trialfinder`` paths a text names, in imports and in prose.

    ``from trialfinder.export import TABLES, export_parquet`` gives ``trialfinder.export``,
    ``trialfinder.export.TABLES`` and ``trialfinder.export.export_parquet``; a backticked
    ``trialfinder.query.LIST_FIELDS`` gives itself.
    """
    paths = set()
    for base, names in re.findall(r"from (trialfinder(?:\.\w+)*) import ([\w ,]+)", text):
        paths |= {f"{base}.{n.split(' as ')[0].strip()}" for n in names.split(",") if n.strip()}
    for path in re.findall(r"(?<![\w./~-])trialfinder(?:\.[A-Za-z_]\w*)+", text):
        if path.rsplit(".", 1)[1] not in FILE_ENDINGS:
            paths.add(path)
    return paths


def resolves(path: str) -> bool:
    """Whether ``path`` imports: its longest module prefix, then attributes down to the end."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for part in parts[cut:]:
            if not hasattr(found, part):
                return False
            found = getattr(found, part)
        return True
    return False


#: The heading of the section of docs/library.md that lists the paths of before the folders.
FORMER_PATHS_HEADING = "## Import paths from before the folders"


def documented_paths(*, former: bool = True) -> dict[str, set[str]]:
    """Each trialfinder path README.md, docs/, examples/ and the ``>>>`` examples of the
    package's docstrings name, with the files naming it; without the section that lists the
    old paths unless ``former``."""
    named: dict[str, set[str]] = {}
    texts = [ROOT / "README.md", *DOCS.glob("*.md"), *(ROOT / "examples").glob("*.py")]
    for file in sorted(texts):
        text = file.read_text(encoding="utf-8")
        if not former and FORMER_PATHS_HEADING in text:
            before, after = text.split(FORMER_PATHS_HEADING, 1)
            text = before + (after.split("\n## ", 1)[1] if "\n## " in after else "")
        for path in import_paths(text):
            named.setdefault(path, set()).add(str(file.relative_to(ROOT)))
    for module in sorted((ROOT / "src" / "trialfinder").rglob("*.py")):
        examples = re.findall(r">>> (from trialfinder.*)", module.read_text(encoding="utf-8"))
        for path in import_paths("\n".join(examples)):
            named.setdefault(path, set()).add(str(module.relative_to(ROOT)))
    return named


def test_every_import_path_the_docs_name_imports() -> None:
    """It imports each trialfinder path that README.md, docs/ and examples/ name, and those of
    the ``>>>`` examples in the package's docstrings."""
    named = documented_paths()
    failing = {path: sorted(where) for path, where in named.items() if not resolves(path)}
    assert failing == {}
    assert {"trialfinder.LIST_FIELDS", "trialfinder.cached_session"} <= named.keys()
    assert {"trialfinder.cli.cli", "trialfinder.export.TABLES"} <= named.keys()
    assert "trialfinder.query.LIST_FIELDS" in named  # the old paths are listed, and import


def test_the_docs_name_public_objects_by_their_top_level_name() -> None:
    """It finds no public name reached through a module (``trialfinder.query.pieces.LIST_FIELDS``
    for ``trialfinder.LIST_FIELDS``) outside the list of the paths of before the folders."""
    import trialfinder

    public = set(trialfinder.__all__)
    inner = {
        path: sorted(where)
        for path, where in documented_paths(former=False).items()
        if path.rsplit(".", 1)[1] in public and path.count(".") > 1
    }
    assert inner == {}


def test_the_import_path_check_sees_a_path_that_does_not_import() -> None:
    """It reads paths out of imports and prose, and refuses a module or a name that is not."""
    text = (
        "from trialfinder.export import TABLES, export_parquet as ep\n"
        "Use `trialfinder.query.pieces.LIST_FIELDS`; see ~/.config/trialfinder.fish.\n"
    )
    assert import_paths(text) == {
        "trialfinder.export",
        "trialfinder.export.TABLES",
        "trialfinder.export.export_parquet",
        "trialfinder.query.pieces.LIST_FIELDS",
    }
    assert resolves("trialfinder.query.pieces.LIST_FIELDS")
    assert not resolves("trialfinder.query.pieces.NO_SUCH_NAME")
    assert not resolves("trialfinder.no_such_module.cached_session")
