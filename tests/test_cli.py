"""The CLI: every command has help; every user error is one sentence, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from webapp.cli import cli

LAGUNA = str(Path(sys.executable).with_name("laguna"))


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run the installed command as a user would, in a clean LAGUNA_* environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LAGUNA_")}
    return subprocess.run([LAGUNA, *args], capture_output=True, text=True, env=clean | env, timeout=120)


def assert_one_sentence(result: subprocess.CompletedProcess, code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("laguna: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("path", list(all_commands()), ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


REFUSED = "postgresql://nobody@127.0.0.1:9/laguna"  # port 9 (discard): nothing listens


def test_refused_connection_is_one_sentence():
    assert_one_sentence(run("db", "migrate", LAGUNA_DATABASE_URL=REFUSED), 69,
                        "No PostgreSQL server answers at 127.0.0.1:9/laguna")


def test_status_of_a_down_store_exits_non_zero():
    result = run("db", "status", LAGUNA_DATABASE_URL=REFUSED)
    assert result.returncode == 1
    assert "connection refused" in result.stdout


@pytest.mark.parametrize("env, fragment", [
    ({"LAGUNA_STATEMENT_TIMEOUT_MS": "soon"}, "LAGUNA_STATEMENT_TIMEOUT_MS is invalid"),
    ({"LAGUNA_STORAGE_CRS": "EPSG:4326"}, "EPSG:4326 is not a projected CRS in metres"),
    ({"LAGUNA_STORAGE_CRS": "EPSG:999999"}, "is not a known coordinate reference system"),
    ({"LAGUNA_DATABASE_URL": "mysql://x"}, "must start with postgresql://"),
    ({"LAGUNA_CONFIG": "/nonexistent/laguna.toml"}, "does not exist"),
])
def test_bad_settings_are_one_sentence(env, fragment):
    assert_one_sentence(run("db", "url", **env), 78, fragment)


def test_debug_shows_the_traceback():
    result = run("--debug", "db", "migrate", LAGUNA_DATABASE_URL=REFUSED)
    assert result.returncode == 69
    assert "Traceback" in result.stderr


def test_url_prints_the_configured_server():
    result = run("db", "url", LAGUNA_DATABASE_URL="postgresql+psycopg://u@db.example:6543/x")
    assert result.returncode == 0
    assert result.stdout.strip() == "postgresql://u@db.example:6543/x"


def test_unknown_command_is_a_usage_error():
    result = run("fly")
    assert result.returncode == 2
    assert "No such command 'fly'" in result.stderr and "Traceback" not in result.stderr


def test_migrate_and_doctor_on_a_store(env_store):
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "migrate"])
    assert result.exit_code == 0 and "the store is up to date" in result.output
    result = runner.invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "all is well" in result.output and "PostGIS" in result.output


def test_doctor_fails_when_the_store_is_down():
    result = run("doctor", LAGUNA_DATABASE_URL=REFUSED)
    assert result.returncode == 1
    assert "!!  store (external)" in result.stdout
