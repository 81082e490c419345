"""The user's configuration file: defaults for the command line, in TOML.

The file lives at ``$TRIALFINDER_CONFIG``, else ``$XDG_CONFIG_HOME/trialfinder/config.toml``,
else in the platform's config folder (``~/.config/trialfinder/config.toml`` on Linux; see
:mod:`trialfinder.paths`). It holds flat keys, for example::

    status = "recruiting"
    near = "55905"
    radius = 100
    format = "markdown"

Options on the command line win over environment variables, which win over the file, which
wins over the built-in defaults. Light to import: no third-party modules on Python 3.11+.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trialfinder.defaults import (
    API_URL_ENV,
    DEFAULT_API_URL,
    DEFAULT_LIMIT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_READ_TIMEOUT,
    TIMEOUT_RANGE,
)
from trialfinder.errors import ConfigError, InvalidQuery
from trialfinder.filterspec import FILTERS
from trialfinder.paths import config_file


@dataclass(frozen=True)
class Setting:
    """One setting the file may hold.

    Attributes:
        name: key in the file.
        types: Python types accepted for the value.
        default: the built-in default, shown by ``config show``.
        help: what it sets.
        option: the command-line option it is the default for.
        env: an environment variable that also sets it, if any.
    """

    name: str
    types: tuple[type, ...]
    default: object
    help: str
    option: str
    env: str | None = None


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("api_url", (str,), DEFAULT_API_URL, "API base URL", "--api-url", API_URL_ENV),
        Setting("format", (str,), "table", "output format of search", "--format"),
        Setting("limit", (int, str), DEFAULT_LIMIT, "most studies to show, or 'all'", "--limit"),
        Setting(
            "timeout",
            (int, float),
            DEFAULT_READ_TIMEOUT,
            "seconds to wait for each answer",
            "--timeout",
        ),
        Setting("retries", (int,), DEFAULT_MAX_ATTEMPTS, "attempts per request", "--retries"),
        *(
            Setting(
                f.name,
                f.setting_types,
                f.default if f.setting_default is None else f.setting_default,
                f.setting,
                f.option[0],
            )
            for f in FILTERS
            if f.setting is not None
        ),
    ]
}

_FILTER_SETTINGS = [f.name for f in FILTERS if f.setting is not None]
#: The click parameter each setting feeds, per command (``group command`` for a subcommand).
_PARAMS = {"format": "fmt"}
_COMMANDS = {
    "search": ["api_url", "format", "limit", "timeout", "retries", *_FILTER_SETTINGS],
    # A saved search takes the same defaults as search (and stores them: see 'watch add').
    "watch add": ["limit", *_FILTER_SETTINGS],
    "show": ["api_url", "timeout", "retries"],
    "mcp": ["api_url", "timeout", "retries"],
}

#: The groups whose subcommands take settings (``watch`` for ``watch add``).
_GROUPS = {command.split()[0] for command in _COMMANDS if " " in command}


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the configuration file is looked for (see :func:`trialfinder.paths.config_file`)."""
    return config_file(env)


def _toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


def blame(path: Path, key: str, problem: str) -> str:
    """A problem with one setting, naming the file and the key."""
    return f"Setting '{key}' in {path}: {problem}"


def _value_problem(key: str, value: object, *, places: bool = False) -> str | None:
    """What is wrong with a value the library would refuse (the CLI's own checks aside).

    Every filter setting is checked as the library checks that filter; a place (``near``)
    only with ``places``, as finding it loads the place data (a search finds it anyway).
    """
    # Loaded here: checking a file must not load the search code for `config path`.
    from trialfinder.query import filters
    from trialfinder.query.values import check_api_url, check_seconds

    least, most = TIMEOUT_RANGE
    checks: dict[str, Any] = {
        # The filter settings: tests/cli/test_config.py fails on one without a check here.
        "status": filters.parse_status,
        "near": _find_place if places else None,
        "radius": filters.parse_radius,
        "api_url": check_api_url,
        # TOML has nan and inf, which click's range would let through (nan) to the client.
        "timeout": lambda value: check_seconds(value, "timeout", least=least, most=most),
    }
    check = checks.get(key)
    if check is None:
        return None
    try:
        check(value)
    except InvalidQuery as exc:
        return exc.message_with({key: key})
    return None


def _find_place(value: str) -> None:
    from trialfinder.query.places import resolve_place

    resolve_place(value)


#: A problem found in the file: the setting it concerns (None: the whole file), and a sentence.
Problem = tuple[str | None, str]


