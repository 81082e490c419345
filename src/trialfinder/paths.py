"""Where trialfinder keeps its files, and who may read them.

Three folders, each found the same way: trialfinder's own environment variable, else the XDG
variable (an absolute path, as the XDG spec requires), else the platform's convention from
platformdirs. On Linux that is ``~/.config/trialfinder``, ``~/.local/share/trialfinder`` and
``~/.cache/trialfinder``; on macOS ``~/Library/Application Support/trialfinder`` (configuration
and data) and ``~/Library/Caches/trialfinder``; on Windows ``%LOCALAPPDATA%\\trialfinder`` and
``%LOCALAPPDATA%\\trialfinder\\Cache``. Earlier versions used the Linux folders everywhere: a
file they left there is still used while the platform's folder has none, so nothing is lost.

Saved searches and cached answers name a person's conditions and treatments, so on POSIX
systems their folders are made ``0700`` and their files ``0600`` whatever the umask; elsewhere
the system's defaults stand. Only the standard library is imported until a default is needed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "trialfinder"
CONFIG_ENV = "TRIALFINDER_CONFIG"
DATA_DIR_ENV = "TRIALFINDER_DATA_DIR"
CACHE_DIR_ENV = "TRIALFINDER_CACHE_DIR"
CONFIG_FILENAME = "config.toml"
DB_FILENAME = "watch.db"
CACHE_FILENAME = "http_cache.sqlite"
#: Files SQLite may keep next to a database, which hold its pages too.
SQLITE_SIDE_SUFFIXES = ("-journal", "-wal", "-shm")


@dataclass(frozen=True)
class _Folder:
    own_env: str | None
    xdg_env: str
    #: Below the home folder, where earlier versions kept it on every system.
    legacy: tuple[str, ...]
    #: The platformdirs property giving the platform's folder.
    platform: str
    #: The file it holds, looked for in the legacy folder.
    filename: str


_CONFIG = _Folder(None, "XDG_CONFIG_HOME", (".config",), "user_config_dir", CONFIG_FILENAME)
_DATA = _Folder(DATA_DIR_ENV, "XDG_DATA_HOME", (".local", "share"), "user_data_dir", DB_FILENAME)
_CACHE = _Folder(CACHE_DIR_ENV, "XDG_CACHE_HOME", (".cache",), "user_cache_dir", CACHE_FILENAME)


def _resolve(folder: _Folder, env: Mapping[str, str] | None) -> Path:
    env = os.environ if env is None else env
    if folder.own_env and env.get(folder.own_env):
        return Path(env[folder.own_env]).expanduser()
    xdg = Path(env.get(folder.xdg_env, "")).expanduser()
    if xdg.is_absolute():
        return xdg / APP_NAME
    # Loaded here: a path given by the environment needs no third-party module.
    import platformdirs

    native = Path(getattr(platformdirs.PlatformDirs(APP_NAME, appauthor=False), folder.platform))
    legacy = Path.home().joinpath(*folder.legacy, APP_NAME)
    # Files, not folders: on Windows the data folder holds the cache's, for one.
    file = folder.filename
    if native != legacy and (legacy / file).exists() and not (native / file).exists():
        return legacy
    return native


def config_file(env: Mapping[str, str] | None = None) -> Path:
    """The configuration file: ``$TRIALFINDER_CONFIG``, else ``config.toml`` in the config folder.

    Args:
        env: the environment to read (default ``os.environ``).
    """
    env = os.environ if env is None else env
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    return _resolve(_CONFIG, env) / CONFIG_FILENAME


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of saved searches: ``$TRIALFINDER_DATA_DIR``, else the platform's data folder."""
    return _resolve(_DATA, env)


def watch_db(env: Mapping[str, str] | None = None) -> Path:
    """The database of saved searches: ``watch.db`` in :func:`data_dir`."""
    return data_dir(env) / DB_FILENAME


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The response cache's folder: ``$TRIALFINDER_CACHE_DIR``, else the platform's cache folder."""
    return _resolve(_CACHE, env)


def cache_file(directory: Path | None = None) -> Path:
    """The response cache's SQLite file in ``directory`` (default :func:`cache_dir`)."""
    return (cache_dir() if directory is None else directory) / CACHE_FILENAME


# -- who may read them ---------------------------------------------------------------------


def _tighten(path: Path) -> None:
    """Take every permission away from group and others; never add one."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        path.chmod(mode & 0o700)


def private_folder(path: Path, *, tighten: bool = True) -> None:
    """Make ``path`` and its missing parents as folders only the user can open (``0700``).

    An existing ``path`` is tightened when ``tighten`` is true (trialfinder's own folders); a
    folder the user chose for another reason, such as the parent of ``--db``, is left as it is.
    Does nothing special on non-POSIX systems.

    Raises:
        OSError: a folder cannot be made or its mode changed.
    """
    if os.name != "posix":
        path.mkdir(parents=True, exist_ok=True)
        return
    missing = []
    while not path.exists() and path != path.parent:
        missing.append(path)
        path = path.parent
    if not missing:
        if tighten:
            _tighten(path)
        return
    for folder in reversed(missing):
        try:
            folder.mkdir(0o700)
        except FileExistsError:  # made meanwhile by another process
            _tighten(folder)
            continue
        folder.chmod(0o700)  # the umask may have taken the user's own bits too


def private_file(path: Path) -> None:
    """Make ``path`` a file only the user can read and write (``0600``), with SQLite's side files.

    A missing file is created empty with that mode, never readable by others even for an
    instant; an existing one, and any ``-journal``, ``-wal`` or ``-shm`` file beside it, loses
    the permissions of group and others. SQLite gives the side files it creates later the mode
    of the database. Does nothing on non-POSIX systems.

    Raises:
        OSError: the file cannot be made or its mode changed.
    """
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _tighten(path)
    else:
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    for suffix in SQLITE_SIDE_SUFFIXES:
        side = Path(f"{path}{suffix}")
        if side.exists():
            _tighten(side)
