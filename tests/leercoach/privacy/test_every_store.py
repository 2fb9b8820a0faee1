"""Erasure and retention reach every copy: after an employee erases a conversation, or after the
purge (`make purge`) for one past the retention period, nothing of it is left in any table of
either database (the tracker store and the HR review database), whatever HR did with it before.

The tables are searched generically (every table, every column, as text), so a new table that
keeps a copy is covered without changing this test. Both databases run once as SQLite files (a
first run) and once on PostgreSQL (production).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.actions.action import create_bot_utterance
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import ActionEraseConversation
from leercoach.handoff import store as handoff_store
from leercoach.privacy.__main__ import main as privacy_command
from leercoach.privacy.pseudonym import ensure_local_key
from leercoach.privacy.tracker_store import PrivateSQLTrackerStore
from leercoach.review import copies
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.handoff.conftest import migrate_review_app, review_django
from tests.support import postgres_database

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
DAY = 24 * 3600
# A word the redaction keeps and that is its own word stem (six letters): it shows up in the
# summary, the search text, the unanswered questions and the name of their group in the totals.
MARKER = "quokka"
SENDER = "5e1f" * 8  # the conversation's pseudonym
BYSTANDER = "b0b0" * 8
HR_USER, HR_PASSWORD = "hr.anna", "een lang genoeg wachtwoord 42"


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path, monkeypatch):
    """A tracker store and a migrated review database, found from the settings as in production."""
    state = tmp_path / "review-state"  # made by the review app itself
    with contextlib.ExitStack() as stack:
        store_url = review_url = ""
        if request.param == "postgresql":
            store_url = stack.enter_context(postgres_database("leercoach_t17_store"))
            review_url = stack.enter_context(postgres_database("leercoach_t17_review"))
        endpoints = tmp_path / "endpoints.yml"
        sqlite_store = f"  dialect: sqlite\n  db: {tmp_path / 'conversations.db'}\n"
        endpoints.write_text(
            "tracker_store:\n  type: leercoach.privacy.tracker_store.PrivateSQLTrackerStore\n"
            + (f"  url: {store_url}\n" if store_url else sqlite_store)
            + f"lock_store:\n  type: leercoach.run.lock_store.SQLiteLockStore\n  db: {tmp_path / 'locks.db'}\n"
        )
        monkeypatch.setenv("LEERCOACH_ENDPOINTS", str(endpoints))
        monkeypatch.setenv("LEERCOACH_REVIEW_STATE_DIR", str(state))
        monkeypatch.setenv("LEERCOACH_REVIEW_DATABASE_URL", review_url)
        migrate_review_app(state, review_url)
        if store_url:
            store = PrivateSQLTrackerStore(domain=DOMAIN, host=store_url)
        else:
            store = PrivateSQLTrackerStore(
                domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "conversations.db")
            )
        review = sa.create_engine(handoff_store.database_url())
        yield {
            "store": store,
            "review": review,
            "endpoints": endpoints,
            "state": state,
            "review_url": review_url,
        }
        review.dispose()
        store.engine.dispose()
        copies._engine.cache_clear()  # its pool would keep the dropped database open


def conversation(sender: str, question: str, at: float) -> DialogueStateTracker:
    """A conversation as Rasa stores it: a question Leercoach did not understand, its answer."""
    parse = {
        "text": question,
        "intent": {"name": "nlu_fallback", "confidence": 0.9},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.9}],
        "entities": [],
    }
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen", timestamp=at),
            UserUttered(question, parse["intent"], [], parse, input_channel="rest", timestamp=at + 1),
            ActionExecuted("action_fallback", timestamp=at + 2),
            BotUttered("Dat begrijp ik niet.", timestamp=at + 3),
        ],
        DOMAIN.slots,
    )


def hr_works_on(world, sender: str) -> None:
    """In the review app, as HR does: the summary is synced, an admin opens the transcript,
    writes a note quoting it, searches for it and exports the result."""
    review_django(
        world["state"],
        f"""
