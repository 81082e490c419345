"""The package as published: public names, typing marker, lazy imports."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import trialfinder


def test_public_api_sorted_and_importable() -> None:
    """It exports a sorted __all__ whose every name resolves."""
    assert trialfinder.__all__ == sorted(trialfinder.__all__)
    for name in trialfinder.__all__:
        assert getattr(trialfinder, name) is not None
    assert issubclass(trialfinder.InvalidQuery, trialfinder.TrialFinderError)


def test_every_error_is_exported() -> None:
    """It exports every exception class a call may raise, ConfigError and CacheError too."""
    from trialfinder import errors

    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    for error in classes:
        assert getattr(trialfinder, error.__name__) is error


def _types_in(annotation: object) -> set[type]:
    """The classes named anywhere in a type annotation."""
    import typing

    found = {annotation} if isinstance(annotation, type) else set()
    for argument in typing.get_args(annotation):
        found |= _types_in(argument)
    return found


def test_every_record_a_search_result_holds_is_exported() -> None:
    """It exports each type a caller meets inside a SearchResult: studies, notes, loosening."""
    seen: set[type] = set()
    todo: list[type] = [trialfinder.SearchResult]
    while todo:
        kind = todo.pop()
        if kind in seen or not kind.__module__.startswith("trialfinder."):
            continue
        seen.add(kind)
        assert getattr(trialfinder, kind.__name__) is kind, kind.__name__
        fields = getattr(kind, "model_fields", None) or getattr(kind, "__dataclass_fields__", {})
        for field in fields.values():
            annotation = getattr(field, "annotation", None) or field.type
            todo += _types_in(annotation)
    assert {"AgentCheck", "Combination", "NearestSiteNote", "Staleness"} <= {
        kind.__name__ for kind in seen
    }


def test_unknown_attribute() -> None:
    """It raises AttributeError for names it does not have."""
    try:
        trialfinder.nonexistent  # noqa: B018
    except AttributeError as exc:
        assert "nonexistent" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_py_typed_marker() -> None:
    """It ships the py.typed marker."""
    assert (Path(trialfinder.__file__).parent / "py.typed").exists()


def test_every_error_inherits_from_the_root() -> None:
    """It roots every exception in TrialFinderError."""
    from trialfinder import errors

    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, Exception)]
    assert len(classes) >= 12
    assert all(issubclass(c, errors.TrialFinderError) for c in classes)


def test_importing_the_package_is_light() -> None:
    """It loads neither requests, pydantic nor tenacity on import."""
    code = (
        "import sys, trialfinder, trialfinder.cli.main; "
        "print(sorted(m for m in ('requests', 'pydantic', 'tenacity') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def summary_problem(source: str) -> str | None:
    """What is wrong with a module's opening docstring, or None when it says its job.

    The docstring's first line must be one whole sentence (PEP 257's summary line): it ends
    with a full stop, holds no second sentence, and is followed by a blank line or nothing.
    """
    docstring = ast.get_docstring(ast.parse(source), clean=False)
    if docstring is None or not docstring.strip():
        return "has no docstring"
    lines = docstring.strip("\n").splitlines()
    first = lines[0].strip()
    if not first.endswith("."):
        return f"first line is not a whole sentence: {first!r}"
    if re.search(r"[.!?] +[A-Z]", first[:-1]):
        return f"first line holds more than one sentence: {first!r}"
    if len(lines) > 1 and lines[1].strip():
        return f"first line runs on into the next: {first!r}"
    return None


def test_summary_check_catches_modules_that_do_not_say_their_job() -> None:
    """It tells a one-sentence summary from none, a run-on line, two sentences, no full stop."""
    assert summary_problem('"""Talk HTTP to the API.\n\nMore here.\n"""\n') is None
    assert summary_problem('"""Talk HTTP to the API."""\n') is None
    assert summary_problem("import os\n") == "has no docstring"
    assert summary_problem('"""The calls: search,\nand show.\n"""\n') is not None
    assert summary_problem('"""Talk HTTP. Also cache.\n"""\n') is not None
    assert summary_problem('"""Talk HTTP to the API\n"""\n') is not None


def test_every_module_opens_by_saying_its_job() -> None:
    """It checks every module of the package, sub-packages' __init__.py included."""
    package = Path(trialfinder.__file__).parent
    modules = sorted(package.rglob("*.py"))
    problems = [
        f"{path.relative_to(package.parent)} {problem}"
        for path in modules
        if (problem := summary_problem(path.read_text(encoding="utf-8")))
    ]
    assert not problems, "\n".join(problems)
    # A folder of modules without __init__.py would be a namespace package, with no docstring.
    folders = {path.parent for path in modules}
    assert all((folder / "__init__.py").exists() for folder in folders), folders
    assert len(modules) >= 20


