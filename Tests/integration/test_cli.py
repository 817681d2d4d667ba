"""The admin CLI (`sluice keys …`, `sluice migrate`, `sluice version`) and `sluice serve` start-up checks.

CLI tests run against a fresh, migrated database without a server (`sluice(start=False)`).
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from sluice_harness import KEY_FULL_RE, KEY_RE, run_sluice, unique_name, write_text

LISTED_FIELDS = {"id", "name", "prefix", "policy", "models", "expires_at", "created_at", "revoked_at", "last_used_at"}
CREATED_FIELDS = {"id", "name", "key", "prefix", "policy", "models", "expires_at", "created_at"}
STACK_TRACE = re.compile(r"Fatal error|Traceback|Stack dump|backtrace|Current stack trace|^\s*#?\d+\s+0x[0-9a-f]+|"
                         r"\.swift:\d+", re.I | re.M)


@pytest.fixture
def cli(sluice):
    """A migrated database and config, no server."""
    return sluice(start=False)


def parse_time(value: str) -> datetime:
    assert isinstance(value, str) and value, f"not a timestamp: {value!r}"
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert dt.tzinfo is not None, f"timestamp without a zone: {value!r}"
    return dt


def now() -> datetime:
    return datetime.now(timezone.utc)


def assert_one_line_error(cp: subprocess.CompletedProcess[str], *mentions: str) -> str:
    """Non-zero exit, exactly one non-empty line on stderr, no stack trace; returns the line."""
    assert cp.returncode != 0, f"expected failure, got exit 0\nstdout: {cp.stdout}\nstderr: {cp.stderr}"
    lines = [l for l in cp.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}:\n{cp.stderr}"
    assert not STACK_TRACE.search(cp.stderr + cp.stdout), f"stack trace in output:\n{cp.stderr}{cp.stdout}"
    for m in mentions:
        assert m in lines[0], f"error line does not mention {m!r}: {lines[0]!r}"
    return lines[0]


# --------------------------------------------------------------------------
# keys create / list / show / revoke / rotate
# --------------------------------------------------------------------------


def test_create_json_prints_the_key_once_with_all_fields(cli):
    name = unique_name()
    before = now() - timedelta(seconds=5)
    info = cli.cli_json("keys", "create", "--name", name, "--policy", "default", "--models", "claude-*,gpt-4o")
    assert CREATED_FIELDS <= set(info), f"missing {CREATED_FIELDS - set(info)}: {info}"
    assert KEY_FULL_RE.match(info["key"])
    assert info["name"] == name
    assert info["policy"] == "default"
    assert info["models"] == ["claude-*", "gpt-4o"]
    assert info["expires_at"] is None
    assert isinstance(info["prefix"], str) and info["prefix"] and info["key"].startswith(info["prefix"])
    assert len(info["prefix"]) < len(info["key"]) - 16, "the prefix must not reveal most of the key"
    assert before <= parse_time(info["created_at"]) <= now() + timedelta(seconds=5)


def test_create_without_models_means_unrestricted(cli):
    info = cli.cli_json("keys", "create", "--name", unique_name())
    assert info["models"] in ([], ["*"])
    assert info["expires_at"] is None


def test_two_keys_are_different(cli):
    a = cli.create_key()
    b = cli.create_key()
    assert a != b


def test_create_plain_output_contains_the_key(cli):
    name = unique_name()
    cp = cli.cli("keys", "create", "--name", name)
    keys = KEY_RE.findall(cp.stdout)
    assert len(set(keys)) == 1, f"expected the new key once on stdout:\n{cp.stdout}"
    listed = cli.cli_json("keys", "list")
    assert [k["name"] for k in listed] == [name]


@pytest.mark.parametrize("duration,delta", [("1s", timedelta(seconds=1)), ("10m", timedelta(minutes=10)),
                                            ("24h", timedelta(hours=24)), ("30d", timedelta(days=30))])
def test_expires_durations_set_expires_at(cli, duration, delta):
    before = now()
    info = cli.cli_json("keys", "create", "--name", unique_name(), "--expires", duration)
    exp = parse_time(info["expires_at"])
    assert before + delta - timedelta(seconds=5) <= exp <= now() + delta + timedelta(seconds=5)


def test_list_json_shows_every_key_without_the_secret(cli):
    names = [unique_name() for _ in range(3)]
    keys = [cli.create_key(n) for n in names]
    cp = cli.cli("keys", "list", "--json")
    listed = json.loads(cp.stdout)
    assert isinstance(listed, list)
    assert sorted(k["name"] for k in listed) == sorted(names)
    for entry in listed:
        assert LISTED_FIELDS <= set(entry) and "key" not in entry, entry
        assert entry["revoked_at"] is None and entry["last_used_at"] is None
    for k in keys:
        assert k not in cp.stdout and k not in cp.stderr
    assert not KEY_RE.search(cp.stdout)


def test_list_and_show_plain_output_name_the_key_but_never_reveal_it(cli):
    name = unique_name()
    key = cli.create_key(name)
    for args in (("keys", "list"), ("keys", "show", name)):
        cp = cli.cli(*args)
        assert name in cp.stdout, f"{args}: name missing from output:\n{cp.stdout}"
        assert key not in cp.stdout + cp.stderr
        assert not KEY_RE.search(cp.stdout + cp.stderr)


def test_show_by_name_and_by_id_agree(cli):
    name = unique_name()
    cli.create_key(name, models=["gpt-*"], expires="10m")
    created = cli.keys[name]
    by_name = cli.cli_json("keys", "show", name)
    by_id = cli.cli_json("keys", "show", str(created["id"]))
    assert by_name == by_id
    assert LISTED_FIELDS <= set(by_name)
    assert by_name["id"] == created["id"] and by_name["prefix"] == created["prefix"]
    assert by_name["models"] == ["gpt-*"]
    assert parse_time(by_name["expires_at"]) == parse_time(created["expires_at"])
    assert "key" not in by_name


def test_revoke_sets_revoked_at_and_keeps_the_key_listed(cli):
    name, other = unique_name(), unique_name()
    cli.create_key(name)
    cli.create_key(other)
    cp = cli.cli("keys", "revoke", name, "--json")
    assert not KEY_RE.search(cp.stdout)
    shown = cli.cli_json("keys", "show", name)
    assert parse_time(shown["revoked_at"]) <= now() + timedelta(seconds=5)
    listed = {k["name"]: k for k in cli.cli_json("keys", "list")}
    assert listed[name]["revoked_at"] is not None
    assert listed[other]["revoked_at"] is None


def test_revoke_by_id(cli):
    name = unique_name()
    cli.create_key(name)
    cli.cli("keys", "revoke", str(cli.keys[name]["id"]))
    assert cli.cli_json("keys", "show", name)["revoked_at"] is not None


def test_rotate_prints_a_new_key_for_the_same_name(cli):
    name = unique_name()
    old = cli.create_key(name, models="claude-*")
    info = cli.cli_json("keys", "rotate", name, "--grace", "10m")
    assert KEY_FULL_RE.match(info["key"]) and info["key"] != old
    assert info["name"] == name
    assert info["models"] == ["claude-*"]
    assert info["key"].startswith(info["prefix"])
    shown = cli.cli("keys", "show", name)
    assert info["key"] not in shown.stdout and old not in shown.stdout


def test_rotate_plain_output_contains_the_new_key(cli):
    name = unique_name()
    old = cli.create_key(name)
    cp = cli.cli("keys", "rotate", name)
    found = set(KEY_RE.findall(cp.stdout))
    assert len(found) == 1 and old not in found


# --------------------------------------------------------------------------
# Errors: one line on stderr, non-zero exit, no stack trace
# --------------------------------------------------------------------------


def test_duplicate_name_is_refused(cli):
    name = unique_name()
    cli.create_key(name)
    cp = cli.cli("keys", "create", "--name", name, check=False)
    assert_one_line_error(cp, name)
    assert not KEY_RE.search(cp.stdout), "no key may be printed for a refused create"
    assert len(cli.cli_json("keys", "list")) == 1


@pytest.mark.parametrize("command", [("keys", "show"), ("keys", "revoke"), ("keys", "rotate")])
def test_unknown_key_name_is_refused(cli, command):
    missing = unique_name("nosuch")
    assert_one_line_error(cli.cli(*command, missing, check=False), missing)


@pytest.mark.parametrize("bad", ["abc", "10x", "-5m", "", "1.5.3h"])
def test_bad_expires_duration_is_refused(cli, bad):
    name = unique_name()
    cp = cli.cli("keys", "create", "--name", name, "--expires", bad, check=False)
    line = assert_one_line_error(cp)
    if bad and not bad.startswith("-"):
        assert bad in line, f"error does not name the bad duration {bad!r}: {line!r}"
    assert cli.cli_json("keys", "list") == []


def test_bad_grace_duration_is_refused_and_old_key_kept(cli):
    name = unique_name()
    cli.create_key(name)
    before = cli.cli_json("keys", "show", name)
    assert_one_line_error(cli.cli("keys", "rotate", name, "--grace", "abc", check=False), "abc")
    assert cli.cli_json("keys", "show", name) == before


@pytest.mark.parametrize("argv", [("keys", "create", "--name", "x", "--frobnicate"),
                                  ("keys", "list", "--frobnicate"),
                                  ("keys", "frobnicate"),
                                  ("frobnicate",)])
def test_unknown_flag_or_command_is_one_line(cli, argv):
    line = assert_one_line_error(cli.cli(*argv, check=False))
    assert "frobnicate" in line


def test_create_without_name_is_refused(cli):
    assert_one_line_error(cli.cli("keys", "create", check=False), "name")


# --------------------------------------------------------------------------
# version, migrate, where the database comes from
# --------------------------------------------------------------------------


def test_version_prints_something():
    cp = run_sluice(["version"], timeout=30)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.strip(), "sluice version printed nothing"
    assert not STACK_TRACE.search(cp.stdout + cp.stderr)


def test_migrate_is_idempotent(cli):
    cli.cli("migrate")
    cli.cli("migrate")
    key = cli.create_key("survivor")
    cli.cli("migrate")
    assert [k["name"] for k in cli.cli_json("keys", "list")] == ["survivor"]
    assert key


def test_sluice_database_env_is_honoured(cli, tmp_path):
    db = tmp_path / "env.sqlite"
    env = {"SLUICE_DATABASE": str(db)}
    cli.cli("migrate", env=env, database=False)
    name = unique_name()
    cp = cli.cli("keys", "create", "--name", name, "--json", env=env, database=False)
    assert json.loads(cp.stdout)["name"] == name
    assert db.exists()
    assert [k["name"] for k in cli.cli_json("keys", "list", "--database", db)] == [name]
    # and the default database of the fixture did not get it
    assert cli.cli_json("keys", "list") == []


def test_config_flag_and_sluice_config_env_select_the_database(cli):
    name = unique_name()
    cli.cli("keys", "create", "--name", name, "--config", cli.config_path)
    assert [k["name"] for k in cli.cli_json("keys", "list")] == [name]
    listed = cli.cli_json("keys", "list", env={"SLUICE_CONFIG": str(cli.config_path)}, database=False)
    assert [k["name"] for k in listed] == [name]


# --------------------------------------------------------------------------
# serve: first-run hint, config validation
# --------------------------------------------------------------------------


def test_serve_on_empty_database_prints_how_to_create_the_first_key(sluice):
    srv = sluice()
    srv.wait_for_log(r"sluice keys create --name", timeout=5)


def test_serve_with_keys_does_not_print_the_first_run_hint(sluice):
    srv = sluice(start=False)
    srv.create_key()
    srv.start()
    assert srv.get("/healthz", auth=None).status_code == 200
    assert "sluice keys create --name" not in srv.log()


def serve_expect_failure(srv, timeout: float = 20):
    try:
        return run_sluice(["serve", "--config", srv.config_path], env=srv.env(), cwd=srv.workdir, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"sluice serve kept running with the bad config:\n{srv.config_path.read_text()}")


def config_lines(srv, port: int) -> list[str]:
    return [
        f'listen: "127.0.0.1:{port}"',
        f'database: "{srv.db}"',
        f'policies_dir: "{srv.policies_dir}"',
        'default_policy: "default"',
        "backends:",
        '  - name: "upstream"',
        '    type: "openai"',
        '    url: "http://127.0.0.1:9/v1"',
        '    api_key_env: "UPSTREAM_API_KEY"',
        "routes:",
        '  - match: "*"',
        '    backend: "upstream"',
    ]


def test_unknown_top_level_config_key_refuses_to_start_naming_key_and_line(sluice):
    srv = sluice(start=False)
    lines = config_lines(srv, srv.port)
    lines.insert(4, "bogus_option: 1")  # line 5
    write_text(srv.config_path, "\n".join(lines) + "\n")
    cp = serve_expect_failure(srv)
    out = cp.stderr
    assert cp.returncode != 0
    assert "bogus_option" in out, out
    assert re.search(r"\b5\b", out), f"line number 5 not named:\n{out}"
    assert not STACK_TRACE.search(out), out


def test_unknown_backend_config_key_refuses_to_start_naming_key_and_line(sluice):
    srv = sluice(start=False)
    lines = config_lines(srv, srv.port)
    lines.insert(9, "    api_kye_env: \"TYPO\"")  # line 10, inside the backend entry
    write_text(srv.config_path, "\n".join(lines) + "\n")
    cp = serve_expect_failure(srv)
    assert cp.returncode != 0
    assert "api_kye_env" in cp.stderr, cp.stderr
    assert re.search(r"\b10\b", cp.stderr), f"line number 10 not named:\n{cp.stderr}"


def test_handwritten_config_is_accepted(sluice):
    """The config shape of config_lines() itself is valid (guards the two tests above)."""
    srv = sluice(start=False)
    write_text(srv.config_path, "\n".join(config_lines(srv, srv.port)) + "\n")
    srv.start()
    assert srv.get("/readyz", auth=None).status_code == 200