def read(
    path: Path | None = None, *, places: bool = False
) -> tuple[dict[str, object], list[Problem]]:
    """The file's usable settings, and each problem found (for ``config show``).

    An absent file is an empty configuration. ``places``: look up a ``near`` place too
    (commands look it up when they use it). A setting with a problem is left out of the
    values; a file that cannot be read or parsed gives no values and one problem.
    """
    path = config_path() if path is None else path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [(None, f"Cannot read the configuration file {path}: {exc}")]
    try:
        data = _toml_loads(text)
    except ValueError as exc:
        return {}, [(None, f"The configuration file {path} is not valid TOML ({exc}); fix it.")]
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        setting = SETTINGS.get(key)
        if setting is None:
            known = ", ".join(SETTINGS)
            problems.append((key, f"Unknown setting '{key}' in {path}; known settings: {known}."))
            continue
        if isinstance(value, bool) or not isinstance(value, setting.types):
            kinds = " or ".join(t.__name__ for t in setting.types)
            problems.append((key, blame(path, key, f"must be {kinds}, not {value!r}.")))
            continue
        problem = _value_problem(key, value, places=places)
        if problem is not None:
            problems.append((key, blame(path, key, problem)))
            continue
        values[key] = value
    return values, problems


def load(path: Path | None = None) -> dict[str, object]:
    """Read and check the configuration file; an absent file is an empty configuration.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or holds unknown keys or
            values of the wrong type or meaning; the message names the file and the key.
    """
    path = config_path() if path is None else path
    values, problems = read(path)
    if problems:
        more = len(problems) - 1
        also = f" ({more} more: see 'trialfinder config show')" if more else ""
        raise ConfigError(problems[0][1] + also)
    return values


class LazyDefaultMap(dict[str, dict[str, object]]):
    """Click's ``default_map`` that reads the file only when a command using it runs.

    ``config show``, ``config path`` and ``cache info`` never read it, so a broken file
    cannot lock out the commands that help to fix it.

    Raises (from ``get``):
        ConfigError: the file is wrong, when a command that uses it starts.
    """

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = config_path() if path is None else path
        self._loaded = False

    def load(self) -> None:
        """Read the file, once."""
        if not self._loaded:
            self._loaded = True
            self.update(default_map(load(self.path)))

    def get(self, key: str, default: Any = None) -> Any:
        if key in _GROUPS:
            # A group (watch): its own subcommands decide, so 'watch list' never reads it.
            return _LazyGroup(self, key)
        if key in _COMMANDS:
            self.load()
        return super().get(key, default)


class _LazyGroup(dict[str, dict[str, object]]):
    """The default map of a group, reading the file only for a subcommand that uses it."""

    def __init__(self, root: LazyDefaultMap, name: str) -> None:
        super().__init__()
        self._root = root
        self._name = name

    def get(self, key: str, default: Any = None) -> Any:
        if f"{self._name} {key}" not in _COMMANDS:
            return default
        self._root.load()
        return dict.get(self._root, self._name, {}).get(key, default)


def setting_for(param: str) -> str:
    """The setting that feeds a click parameter (``fmt`` → ``format``)."""
    return next((name for name, p in _PARAMS.items() if p == param), param)


def commands_using(name: str) -> list[tuple[str, str]]:
    """The (command, click parameter) pairs a setting is the default for."""
    return [(cmd, _PARAMS.get(name, name)) for cmd, names in _COMMANDS.items() if name in names]


def default_map(values: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """Click's ``default_map`` for the commands the settings apply to.

    A subcommand (``watch add``) gets its defaults nested under its group, as click reads them.
    """
    out: dict[str, dict[str, Any]] = {}
    for command, names in _COMMANDS.items():
        defaults = {_PARAMS.get(name, name): values[name] for name in names if name in values}
        *groups, leaf = command.split()
        node = out
        for group in groups:
            node = node.setdefault(group, {})
        node[leaf] = defaults
    return out


def effective(
    values: Mapping[str, object], path: Path, env: Mapping[str, str] | None = None
) -> list[tuple[str, object, str]]:
    """Each setting's value in force and where it came from, for ``config show``."""
    env = os.environ if env is None else env
    rows: list[tuple[str, object, str]] = []
    for setting in SETTINGS.values():
        if setting.env and env.get(setting.env):
            rows.append((setting.name, env[setting.env], f"environment ({setting.env})"))
        elif setting.name in values:
            rows.append((setting.name, values[setting.name], f"config file ({path})"))
        else:
            rows.append((setting.name, setting.default, "default"))
    return rows
