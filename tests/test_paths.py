"""Where files live on each platform, which environment variables win, and private modes."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import platformdirs
import pytest
from platformdirs import windows
from platformdirs.api import PlatformDirsABC
from platformdirs.macos import MacOS
from platformdirs.unix import Unix
from platformdirs.windows import Windows

from trialfinder import paths

LOCAL_APPDATA = r"C:\Users\ada\AppData\Local"
ALL_ENV = (
    "TRIALFINDER_CONFIG",
    "TRIALFINDER_DATA_DIR",
    "TRIALFINDER_CACHE_DIR",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
)
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A home folder of its own and no variable that names a folder."""
    for name in ALL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", LOCAL_APPDATA)
    return tmp_path / "home"


def on(monkeypatch: pytest.MonkeyPatch, platform: type[PlatformDirsABC]) -> None:
    """Make platformdirs answer as it does on another system."""
    monkeypatch.setattr(platformdirs, "PlatformDirs", platform)


def where(env: dict[str, str] | None = None) -> tuple[Path, Path, Path]:
    return paths.config_file(env), paths.watch_db(env), paths.cache_file(paths.cache_dir(env))


def test_linux_paths_are_those_of_earlier_versions(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It keeps ~/.config, ~/.local/share and ~/.cache on Linux."""
    on(monkeypatch, Unix)
    assert where() == (
        home / ".config/trialfinder/config.toml",
        home / ".local/share/trialfinder/watch.db",
        home / ".cache/trialfinder/http_cache.sqlite",
    )


def test_macos_paths_are_in_the_library_folder(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It follows Apple's convention: Application Support and Caches."""
    on(monkeypatch, MacOS)
    support = home / "Library/Application Support/trialfinder"
    assert where() == (
        support / "config.toml",
        support / "watch.db",
        home / "Library/Caches/trialfinder/http_cache.sqlite",
    )


def test_windows_paths_are_in_local_app_data(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It follows Windows' convention: %LOCALAPPDATA%, the cache in a Cache folder."""
    on(monkeypatch, Windows)
    local = Path(LOCAL_APPDATA) / "trialfinder"
    assert where() == (
        local / "config.toml",
        local / "watch.db",
        local / "Cache" / "http_cache.sqlite",
    )


@pytest.mark.parametrize("platform", [Unix, MacOS, Windows])
def test_environment_variables_win_on_every_platform(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: type[PlatformDirsABC]
) -> None:
    """It takes trialfinder's variables first, then absolute XDG ones, on every system."""
    on(monkeypatch, platform)
    files = {"CONFIG": "config.toml", "DATA": "watch.db", "CACHE": "http_cache.sqlite"}
    xdg = {f"XDG_{kind}_HOME": str(tmp_path / kind) for kind in files}
    assert where(xdg) == tuple(tmp_path / k / "trialfinder" / f for k, f in files.items())
    own = {
        **xdg,
        "TRIALFINDER_CONFIG": str(tmp_path / "my.toml"),
        "TRIALFINDER_DATA_DIR": str(tmp_path / "data"),
        "TRIALFINDER_CACHE_DIR": str(tmp_path / "cache"),
    }
    assert where(own) == (
        tmp_path / "my.toml",
        tmp_path / "data/watch.db",
        tmp_path / "cache/http_cache.sqlite",
    )
    for name, value in own.items():
        monkeypatch.setenv(name, value)
    assert where() == where(own)


def test_relative_xdg_values_are_ignored(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It ignores a relative XDG value, as the XDG spec says, and a '~' one is the home's."""
    on(monkeypatch, Unix)
    relative = {"XDG_CONFIG_HOME": "cfg", "XDG_DATA_HOME": "data", "XDG_CACHE_HOME": "cache"}
    for name, value in relative.items():
        monkeypatch.setenv(name, value)
    assert where() == where({})
    assert where()[0] == home / ".config/trialfinder/config.toml"
    assert paths.cache_dir({"XDG_CACHE_HOME": "~/c"}) == home / "c" / "trialfinder"


@pytest.mark.parametrize("platform", [MacOS, Windows])
def test_folders_of_earlier_versions_are_still_used(
    home: Path, monkeypatch: pytest.MonkeyPatch, platform: type[PlatformDirsABC]
) -> None:
    """It keeps finding the files earlier versions left in the Linux places, until the
    platform's folder holds its own; a folder alone, or another file, does not count."""
    on(monkeypatch, platform)
    # Windows' folder as a real one here, where the files are made.
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", "")
    monkeypatch.setattr(windows, "get_win_folder", lambda name: str(home / "AppData/Local"))
    native = where()
    legacy = (
        home / ".config/trialfinder/config.toml",
        home / ".local/share/trialfinder/watch.db",
        home / ".cache/trialfinder/http_cache.sqlite",
    )
    (home / ".cache/trialfinder").mkdir(parents=True)
    assert where() == native
    for path in legacy[:2]:
        path.parent.mkdir(parents=True)
        path.write_bytes(b"")
    for path in native:
        path.parent.mkdir(parents=True, exist_ok=True)
    native[2].write_bytes(b"")  # on Windows, the cache's folder is inside the data folder
    assert where() == (*legacy[:2], native[2])
    native[1].write_bytes(b"")
    assert where() == (legacy[0], native[1], native[2])


# -- private modes --------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_new_folders_and_files_are_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """It makes missing folders 0700 and a new file 0600, even with a umask of 0o000: what it
    creates is its own, whether or not it may tighten an existing folder."""
    folder = tmp_path / "a" / "b"
    paths.private_folder(folder, tighten=False)
    paths.private_file(folder / "f.sqlite")
    assert (mode(tmp_path / "a"), mode(folder), mode(folder / "f.sqlite")) == (0o700, 0o700, 0o600)
    assert (folder / "f.sqlite").read_bytes() == b""


@posix_only
def test_existing_ones_are_tightened_never_loosened(tmp_path: Path) -> None:
    """It takes group and others' permissions away from a file, its SQLite side files and an
    own folder, keeping the special bits; it adds none."""
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o3775)
    db = folder / "f.sqlite"
    sides = [Path(f"{db}{suffix}") for suffix in ("-journal", "-wal", "-shm")]
    for path in (db, *sides):
        path.write_bytes(b"x")
        path.chmod(0o644)
    paths.private_folder(folder, tighten=True)
    paths.private_file(db)
    assert [mode(p) for p in (folder, db, *sides)] == [0o3700] + [0o600] * 4
    assert db.read_bytes() == b"x"
    db.chmod(0o400)
    paths.private_file(db)
    assert mode(db) == 0o400


@posix_only
def test_a_folder_it_may_not_tighten_is_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It changes no existing folder unless told it is its own, nor one of another user."""
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o3775)
    paths.private_folder(folder, tighten=False)
    assert mode(folder) == 0o3775
    monkeypatch.setattr(paths.os, "geteuid", lambda: folder.stat().st_uid + 1)
    paths.private_folder(folder, tighten=True)
    assert mode(folder) == 0o3775


@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux passes set-group-ID on")
def test_a_new_folder_keeps_the_set_group_id_bit_it_inherits(tmp_path: Path) -> None:
    """It takes group and others' permissions from the folders it makes, not their special bits."""
    tmp_path.chmod(0o2775)
    paths.private_folder(tmp_path / "a" / "b", tighten=True)
    assert (mode(tmp_path / "a"), mode(tmp_path / "a" / "b")) == (0o2700, 0o2700)


def test_a_file_where_a_folder_belongs_is_refused_unchanged(tmp_path: Path) -> None:
    """It says which path is not a folder, for the folder itself or one above it, and changes
    that file's mode in no way."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"mine")
    notes.chmod(0o644)
    for folder in (notes, notes / "a" / "b"):
        for tighten in (True, False):
            with pytest.raises(paths.WrongKindError) as caught:
                paths.private_folder(folder, tighten=tighten)
            assert str(caught.value) == f"{notes} is not a folder"
    assert (mode(notes), notes.read_bytes()) == (0o644, b"mine")


@posix_only
def test_a_folder_or_pipe_where_a_file_belongs_is_refused_unchanged(tmp_path: Path) -> None:
    """It makes private only regular files: a folder or a named pipe given as the file is
    refused, and its mode left as it was."""
    folder = tmp_path / "cache.sqlite"
    folder.mkdir()
    folder.chmod(0o755)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    pipe.chmod(0o644)
    for path, problem in ((folder, "is a folder, not a file"), (pipe, "is not a regular file")):
        with pytest.raises(paths.WrongKindError) as caught:
            paths.private_file(path)
        assert str(caught.value) == f"{path} {problem}"
    assert (mode(folder), mode(pipe)) == (0o755, 0o644)


def test_only_the_default_data_and_cache_folders_are_its_own(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """It counts as its own the data and cache folders it chose (XDG or the platform's), never
    a folder named by TRIALFINDER_DATA_DIR or TRIALFINDER_CACHE_DIR, nor any other, nor a link
    the user put in place of its own."""
    on(monkeypatch, Unix)
    data, cache = home / ".local/share/trialfinder", home / ".cache/trialfinder"
    assert paths.is_app_folder(data) and paths.is_app_folder(cache)
    xdg = {"XDG_DATA_HOME": str(tmp_path / "d"), "XDG_CACHE_HOME": str(tmp_path / "c")}
    assert paths.is_app_folder(tmp_path / "d" / "trialfinder", xdg)
    assert paths.is_app_folder(tmp_path / "c" / "trialfinder", xdg)
    assert not paths.is_app_folder(data, xdg)
    named = {"TRIALFINDER_DATA_DIR": str(tmp_path), "TRIALFINDER_CACHE_DIR": str(home)}
    for folder in (tmp_path, home, data, cache, home / ".config/trialfinder", Path("/tmp")):
        assert not paths.is_app_folder(folder, named)
    assert not paths.is_app_folder(home / ".local/share")
    monkeypatch.chdir(tmp_path)
    assert paths.is_app_folder(Path("home/.cache/trialfinder"))
    (tmp_path / "elsewhere").mkdir()
    cache.parent.mkdir(parents=True)
    cache.symlink_to(tmp_path / "elsewhere")  # the user sent it to a folder of their choosing
    assert not paths.is_app_folder(cache)


def test_nothing_special_on_systems_without_posix_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It only makes the folder, and changes no mode, where modes are not POSIX's."""
    existing = tmp_path / "old.sqlite"
    existing.write_bytes(b"")
    existing.chmod(0o644)
    with monkeypatch.context() as patch:
        patch.setattr(paths.os, "name", "nt")
        paths.private_folder(tmp_path / "new", tighten=True)
        paths.private_file(existing)
        paths.private_file(tmp_path / "new" / "absent.sqlite")
    assert (tmp_path / "new").is_dir()
    assert mode(existing) == 0o644
    assert not (tmp_path / "new" / "absent.sqlite").exists()
