"""The review app's own database, created by its real Django migrations, for the hulpvraag store."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from leercoach.settings import PROJECT_ROOT
from tests.support import postgres_database


def migrate_review_app(state_dir: Path, database_url: str = "") -> None:
    """`python -m leercoach.review migrate`, as `make review` and `make run` do on a first start."""
    env = {
        **os.environ,
        "LEERCOACH_REVIEW_STATE_DIR": str(state_dir),
        "LEERCOACH_REVIEW_DATABASE_URL": database_url,
    }
    subprocess.run(
        [sys.executable, "-m", "leercoach.review", "migrate", "--verbosity", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        timeout=300,
    )


def review_django(state_dir: Path, code: str, database_url: str = "") -> str:
    """Runs ``code`` with the review app's Django set up on that database; its output."""
    env = {
        **os.environ,
        "LEERCOACH_REVIEW_STATE_DIR": str(state_dir),
        "LEERCOACH_REVIEW_DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "leercoach.review.settings",
    }
    program = "from leercoach.review import state\nstate.prepare()\nimport django\ndjango.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return result.stdout


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    state = tmp_path_factory.mktemp("review-state")
    migrate_review_app(state)
    return state


@pytest.fixture(scope="session")
def migrated_postgres(tmp_path_factory):
    state = tmp_path_factory.mktemp("review-state-pg")
    with postgres_database("leercoach_handoff_test") as url:
        migrate_review_app(state, url)
        yield state, url


@pytest.fixture
def review_sqlite(migrated_sqlite, monkeypatch):
    """The action server's view: the review app's settings point at the migrated SQLite file."""
    monkeypatch.setenv("LEERCOACH_REVIEW_STATE_DIR", str(migrated_sqlite))
    monkeypatch.delenv("LEERCOACH_REVIEW_DATABASE_URL", raising=False)
    import sqlite3

    with sqlite3.connect(migrated_sqlite / "review.sqlite3") as connection:
        connection.execute("DELETE FROM review_handoffrequest")
    return migrated_sqlite
