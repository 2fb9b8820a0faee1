"""The configured tracker store (privacy store + FastSQLMixin) stores and reads conversations as
Rasa's SQLTrackerStore does, and keeps a conversation in memory only while it is up to date."""

import sqlite3

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered

from leercoach.privacy.tracker_store import PrivateSQLTrackerStore as FastSQLTrackerStore
from leercoach.settings import PROJECT_ROOT

DOMAIN = Domain.load(PROJECT_ROOT / "domain.yml")


def store(cls, path):
    return cls(domain=DOMAIN, dialect="sqlite", db=str(path))


def turn(number):
    return [
        UserUttered(f"bericht {number}", {"name": "goede_leercultuur", "confidence": 0.9}),
        ActionExecuted("action_answer_topic"),
        BotUttered(f"antwoord {number}"),
        SlotSet("last_list", "kenmerk"),
        ActionExecuted("action_listen"),
    ]


async def chat(tracker_store, sender, turns, start=0):
    """Turns as Rasa's processor has them: read the tracker, add events, save it."""
    for number in range(start, start + turns):
        tracker = await tracker_store.get_or_create_tracker(sender)
        tracker.update_with_events(turn(number), DOMAIN)
        await tracker_store.save(tracker)


def rows(path):
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, intent_name, action_name FROM events ORDER BY id"
        ).fetchall()


async def test_the_same_rows_as_rasas_own_store(tmp_path):
    await chat(store(SQLTrackerStore, tmp_path / "rasa.db"), "iemand", 5)
    await chat(store(FastSQLTrackerStore, tmp_path / "fast.db"), "iemand", 5)
    assert rows(tmp_path / "fast.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "fast.db")) == 1 + 5 * 5  # the first action_listen, then the turns


async def test_a_conversation_survives_a_restart_and_continues_without_duplicates(tmp_path):
    await chat(store(FastSQLTrackerStore, tmp_path / "c.db"), "iemand", 3)
    restarted = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(restarted, "iemand", 2, start=3)
    tracker = await restarted.retrieve("iemand")
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == [f"bericht {n}" for n in range(5)]
    assert tracker.get_slot("last_list") == "kenmerk"


async def test_two_servers_taking_turns_on_one_conversation_lose_nothing(tmp_path):
    server_a, server_b = (
        store(FastSQLTrackerStore, tmp_path / "c.db"),
        store(FastSQLTrackerStore, tmp_path / "c.db"),
    )
    for number in range(4):
        await chat(server_a if number % 2 else server_b, "iemand", 1, start=number)
    events = (await server_a.retrieve("iemand")).events
    assert [e.text for e in events if isinstance(e, UserUttered)] == [f"bericht {n}" for n in range(4)]


async def test_a_tracker_saved_twice_is_stored_once(tmp_path):
    fast = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(fast, "iemand", 1)
    tracker = await fast.retrieve("iemand")
    tracker.update_with_events(turn(1), DOMAIN)
    await fast.save(tracker)
    await fast.save(tracker)
    assert len(rows(tmp_path / "c.db")) == 1 + 2 * 5


async def test_only_the_latest_session_is_read(tmp_path):
    fast = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(fast, "iemand", 2)
    tracker = await fast.retrieve("iemand")
    tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted()], DOMAIN)
    await fast.save(tracker)
    await chat(fast, "iemand", 1, start=2)
    latest = await fast.retrieve("iemand")
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["bericht 2"]
    everything = await fast.retrieve_full_tracker("iemand")
    assert len([e for e in everything.events if isinstance(e, UserUttered)]) == 3


@pytest.mark.parametrize("pragma, expected", [("journal_mode", "wal"), ("synchronous", 1)])
async def test_sqlite_runs_in_wal_mode_with_normal_sync(tmp_path, pragma, expected):
    fast = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(fast, "iemand", 1)
    with fast.engine.connect() as connection:
        assert connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected


async def test_the_next_turn_uses_the_tracker_kept_in_memory(tmp_path):
    fast = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(fast, "iemand", 2)
    first = await fast.retrieve("iemand")
    first.update_with_events(turn(2), DOMAIN)
    await fast.save(first)
    assert await fast.retrieve("iemand") is first


async def test_another_servers_turn_is_read_from_the_database(tmp_path):
    server_a, server_b = (
        store(FastSQLTrackerStore, tmp_path / "c.db"),
        store(FastSQLTrackerStore, tmp_path / "c.db"),
    )
    await chat(server_a, "iemand", 1)
    await chat(server_b, "iemand", 1, start=1)
    seen_by_a = await server_a.retrieve("iemand")
    assert [e.text for e in seen_by_a.events if isinstance(e, UserUttered)] == ["bericht 0", "bericht 1"]


async def test_a_redacted_turn_is_read_back_redacted(tmp_path):
    fast = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(fast, "iemand", 1)
    tracker = await fast.retrieve("iemand")
    tracker.update_with_events(
        [UserUttered("bel me op 06-12345678", {"name": "human_handoff", "confidence": 1.0})], DOMAIN
    )
    await fast.save(tracker)
    again = await fast.retrieve("iemand")
    assert again is not tracker
    assert "06-12345678" not in again.events[-1].text


async def test_an_erased_conversation_is_not_kept(tmp_path):
    from leercoach.privacy.erasure import erase_conversation

    fast = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(fast, "iemand", 2)
    erase_conversation(fast.engine, "iemand", actor="test")
    assert await fast.retrieve("iemand") is None


async def test_a_turn_with_a_bot_reply_from_an_action_is_kept(tmp_path):
    from rasa.core.actions.action import create_bot_utterance

    fast = store(FastSQLTrackerStore, tmp_path / "c.db")
    await chat(fast, "iemand", 1)
    tracker = await fast.retrieve("iemand")
    reply = create_bot_utterance({"text": "Hallo!", "buttons": [], "response": None, "recipient_id": "x"})
    tracker.update_with_events([UserUttered("hoi", {"name": "greet", "confidence": 1.0}), reply], DOMAIN)
    await fast.save(tracker)
    assert await fast.retrieve("iemand") is tracker
