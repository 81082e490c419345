"""Tests for trialfinder.cli.config: the configuration file, precedence, and config show."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from click.testing import CliRunner, Result

from conftest import flat, load_json
from trialfinder.cli.config import config_path, default_map, effective, load
from trialfinder.cli.main import cli
from trialfinder.errors import ConfigError
from trialfinder.filterspec import FILTERS


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_path_from_env_then_xdg(tmp_path: Path) -> None:
    """It looks where the environment says, else in the XDG config folder."""
    assert config_path({"TRIALFINDER_CONFIG": "/x/c.toml"}) == Path("/x/c.toml")
    assert config_path({"XDG_CONFIG_HOME": "/cfg"}) == Path("/cfg/trialfinder/config.toml")
    assert config_path({}).parts[-3:] == (".config", "trialfinder", "config.toml")


def test_absent_file_is_empty(tmp_path: Path) -> None:
    """It treats a missing file as no settings."""
    assert load(tmp_path / "absent.toml") == {}


def test_values_feed_each_command(tmp_path: Path) -> None:
    """It maps settings to the options of the commands they apply to."""
    values = load(
        write(tmp_path, 'format = "json"\nstatus = "recruiting"\nradius = 25\ntimeout = 5\n')
    )
    mapping = default_map(values)
    assert mapping["search"] == {"fmt": "json", "status": "recruiting", "radius": 25, "timeout": 5}
    assert mapping["show"] == {"timeout": 5}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('colour = "red"\n', "Unknown setting 'colour'"),
        ('retries = "many"\n', "Setting 'retries'"),
        ("radius = true\n", "Setting 'radius'"),
        ("format = [1]\n", "Setting 'format'"),
        ("status = \n", "is not valid TOML"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, text: str, fragment: str) -> None:
    """It names the file and the faulty setting."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=fragment) as caught:
        load(path)
    assert str(path) in str(caught.value)


def test_effective_sources(tmp_path: Path) -> None:
    """It says where each value in force comes from."""
    path = write(tmp_path, 'api_url = "http://file.test/v2"\nformat = "csv"\n')
    rows = {name: (value, source) for name, value, source in effective(load(path), path, env={})}
    assert rows["format"] == ("csv", f"config file ({path})")
    assert rows["retries"] == (4, "default")
    env_rows = effective(load(path), path, env={"TRIALFINDER_API_URL": "http://env.test/v2"})
    assert env_rows[0] == ("api_url", "http://env.test/v2", "environment (TRIALFINDER_API_URL)")


@responses.activate
def test_file_sets_defaults_and_command_line_wins(tmp_path: Path, no_pacing: None) -> None:
    """It uses the file's format unless the command line says otherwise."""
    path = write(tmp_path, 'format = "json"\napi_url = "http://file.test/api/v2"\n')
    responses.get(
        "http://file.test/api/v2/studies",
        json=load_json("search_all_blinatumomab_single_page.json"),
    )
    env = {"TRIALFINDER_CONFIG": str(path)}
    as_json = invoke("search", "-c", "ALL", env=env)
    assert json.loads(as_json.stdout)["returned"] == 2
    as_table = invoke("search", "-c", "ALL", "-f", "table", env=env)
    assert as_table.stdout.startswith("Condition: ALL\n")
    assert "\nNCT03914625  Recruiting" in as_table.stdout


@responses.activate
def test_environment_beats_file(tmp_path: Path, no_pacing: None) -> None:
    """It takes the API URL from the environment over the file."""
    path = write(tmp_path, 'api_url = "http://file.test/api/v2"\n')
    responses.get("http://env.test/api/v2/studies", json=load_json("search_no_results.json"))
    env = {"TRIALFINDER_CONFIG": str(path), "TRIALFINDER_API_URL": "http://env.test/api/v2"}
    assert invoke("search", "-c", "x", env=env).exit_code == 0
    assert responses.calls[0].request.url.startswith("http://env.test/")


def test_config_show(tmp_path: Path) -> None:
    """It lists every setting with its value and source."""
    path = write(tmp_path, "radius = 100\n")
    result = invoke("config", "show", env={"TRIALFINDER_CONFIG": str(path)})
    assert result.exit_code == 0
    assert f"Configuration file: {path} (found)" in result.stdout
    assert f"radius = 100 from config file ({path})" in flat(result.stdout)
    line = next(line for line in result.stdout.splitlines() if line.startswith("radius"))
    assert "100" in line
    assert "from default" in next(
        line for line in result.stdout.splitlines() if line.startswith("retries")
    )
    assert invoke("config", "path", env={"TRIALFINDER_CONFIG": str(path)}).stdout.strip() == str(
        path
    )


def test_broken_file_is_one_line_exit_2(tmp_path: Path) -> None:
    """It stops with one line naming the file when the configuration is wrong."""
    path = write(tmp_path, "nonsense = 1\n")
    result = invoke("search", "-c", "x", env={"TRIALFINDER_CONFIG": str(path)})
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "Unknown setting 'nonsense'" in result.stderr


