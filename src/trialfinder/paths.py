"""Where trialfinder keeps its files, and who may read them.

Three folders, each found the same way: trialfinder's own environment variable, else the XDG
variable (an absolute path, as the XDG spec requires), else the platform's convention from
platformdirs. On Linux that is ``~/.config/trialfinder``, ``~/.local/share/trialfinder`` and
``~/.cache/trialfinder``; on macOS ``~/Library/Application Support/trialfinder`` (configuration
and data) and ``~/Library/Caches/trialfinder``; on Windows ``%LOCALAPPDATA%\\trialfinder`` and
``%LOCALAPPDATA%\\trialfinder\\Cache``. Earlier versions used the Linux folders everywhere: a
file they left there is still used while the platform's folder has none, so nothing is lost.

Saved searches and cached answers name a person's conditions and treatments, so on POSIX
systems their files are ``0600`` and the folders made for them ``0700``, whatever the umask;
elsewhere the system's defaults stand. Only what is trialfinder's own is ever tightened: the
folders it creates, its files (the database, the cache and SQLite's side files) wherever they
are, and its default data and cache folders. A folder someone named (``$TRIALFINDER_DATA_DIR``,
``$TRIALFINDER_CACHE_DIR``, the folder of ``--db``) that already exists is left as it was set,
since it may hold other things or be shared on purpose; no mode is ever loosened, and special
bits (set-group-ID, sticky) are kept. Only the standard library is imported until a default
is needed.
"""

from __future__ import annotations

import errno
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


class WrongKindError(OSError):
    """A path that must be a folder is not one, or one that must be a regular file is not.

    Its text is one line, such as ``/home/ada/notes is not a folder``; ``filename`` is the path.
    """

    def __str__(self) -> str:
        return f"{self.filename} {self.strerror}"


def is_app_folder(path: Path, env: Mapping[str, str] | None = None) -> bool:
    """True when ``path`` is trialfinder's own data or cache folder.

    That is the folder trialfinder chose itself (``trialfinder`` in the XDG or the platform's
    folder, or where an earlier version left its files), unless it is a link: that leads to a
    folder someone chose. A folder named by ``$TRIALFINDER_DATA_DIR`` or
    ``$TRIALFINDER_CACHE_DIR``, or given by a caller, is not: it may hold other things or be
    shared on purpose, so its mode is left as it was set.

    Args:
        path: the folder to ask about.
        env: the environment to read (default ``os.environ``).
    """
    env = os.environ if env is None else env
    path = path.absolute()
    if path.is_symlink():
        return False
    for folder in (_DATA, _CACHE):
        if folder.own_env and env.get(folder.own_env):
            continue
        if path == _resolve(folder, env).absolute():
            return True
    return False


def _tighten(path: Path, user: int = 0) -> None:
    """Take every permission away from group and others, and give the user ``user``.

    The special bits (set-user-ID, set-group-ID, sticky) stay as they were.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    wanted = (mode & ~0o077) | user
    if wanted != mode:
        path.chmod(wanted)


def private_folder(path: Path, *, tighten: bool) -> None:
    """Make ``path`` and its missing parents as folders only the user can open (``0700``).

    The folders it creates are trialfinder's and made ``0700`` whatever the umask. An existing
    ``path`` loses the permissions of group and others only when ``tighten`` is true (pass
    :func:`is_app_folder`) and it belongs to the user; its special bits are kept. Any other
    existing folder, such as one a variable or ``--db`` names, is left as it is. Only folders
    are made, and no mode changed, on non-POSIX systems.

    Raises:
        WrongKindError: ``path``, or a folder above it, is a file (nothing was changed).
        OSError: a folder cannot be made or its mode changed.
    """
    missing = []
    top = path
    while not os.path.lexists(top) and top != top.parent:
        missing.append(top)
        top = top.parent
    if not top.is_dir():
        raise WrongKindError(errno.ENOTDIR, "is not a folder", str(top))
    if os.name != "posix":
        path.mkdir(parents=True, exist_ok=True)
        return
    if not missing:
        if tighten and path.stat().st_uid == os.geteuid():
            _tighten(path)
        return
    for folder in reversed(missing):
        try:
            folder.mkdir(0o700)
        except FileExistsError:  # made meanwhile by another process: not ours to change
            if not folder.is_dir():
                raise WrongKindError(errno.ENOTDIR, "is not a folder", str(folder)) from None
            continue
        # The umask may have taken the user's own bits; a set-group-ID bit it inherited stays.
        _tighten(folder, 0o700)


def private_file(path: Path) -> None:
    """Make ``path`` a file only the user can read and write (``0600``), with SQLite's side files.

    A missing file is created empty with that mode, never readable by others even for an
    instant; an existing regular file, and any ``-journal``, ``-wal`` or ``-shm`` file beside
    it, loses the permissions of group and others (its special bits stay). SQLite gives the side
    files it creates later the mode of the database. Does nothing on non-POSIX systems.

    Raises:
        WrongKindError: ``path`` is a folder, a device or anything but a regular file (its mode
            was not changed).
        OSError: the file cannot be made or its mode changed.
    """
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.is_dir():
            raise WrongKindError(errno.EISDIR, "is a folder, not a file", str(path)) from None
        if not path.is_file():
            raise WrongKindError(errno.EINVAL, "is not a regular file", str(path)) from None
        _tighten(path)
    else:
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    for suffix in SQLITE_SIDE_SUFFIXES:
        side = Path(f"{path}{suffix}")
        if side.is_file():
            _tighten(side)
