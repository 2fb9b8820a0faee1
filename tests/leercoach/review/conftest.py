"""The review app under test: Django's test client against a real SQLite database of its own and a
real tracker store (Rasa's `events` table in a temporary SQLite file, found from an endpoints file
as in production). Each test starts with an empty tracker store; the audit log only grows."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

import django
import pytest

_STATE = Path(tempfile.mkdtemp(prefix="leercoach-review-tests-"))
_ENDPOINTS = _STATE / "endpoints.yml"
_ENDPOINTS.write_text(
    f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {_STATE / 'conversations.db'}\n"
)
_TEST_ENV = {
    "LEERCOACH_REVIEW_STATE_DIR": str(_STATE),
    "LEERCOACH_ENDPOINTS": str(_ENDPOINTS),
    "DJANGO_SETTINGS_MODULE": "leercoach.review.settings",
}
_saved = {k: os.environ.get(k) for k in _TEST_ENV}
os.environ.update(_TEST_ENV)
from leercoach.review import state  # noqa: E402

state.prepare()
django.setup()
from leercoach.review import tracker  # noqa: E402

tracker.engine.cache_clear()
tracker.engine()  # the test tracker store, kept for the session
for _key, _value in _saved.items():  # nothing else in the test session sees these settings
    if _value is None:
        os.environ.pop(_key, None)
    else:
        os.environ[_key] = _value


@pytest.fixture(scope="session", autouse=True)
def review_database():
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    try:
        asyncio.get_running_loop()
        # `make test-servers` runs the browser tests first, and Playwright's sync API keeps its
        # event loop running in this thread for the session. Django then refuses every
        # database call; these tests call it synchronously only, so the check does not apply.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    except RuntimeError:
        pass  # no loop running: Django's check stays on
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    yield
    connection.creation.destroy_test_db(name, verbosity=0)
    teardown_test_environment()


@pytest.fixture(autouse=True)
def empty_tracker_store():
    from leercoach.privacy.store import events

    with tracker.engine().begin() as connection:
        connection.execute(events.delete())
    yield
