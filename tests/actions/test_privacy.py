"""The privacy actions: confirmation before erasure, the erasure mark, and the export."""

import pytest
from rasa_sdk import Tracker

from actions import privacy as actions
from leercoach import content
from leercoach.privacy import audit, conversation_kind
from leercoach.privacy.erasure import ERASED_MARK
from leercoach.privacy.store import engine_from_endpoints, events
from tests.support import sqlite_endpoints


def tracker(channel="rest", slots=None, active_loop=None):
    latest = {
        "intent": {"name": "export_my_data", "confidence": 1.0},
        "entities": [],
        "text": "wat weet je van mij?",
    }
    in_a_dm = conversation_kind.metadata(None)  # as Slack and Teams mark a DM or personal chat
    return Tracker.from_dict(
        {
            "sender_id": "c0ffee",
            "slots": slots or {},
            "latest_message": latest,
            "events": [
                {
                    "event": "user",
                    "text": latest["text"],
                    "parse_data": latest,
                    "input_channel": channel,
                    "metadata": in_a_dm if channel != "rest" else {},
                }
            ],
            "paused": False,
            "followup_action": None,
            "active_loop": active_loop or {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def store(tmp_path, monkeypatch):
    endpoints = tmp_path / "endpoints.yml"
    sqlite_endpoints(endpoints, 5055, tmp_path / "conversations.db")
    monkeypatch.setenv("LEERCOACH_ENDPOINTS", str(endpoints))
    actions._store.cache_clear()
    engine = engine_from_endpoints(endpoints)
    with engine.begin() as connection:
        connection.execute(
            events.insert(),
            [
                dict(
                    sender_id="c0ffee",
                    type_name="user",
                    timestamp=1.0,
                    data='{"event": "user", "text": "hoi [NAAM]", "timestamp": 1.0}',
                ),
                dict(
                    sender_id="c0ffee",
                    type_name="bot",
                    timestamp=2.0,
                    data='{"event": "bot", "text": "Hoi!", "timestamp": 2.0}',
                ),
            ],
        )
    yield engine
    actions._store.cache_clear()


def test_erasure_is_asked_first_with_yes_and_no(dispatcher):
    result = actions.ActionAskErasure().run(dispatcher, tracker(), {})
    message = dispatcher.messages[0]
    assert message["text"] == content.privacy_message("erasure", "confirm")
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    assert result == []


def test_asking_during_the_coaching_questions_pauses_the_form(dispatcher):
    result = actions.ActionAskErasure().run(dispatcher, tracker(active_loop={"name": "coaching_form"}), {})
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in result
    ]


def test_the_erase_action_marks_its_reply_for_the_tracker_store_and_the_widget(dispatcher):
    actions.ActionEraseConversation().run(dispatcher, tracker(), {})
    assert dispatcher.messages[0]["custom"] == {"leercoach": ERASED_MARK}


def test_export_in_the_widget_is_a_download_of_what_is_stored(dispatcher, store):
    actions.ActionExportConversation().run(dispatcher, tracker("rest"), {})
    summary, download = dispatcher.messages
    assert "**c0ffee**" in summary["text"]
    assert download["custom"]["leercoach"] == "conversation_export"
    assert "hoi [NAAM]" in download["custom"]["content"]
    entry = audit.entries(store, action="export")[0]
    # Self-service: no trace of which conversation it was (the row outlives the conversation).
    assert (entry.actor, entry.conversation, entry.count) == ("medewerker", None, 2)


def test_export_in_slack_or_teams_is_a_message(dispatcher, store):
    actions.ActionExportConversation().run(dispatcher, tracker("slack"), {})
    assert "hoi [NAAM]" in dispatcher.messages[1]["text"] and not dispatcher.messages[1]["custom"]
