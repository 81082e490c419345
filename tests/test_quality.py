"""The same checks locally and in CI: lint, formatting and strict typing."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_mypy

ROOT = Path(__file__).parent.parent
CODE = [d for d in ("src", "tests", "examples", "benchmarks") if (ROOT / d).is_dir()]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_and_format() -> None:
    """It keeps the code free of lint and formatted."""
    # Through this Python, so an installed ruff runs even when its script is not on PATH.
    lint = run(sys.executable, "-m", "ruff", "check", *CODE)
    assert lint.returncode == 0, lint.stdout
    fmt = run(sys.executable, "-m", "ruff", "format", "--check", *CODE)
    assert fmt.returncode == 0, fmt.stdout


def test_mypy_strict() -> None:
    """It type-checks the package strictly."""
    done = run_mypy()
    assert done.returncode == 0, done.stdout


def missing_dependencies(pyproject: str, extra: str) -> list[str]:
    """The requirements of ``extra`` in ``pyproject`` (the text of a pyproject.toml), the
    project's own extras it names included, that are not installed in a version they allow."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement

    project = tomllib.loads(pyproject)["project"]
    extras: dict[str, list[str]] = project["optional-dependencies"]
    missing: list[str] = []
    todo, seen = [extra], {extra}
    while todo:
        for line in extras[todo.pop()]:
            wanted = Requirement(line)
            if wanted.name == project["name"]:
                todo.extend(sorted(set(wanted.extras) - seen))
                seen |= wanted.extras
                continue
            if wanted.marker is not None and not wanted.marker.evaluate():
                continue
            try:
                installed = version(wanted.name)
            except PackageNotFoundError:
                missing.append(f"{line} (not installed)")
                continue
            if not wanted.specifier.contains(installed, prereleases=True):
                missing.append(f"{line} ({installed} installed)")
    return missing


def test_every_test_dependency_is_installed() -> None:
    """It fails, rather than letting checks skip, when a test dependency is missing: the layer
    contract needs import-linter, these checks ruff and mypy, the export tests pyarrow."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert missing_dependencies(pyproject, "test") == []


def test_a_missing_test_dependency_is_named() -> None:
    """It names a requirement of the extra, or of an extra it names, not installed or too old."""
    pyproject = """
[project]
name = "trialfinder"
[project.optional-dependencies]
more = ["no-such-package-for-trialfinder-tests", "pytest<1", "mypy; python_version < '3'"]
test = ["trialfinder[more]", "pytest>=1"]
"""
    assert missing_dependencies(pyproject, "test") == [
        "no-such-package-for-trialfinder-tests (not installed)",
        f"pytest<1 ({pytest.__version__} installed)",
    ]


def test_digits_are_ascii_in_every_pattern() -> None:
    """It matches digits as [0-9] everywhere: a Unicode digit class would take "５５９０５" or
    "٥" for numbers that the code after it (the ZIP data, the API) cannot read."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "\\d" in line or ".isdigit()" in line
    ]
    assert offenders == []


FULLWIDTH_5 = "\uff15"  # "５"
ARABIC_INDIC_5 = "\u0665"  # "٥"
SUPERSCRIPT_2 = "\u00b2"  # "²": a digit to str.isdigit(), not a number to int()


@pytest.mark.parametrize("digit", [FULLWIDTH_5, ARABIC_INDIC_5, SUPERSCRIPT_2])
def test_every_reader_of_numbers_takes_only_ascii_digits(digit: str) -> None:
    """It reads no number written in digits of other scripts, and never crashes on one."""
    from trialfinder.errors import InvalidQuery
    from trialfinder.export.tables import partial_date
    from trialfinder.http.failures import parse_retry_after
    from trialfinder.notes.annotate import age_in_days, period_end
    from trialfinder.query.ages import check_age
    from trialfinder.query.filters import parse_radius
    from trialfinder.query.lexicon import is_code
    from trialfinder.render.term import output_width, supports_links
    from trialfinder.watch.diff import near_of

    for typed in (digit, f"{digit}m", f"1{digit}"):
        with pytest.raises(InvalidQuery, match="Bad age"):
            check_age(typed)
    for typed in (f"{digit}0", f"{digit}0km"):
        with pytest.raises(InvalidQuery, match="Bad radius"):
            parse_radius(typed)
    assert age_in_days(f"{digit} Years") is None
    assert period_end(f"202{digit}-11") is None
    assert partial_date(f"202{digit}-11") == (None, None)
    assert parse_retry_after(f"{digit}0") is None
    assert not is_code(f"MK-347{digit}")
    assert near_of({"filter.geo": f"distance(4{digit},-92,50mi)"}) is None
    assert not supports_links({"VTE_VERSION": f"{digit}000"})
    assert output_width(io.StringIO(), {"COLUMNS": f"12{digit}"}) == 100