from django.test import Client
from leercoach.review import summary
from leercoach.review.models import Conversation, User
summary.sync()
User.objects.create_user({HR_USER!r}, password={HR_PASSWORD!r}, role="admin")
client = Client()
assert client.post("/inloggen/", {{"username": {HR_USER!r}, "password": {HR_PASSWORD!r}}}).status_code == 302
number = Conversation.objects.get(sender_id={sender!r}).pk
assert client.get(f"/gesprekken/{{number}}/").status_code == 200
client.post(f"/gesprekken/{{number}}/beoordeling/", {{"status": "bekeken", "labels": "", "note": "vraagt naar {MARKER}"}})
assert client.get("/gesprekken/", {{"q": {MARKER!r}}}).status_code == 200
b"".join(client.get("/export.csv", {{"q": {MARKER!r}}}).streaming_content)
""",
        world["review_url"],
    )


def everything(engine: sa.engine.Engine) -> dict:
    """Every table of the database with all its rows as lower-case text."""
    with engine.connect() as connection:
        return {
            table: repr(
                [tuple(row) for row in connection.execute(sa.text(f'SELECT * FROM "{table}"'))]
            ).lower()
            for table in sa.inspect(connection).get_table_names()
        }


def tables_holding(world, *needles: str) -> set:
    found = set()
    for database, engine in (("store", world["store"].engine), ("review", world["review"])):
        for table, text in everything(engine).items():
            if any(needle.lower() in text for needle in needles):
                found.add(f"{database}.{table}")
    return found


async def employee_erases(world, tracker: DialogueStateTracker) -> None:
    """The turn of the erasure as Rasa runs it: the confirmation, the real erase action, its reply."""
    dispatcher = CollectingDispatcher()
    # as Rasa sends it to the action server: with every event
    state = tracker.current_state(EventVerbosity.ALL)
    ActionEraseConversation().run(dispatcher, Tracker.from_dict(state), {})
    tracker.update(UserUttered("/affirm", {"name": "affirm", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_erase_conversation"))
    for message in dispatcher.messages:
        tracker.update(create_bot_utterance(message))
    await world["store"].save(tracker)


async def test_after_an_employee_erases_nothing_of_the_conversation_is_left_in_either_database(world):
    now = time.time()
    mine = conversation(SENDER, f"waar vind ik een {MARKER} training", now - 600)
    await world["store"].save(mine)
    await world["store"].save(conversation(BYSTANDER, "hoe vraag ik verlof aan", now - 500))
    hr_works_on(world, SENDER)
    # The search finds what it looks for: before the erasure the copies are everywhere.
    before = tables_holding(world, MARKER)
    assert {"store.events", "review.review_conversation", "review.review_unansweredquestion"} <= before
    assert "review.review_unansweredstats" in before and "store.leercoach_audit" in tables_holding(
        world, SENDER
    )

    await employee_erases(world, mine)

    assert tables_holding(world, MARKER, SENDER) == set()
    assert {"store.events", "review.review_conversation"} <= tables_holding(world, BYSTANDER)


async def test_after_the_purge_nothing_of_a_conversation_past_the_retention_period_is_left(
    world, capsys, monkeypatch
):
    now = time.time()
    await world["store"].save(conversation(SENDER, f"waar vind ik een {MARKER} training", now - 200 * DAY))
    await world["store"].save(conversation(BYSTANDER, "hoe vraag ik verlof aan", now - DAY))
    with monkeypatch.context() as earlier:  # HR worked on it while it was inside the period
        earlier.setenv("LEERCOACH_RETENTION_DAYS", "365")
        hr_works_on(world, SENDER)
    assert "review.review_conversation" in tables_holding(world, MARKER)

    assert privacy_command(["purge", "--endpoints", str(world["endpoints"]), "--days", "180"]) == 0

    assert tables_holding(world, MARKER, SENDER) == set()
    assert {"store.events", "review.review_conversation"} <= tables_holding(world, BYSTANDER)
    output = capsys.readouterr().out
    assert "Bewaartermijn 180 dagen: 1 gesprekken" in output and "HR-review: 1 gesprekken" in output


def test_the_purge_removes_expired_sessions_old_login_records_and_dead_locks(world):
    now = time.time()
    old, recent = now - 40 * DAY, now - DAY
    review = world["review"]
    sqlite = review.dialect.name == "sqlite"

    def moment(at):  # as Django keeps it: UTC, without offset in SQLite
        aware = dt.datetime.fromtimestamp(at, dt.timezone.utc)
        return aware.replace(tzinfo=None) if sqlite else aware

    with review.begin() as connection:
        sessions = sa.Table("django_session", sa.MetaData(), autoload_with=connection)
        connection.execute(
            sessions.insert(),
            [
                {"session_key": "expired", "session_data": "x", "expire_date": moment(old)},
                {"session_key": "current", "session_data": "x", "expire_date": moment(now + DAY)},
            ],
        )
        logins = sa.Table("axes_accesslog", sa.MetaData(), autoload_with=connection)
        for name, at in (("oud", old), ("nieuw", recent)):
            connection.execute(
                logins.insert().values(
                    user_agent="browser",
                    ip_address="10.0.0.9",
                    username=name,
                    http_accept="*/*",
                    path_info="/inloggen/",
                    attempt_time=moment(at),
                    session_hash="",
                )
            )
    locks = world["endpoints"].parent / "locks.db"
    from leercoach.run.lock_store import SQLiteLockStore

    lock_store = SQLiteLockStore(db=str(locks))
    lock_store.issue_ticket("dead-server", lock_lifetime=-1)  # expired already
    lock_store.issue_ticket("busy", lock_lifetime=600)

    assert privacy_command(["purge", "--endpoints", str(world["endpoints"])]) == 0

    with review.connect() as connection:
        assert [r[0] for r in connection.execute(sa.text("SELECT session_key FROM django_session"))] == [
            "current"
        ]
        assert [r[0] for r in connection.execute(sa.text("SELECT username FROM axes_accesslog"))] == ["nieuw"]
    assert lock_store.get_lock("dead-server") is None and lock_store.get_lock("busy") is not None


def test_local_databases_and_keys_are_readable_by_their_owner_only(world, tmp_path):
    if world["review_url"]:
        pytest.skip("PostgreSQL: no local files")
    from leercoach.run.lock_store import SQLiteLockStore

    SQLiteLockStore(db=str(tmp_path / "locks.db"))
    key = ensure_local_key(tmp_path / "first-run" / "pseudonym.key")
    assert key.parent.stat().st_mode & 0o777 == 0o700
    for path in (
        key,
        tmp_path / "conversations.db",
        tmp_path / "locks.db",
        world["state"] / "review.sqlite3",
        world["state"] / "review-secret-key",
    ):
        assert Path(path).stat().st_mode & 0o777 == 0o600, path
    assert json.dumps(oct(world["state"].stat().st_mode & 0o777)) == json.dumps(oct(0o700))