@pytest.mark.parametrize(
    ("text", "args", "fragment"),
    [
        ('limit = "lots"\n', ["search", "-c", "x"], "'limit' in {path}: 'lots' is not a number"),
        ("limit = 0\n", ["search", "-c", "x"], "'limit' in {path}: 0 is too small"),
        ('format = "xml"\n', ["search", "-c", "x"], "'format' in {path}: 'xml' is not one of"),
        (
            "timeout = 0.01\n",
            ["show", "NCT02013167"],
            "'timeout' in {path}: timeout takes a number of seconds from 0.1 up to 600, not 0.01",
        ),
        ("timeout = nan\n", ["search", "-c", "x"], "'timeout' in {path}: timeout takes a num"),
        ("timeout = inf\n", ["mcp"], "'timeout' in {path}: timeout takes a number of seconds"),
        ("radius = nan\n", ["search", "-c", "x"], "'radius' in {path}: The radius must be"),
        ("radius = -inf\n", ["search", "-c", "x"], "'radius' in {path}: The radius must be"),
        ('status = "recruitng"\n', ["search", "-c", "x"], "'status' in {path}: Unknown status"),
        ('near = "Atlantisville"\n', ["search", "-c", "x"], "'near' in {path}: Unknown place"),
        ('near = ""\n', ["search", "-c", "x"], "'near' in {path}: The place (near) is empty"),
        ('near = " , "\n', ["search", "-c", "x"], "'near' in {path}: The place (near) is empty"),
        ('near = ", MN"\n', ["search", "-c", "x"], "'near' in {path}: The place ', MN' has no"),
        (
            'near = "\uff15\uff15\uff19\uff10\uff15"\n',
            ["search", "-c", "x"],
            "digits other than 0-9",
        ),
        ('near = ""\n', ["watch", "add", "w", "-c", "x"], "'near' in {path}: The place (near)"),
        ('api_url = "ftp://x"\n', ["show", "NCT02013167"], "'api_url' in {path}: The API URL"),
    ],
)
def test_a_bad_value_in_the_file_names_the_file_and_key(
    tmp_path: Path, text: str, args: list[str], fragment: str
) -> None:
    """It blames the setting in the file, never an option that was not typed."""
    path = write(tmp_path, text)
    result = invoke(*args, env={"TRIALFINDER_CONFIG": str(path)})
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("trialfinder: error: Setting ") and fragment.format(path=path) in line
    assert "Invalid value" not in line and "'-n'" not in line and "--near" not in line


def test_a_broken_file_locks_out_only_the_commands_that_use_it(tmp_path: Path) -> None:
    """It still runs config show, config path and cache info, and config show says what is wrong."""
    path = write(tmp_path, 'limit = "lots"\ncolour = "red"\nradius = 20\n')
    env = {"TRIALFINDER_CONFIG": str(path), "TRIALFINDER_CACHE_DIR": str(tmp_path / "cache")}
    assert invoke("config", "path", env=env).stdout.strip() == str(path)
    assert invoke("cache", "info", env=env).exit_code == 0
    assert invoke("watch", "list", "--db", str(tmp_path / "w.db"), env=env).exit_code == 0
    shown = invoke("config", "show", env=env)
    assert shown.exit_code == 2
    out = flat(shown.stdout)
    assert f"- Setting 'limit' in {path}: 'lots' is not a number" in out
    assert f"- Unknown setting 'colour' in {path}" in out
    assert "limit = 20 from default (the file's value is wrong: see below)" in out
    assert f"radius = 20 from config file ({path})" in out
    assert (
        shown.stderr.strip()
        == f"trialfinder: error: The configuration file {path} has problems: see above."
    )
    unreadable = write(tmp_path, "limit = \n")
    again = invoke("config", "show", env={"TRIALFINDER_CONFIG": str(unreadable)})
    assert again.exit_code == 2 and "is not valid TOML" in again.stdout


#: A wrong value for each filter the file may set: a new filter setting needs one here.
BAD_FILTER_SETTINGS = {"status": "sometimes", "near": "Atlantisville", "radius": 0}


@pytest.mark.parametrize("name", sorted(BAD_FILTER_SETTINGS))
def test_config_show_checks_every_filter_setting_as_the_library_does(
    tmp_path: Path, name: str
) -> None:
    """It finds a wrong value for each filter setting in config show, as the search would
    (the place included), instead of showing it as in force."""
    assert set(BAD_FILTER_SETTINGS) == {f.name for f in FILTERS if f.setting is not None}
    path = write(tmp_path, f"{name} = {json.dumps(BAD_FILTER_SETTINGS[name])}\n")
    shown = invoke("config", "show", env={"TRIALFINDER_CONFIG": str(path)})
    assert shown.exit_code == 2
    out = flat(shown.stdout)
    assert f"- Setting '{name}' in {path}: " in out
    assert "from default (the file's value is wrong: see below)" in out
    assert f"from config file ({path})" not in out


