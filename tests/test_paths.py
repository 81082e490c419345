"""Where files live on each platform, which environment variables win, and private modes."""

from __future__ import annotations

import os
import stat
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
    """It makes missing folders 0700 and a new file 0600, even with a umask of 0o000."""
    folder = tmp_path / "a" / "b"
    paths.private_folder(folder)
    paths.private_file(folder / "f.sqlite")
    assert (mode(tmp_path / "a"), mode(folder), mode(folder / "f.sqlite")) == (0o700, 0o700, 0o600)
    assert (folder / "f.sqlite").read_bytes() == b""


@posix_only
def test_existing_ones_are_tightened_never_loosened(tmp_path: Path) -> None:
    """It takes group and others' permissions away from a file, its SQLite side files and an
    own folder; it adds none, and leaves a folder it was not asked to tighten."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    db = folder / "f.sqlite"
    sides = [Path(f"{db}{suffix}") for suffix in ("-journal", "-wal", "-shm")]
    for path in (db, *sides):
        path.write_bytes(b"x")
        path.chmod(0o644)
    paths.private_folder(folder, tighten=False)
    assert mode(folder) == 0o755
    paths.private_folder(folder)
    paths.private_file(db)
    assert [mode(p) for p in (folder, db, *sides)] == [0o700] + [0o600] * 4
    assert db.read_bytes() == b"x"
    db.chmod(0o400)
    paths.private_file(db)
    assert mode(db) == 0o400


def test_nothing_special_on_systems_without_posix_modes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It only makes the folder, and changes no mode, where modes are not POSIX's."""
    existing = tmp_path / "old.sqlite"
    existing.write_bytes(b"")
    existing.chmod(0o644)
    with monkeypatch.context() as patch:
        patch.setattr(paths.os, "name", "nt")
        paths.private_folder(tmp_path / "new")
        paths.private_file(existing)
        paths.private_file(tmp_path / "new" / "absent.sqlite")
    assert (tmp_path / "new").is_dir()
    assert mode(existing) == 0o644
    assert not (tmp_path / "new" / "absent.sqlite").exists()