def test_search_output_loads_no_treatment_or_place_modules() -> None:
    """Notes and rendering load the combination and distance modules only when asked."""
    code = (
        "import sys, trialfinder.notes.annotate, trialfinder.render.formats, "
        "trialfinder.render.table, trialfinder.render.study; "
        "print(sorted(m for m in ('trialfinder.notes.combos', 'trialfinder.render.combotext', "
        "'trialfinder.notes.nearest', 'trialfinder.notes.treatments', "
        "'trialfinder.notes.vocabulary') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_package_exports_the_watch_api() -> None:
    """It exports Watchlist, diff and the report types lazily, with __all__ kept sorted."""
    import trialfinder

    assert trialfinder.__all__ == sorted(trialfinder.__all__)
    for name in ("ChangeReport", "RunReport", "SavedSearch", "StudyState", "Watchlist", "diff"):
        assert name in trialfinder.__all__
        assert getattr(trialfinder, name).__module__.startswith("trialfinder.watch.")
    for name in ("WatchError", "InvalidWatch", "UnknownWatch", "WatchStoreError"):
        assert issubclass(getattr(trialfinder, name), trialfinder.TrialFinderError)


#: Paths the docs gave before the package was grouped into folders, and the top-level name
#: each is: the public names the old modules held (docs/library.md lists them).
FORMER_PATHS = {
    "trialfinder.cache.cached_session": "cached_session",
    "trialfinder.query.LIST_FIELDS": "LIST_FIELDS",
    "trialfinder.query.SearchQuery": "SearchQuery",
    "trialfinder.export.export_parquet": "export_parquet",
    "trialfinder.export.ExportManifest": "ExportManifest",
    **{f"trialfinder.watch.{name}": name for name in ("ChangeReport", "RunReport", "Watchlist")},
    **{
        f"trialfinder.models.{name}": name
        for name in (
            "AgeCheck",
            "AgentCheck",
            "Arm",
            "Combination",
            "Contact",
            "Eligibility",
            "Intervention",
            "Location",
            "Loosening",
            "NearestSite",
            "NearestSiteNote",
            "SearchPlan",
            "SearchResult",
            "SexCheck",
            "Staleness",
            "Study",
            "StudyNotes",
            "parse_study",
        )
    },
}


def test_the_import_paths_of_before_the_folders_give_the_public_objects() -> None:
    """It imports each path the docs gave before the folders as the top-level object, and the
    command group and the dataset's columns from their old packages."""
    import importlib

    for path, name in FORMER_PATHS.items():
        module, attribute = path.rsplit(".", 1)
        assert getattr(importlib.import_module(module), attribute) is getattr(trialfinder, name)
    from trialfinder.cli import cli
    from trialfinder.cli.main import cli as group
    from trialfinder.export import TABLES
    from trialfinder.export.tables import TABLES as columns

    assert cli is group and TABLES is columns


def test_the_old_packages_still_refuse_names_they_never_had() -> None:
    """It raises AttributeError naming the package and the name, and lets submodules import."""
    import importlib

    import trialfinder.models

    missing = "NoSuchName"
    for package in ("cli", "export", "models", "query", "watch"):
        module = importlib.import_module(f"trialfinder.{package}")
        try:
            getattr(module, missing)
        except AttributeError as exc:
            assert f"trialfinder.{package}" in str(exc) and "NoSuchName" in str(exc)
        else:
            raise AssertionError(f"trialfinder.{package} has NoSuchName")
    from trialfinder.models import notes
    from trialfinder.watch import diff

    assert notes.__name__ == "trialfinder.models.notes"
    assert diff.__name__ == "trialfinder.watch.diff"  # the function is trialfinder.diff
    assert trialfinder.models.StudyNotes is notes.StudyNotes


def test_the_old_packages_load_their_names_only_when_asked() -> None:
    """It imports the packages, the command group and LIST_FIELDS by their old paths without
    loading requests, pydantic, tenacity or any module the names live in."""
    code = (
        "import sys\n"
        "import trialfinder.cli, trialfinder.export, trialfinder.models, trialfinder.query\n"
        "import trialfinder.watch\n"
        "late = [m for m in ('trialfinder.models.records', 'trialfinder.export.dataset',"
        " 'trialfinder.watch.watchlist', 'trialfinder.query.pieces', 'trialfinder.cli.main')"
        " if m in sys.modules]\n"
        "from trialfinder.cli import cli\n"
        "from trialfinder.query import LIST_FIELDS\n"
        "heavy = [m for m in ('requests', 'pydantic', 'tenacity') if m in sys.modules]\n"
        "print(late, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[] []"
