"""Fixtures for the privacy tests: tracker-store databases (the embedded SQLite file and local
PostgreSQL) and the redaction settings."""

import json
import time

import pytest
import sqlalchemy as sa

from leercoach.privacy.redaction import _Configured
from leercoach.privacy.store import engine_from_endpoints, events
from tests.support import postgres_database


def endpoints_for(path, url_or_sqlite):
    """An endpoints file like endpoints.yml (SQLite) or endpoints.production.yml (a URL)."""
    store = "tracker_store:\n  type: leercoach.privacy.tracker_store.PrivateSQLTrackerStore\n"
    if url_or_sqlite.startswith("postgresql://"):
        store += f"  url: {url_or_sqlite}\n"
    else:
        store += f"  dialect: sqlite\n  db: {url_or_sqlite}\n"
    path.write_text('action_endpoint:\n  url: "http://localhost:5055/webhook"\n' + store)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """An engine found from an endpoints file, as purge and the review app find it."""
    if request.param == "sqlite":
        yield engine_from_endpoints(
            endpoints_for(tmp_path / "endpoints.yml", str(tmp_path / "conversations.db"))
        )
        return
    with postgres_database() as url:
        store = engine_from_endpoints(endpoints_for(tmp_path / "endpoints.yml", url))
        yield store
        store.dispose()


def add_conversation(engine, sender_id, *, last_message_at, texts=("hallo",)):
    """A stored conversation whose last event is at ``last_message_at`` (epoch seconds)."""
    rows = []
    for offset, text in enumerate(reversed(texts)):
        at = last_message_at - 60 * (offset + 1)
        rows.append(
            dict(
                sender_id=sender_id,
                type_name="user",
                timestamp=at,
                intent_name="greet",
                action_name=None,
                data=json.dumps({"event": "user", "text": text, "timestamp": at}),
            )
        )
    rows.append(
        dict(
            sender_id=sender_id,
            type_name="bot",
            timestamp=last_message_at,
            intent_name=None,
            action_name=None,
            data=json.dumps({"event": "bot", "text": "Hoi!", "timestamp": last_message_at}),
        )
    )
    with engine.begin() as connection:
        connection.execute(events.insert(), rows)
    return len(rows)


def stored_senders(engine):
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(sa.select(events.c.sender_id).distinct())}


DAY = 24 * 60 * 60
NOW = time.time()

SETTINGS = ("LEERCOACH_STAFF_NUMBER_PATTERN", "LEERCOACH_DEPARTMENTS")


@pytest.fixture(autouse=True)
def default_settings(monkeypatch, tmp_path):
    """Every test starts from the default staff number pattern and no departments, and with no
    review database (erasure and purge reach it from the settings; never the working tree's)."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEERCOACH_REVIEW_STATE_DIR", str(tmp_path / "no-review-app"))
    monkeypatch.delenv("LEERCOACH_REVIEW_DATABASE_URL", raising=False)
    _Configured.reset()
    yield
    _Configured.reset()


@pytest.fixture
def configured(monkeypatch):
    """configured(LEERCOACH_DEPARTMENTS="Inkoop"): set the redaction settings; others default."""

    def configure(**values):
        for name in SETTINGS:
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        _Configured.reset()

    return configure
