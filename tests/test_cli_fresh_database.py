"""`klient <command>` on a database no migration has touched yet: an embedded data
directory is migrated first, a PostgreSQL database gets a one-line hint and exit status 2;
never a traceback. These run the installed `klient` console script, as a user would."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.slow

KLIENT = str(Path(sys.executable).with_name("klient"))
POSTGRES = "postgres://postgres@127.0.0.1:5432"
EMPTY_DATABASE = "klient_cli_fresh_database"


def run_klient(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KLIENT, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return {**env, "KLIENT_DATA_DIR": str(data_dir), **extra}


def test_team_add_on_a_fresh_embedded_data_directory_migrates_first(tmp_path):
    env = clean_env(tmp_path / "fresh")

    added = run_klient("team", "add", "X", "--address", "x@y.example", env=env)

    assert added.returncode == 0, added.stderr
    assert "team 'X' receives mail at x@y.example" in added.stdout
    assert "Traceback" not in added.stderr
    # The team is really stored: adding it again is refused as a duplicate, not a crash.
    again = run_klient("team", "add", "X", "--address", "x@y.example", env=env)
    assert again.returncode == 2
    assert "Traceback" not in again.stderr


@pytest.fixture
def empty_postgres_database():
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)
    except psycopg.OperationalError:
        pytest.fail("PostgreSQL must run on 127.0.0.1:5432 (see .ci/run)")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{EMPTY_DATABASE}"')
        admin.execute(f'CREATE DATABASE "{EMPTY_DATABASE}"')
        try:
            yield f"{POSTGRES}/{EMPTY_DATABASE}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{EMPTY_DATABASE}" WITH (FORCE)')


def test_a_command_on_an_unmigrated_postgresql_database_says_to_migrate(
    tmp_path, empty_postgres_database
):
    env = clean_env(tmp_path / "data", DATABASE_URL=empty_postgres_database)

    added = run_klient("team", "add", "X", "--address", "x@y.example", env=env)

    assert added.returncode == 2
    assert added.stderr.strip().splitlines() == [
        "klient: the database is not migrated: run `klient migrate` first"
    ]
    with psycopg.connect(empty_postgres_database) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,), "nothing was created behind the user's back"


def test_an_unreachable_postgresql_database_is_one_line_not_a_traceback(tmp_path):
    env = clean_env(
        tmp_path / "data", DATABASE_URL=f"{POSTGRES}/klient_cli_database_that_does_not_exist"
    )

    listed = run_klient("quarantine", "list", env=env)

    assert listed.returncode == 2
    assert len(listed.stderr.strip().splitlines()) == 1
    assert listed.stderr.startswith("klient: cannot reach the database:")