@responses.activate
def test_a_limit_from_the_file_is_described_as_such(tmp_path: Path, no_pacing: None) -> None:
    """It says the list was cut at the file's limit, and at --limit when that was typed."""
    path = write(tmp_path, "limit = 1\n")
    responses.get(
        "https://clinicaltrials.gov/api/v2/studies",
        json=load_json("search_all_blinatumomab_single_page.json"),
    )
    env = {"TRIALFINDER_CONFIG": str(path)}
    from_file = invoke("search", "-c", "ALL", "--no-cache", env=env)
    assert (
        f"The list was cut at limit 1 from the configuration file ({path}); --limit raises it."
    ) in " ".join(from_file.stdout.split())
    as_json = invoke("search", "-c", "ALL", "--no-cache", "-f", "json", env=env)
    assert "cut at limit 1 from the configuration file" in as_json.stderr
    typed = invoke("search", "-c", "ALL", "--no-cache", "-n", "1", env=env)
    assert "The list was cut at --limit 1; raise it to see more." in typed.stdout


# -- one set of defaults: search and saved searches ------------------------------------------

STUDIES = "https://clinicaltrials.gov/api/v2/studies"
HOME = 'status = "recruiting"\nnear = "55905"\nradius = 100\nlimit = 5\n'


@responses.activate
def test_watch_add_takes_the_file_and_stores_the_values_in_force(
    tmp_path: Path, no_pacing: None
) -> None:
    """The same words mean the same search, saved or not, and keep meaning it later."""
    env = {"TRIALFINDER_CONFIG": str(write(tmp_path, HOME))}
    db = str(tmp_path / "watch.db")
    added = invoke("watch", "add", "home", "-c", "asthma", "--db", db, env=env)
    assert added.exit_code == 0, added.output
    saved = json.loads(invoke("watch", "list", "-f", "json", "--db", db, env=env).stdout)[0]
    assert saved["search"] == {
        "condition": ["asthma"],
        "status": ["recruiting"],
        "near": "55905",
        "radius": 100.0,
        "limit": 5,
    }
    assert default_map(load(Path(env["TRIALFINDER_CONFIG"])))["watch"]["add"] == {
        "status": "recruiting",
        "near": "55905",
        "radius": 100,
        "limit": 5,
    }
    responses.get(STUDIES, json=load_json("search_no_results.json"))
    searched = invoke("search", "-c", "asthma", "-f", "json", env=env)
    assert searched.exit_code == 0, searched.output
    sent = json.loads(searched.stdout)["params"]
    # The file changes; the saved search still sends what it sent when it was saved.
    write(tmp_path, 'status = "all"\nlimit = 50\n')
    ran = invoke("watch", "run", "home", "--db", db, env=env)
    assert ran.exit_code == 0, ran.output
    query = urlsplit(responses.calls[-1].request.url or "").query
    run_params = {k: v[0] for k, v in parse_qs(query).items() if k != "fields"}
    assert run_params == {k: v for k, v in sent.items() if k != "fields"}
    assert run_params["filter.overallStatus"] == "RECRUITING"
    assert run_params["filter.geo"].endswith(",100mi)")


def test_watch_add_stores_the_default_status_in_force(tmp_path: Path) -> None:
    """With no file and no --status, the open statuses of today are stored, not a default."""
    db = str(tmp_path / "watch.db")
    env = {"TRIALFINDER_CONFIG": str(tmp_path / "absent.toml")}
    assert invoke("watch", "add", "w", "-c", "asthma", "--db", db, env=env).exit_code == 0
    saved = json.loads(invoke("watch", "list", "-f", "json", "--db", db, env=env).stdout)[0]
    assert saved["search"]["status"] == [
        "recruiting",
        "not yet recruiting",
        "enrolling by invitation",
    ]
    assert "radius" not in saved["search"] and "near" not in saved["search"]


@responses.activate
def test_a_radius_in_the_file_waits_for_a_place(tmp_path: Path, no_pacing: None) -> None:
    """A home radius without a home place is not an error: it applies once --near is given."""
    env = {"TRIALFINDER_CONFIG": str(write(tmp_path, "radius = 100\n"))}
    responses.get(STUDIES, json=load_json("search_no_results.json"))
    plain = invoke("search", "-c", "asthma", "-f", "json", env=env)
    assert plain.exit_code == 0, plain.output
    assert "filter.geo" not in json.loads(plain.stdout)["params"]
    near = invoke("search", "-c", "asthma", "--near", "55905", "-f", "json", env=env)
    assert json.loads(near.stdout)["params"]["filter.geo"].endswith(",100mi)")
