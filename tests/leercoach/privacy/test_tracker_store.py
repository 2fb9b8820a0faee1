"""The private tracker store on real databases: what reaches the disk, and erasure at save."""

import json

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.privacy import EXPORT_MARK
from leercoach.privacy import audit
from leercoach.privacy.erasure import ERASED_MARK, PAYLOAD_KEY
from leercoach.privacy.export import build_export, transcript
from leercoach.privacy.store import conversation_events
from leercoach.privacy.tracker_store import PrivateSQLTrackerStore
from leercoach.settings import PROJECT_ROOT
from tests.support import postgres_database

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
PHONE, MAIL = "06-12345678", "piet.pieters@acme.nl"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "conversations.db"))
        return
    with postgres_database() as url:
        tracker_store = PrivateSQLTrackerStore(domain=DOMAIN, host=url)
        yield tracker_store
        tracker_store.engine.dispose()


def user(text, entities=()):
    parse_data = {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": list(entities)}
    return UserUttered(
        text,
        parse_data["intent"],
        list(entities),
        parse_data,
        metadata={"out_channel": "D0123ABCD", "users": ["U0123ABCD"]},
    )


def raw_rows(store):
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text("SELECT * FROM events"))]


async def test_only_redacted_text_and_slot_values_reach_the_disk(store):
    tracker = DialogueStateTracker.from_events(
        "conversation-1",
        [
            ActionExecuted("action_listen"),
            user(f"bel me op {PHONE}", entities=[{"entity": "goal", "value": f"mail {MAIL}"}]),
            SlotSet("coaching_goal", f"presenteren, bel {PHONE}"),
            SlotSet("goal_analysis", {"phrase": f"presenteren {MAIL}", "lemmas": ["presenteren"]}),
            BotUttered("Dank je!"),
        ],
        DOMAIN.slots,
    )
    await store.save(tracker)

    on_disk = repr(raw_rows(store))
    for secret in (PHONE, MAIL, "D0123ABCD", "U0123ABCD"):
        assert secret not in on_disk
    stored = conversation_events(store.engine, "conversation-1")
    assert stored[1]["text"] == "bel me op [TELEFOON]"
    assert stored[2]["value"] == "presenteren, bel [TELEFOON]"
    assert stored[3]["value"]["lemmas"] == ["presenteren"]


async def test_a_later_save_adds_only_the_new_events(store):
    events = [ActionExecuted("action_listen"), user(f"mijn nummer is {PHONE}"), BotUttered("Oké")]
    tracker = DialogueStateTracker.from_events("conversation-2", events, DOMAIN.slots)
    await store.save(tracker)
    tracker.update(user("en nog een vraag"))
    await store.save(tracker)
    assert [e.get("text") for e in conversation_events(store.engine, "conversation-2")] == [
        None,
        "mijn nummer is [TELEFOON]",
        "Oké",
        "en nog een vraag",
    ]
    retrieved = await store.retrieve("conversation-2")
    assert len(retrieved.events) == 4


async def test_the_erasure_mark_deletes_the_conversation_instead_of_saving_the_turn(store):
    tracker = DialogueStateTracker.from_events(
        "conversation-3",
        [
            ActionExecuted("action_listen"),
            user("wat is een leercultuur?"),
            BotUttered("Een leercultuur is ..."),
        ],
        DOMAIN.slots,
    )
    await store.save(tracker)
    await store.save(DialogueStateTracker.from_events("bystander", [user("hallo")], DOMAIN.slots))
    # The turn of the erasure: the confirmation, the erase action and its marked reply.
    for event in (
        user("/affirm"),
        ActionExecuted("action_erase_conversation"),
        BotUttered("Klaar: gewist.", data={"custom": {"leercoach": ERASED_MARK}}),
    ):
        tracker.update(event)
    await store.save(tracker)

    assert conversation_events(store.engine, "conversation-3") == []
    assert await store.retrieve("conversation-3") is None
    assert conversation_events(store.engine, "bystander")
    entry = audit.entries(store.engine, action="erasure")[0]
    assert (entry.count, entry.actor, entry.conversation) == (3, "medewerker", None)
    assert "leercultuur" not in json.dumps(repr(audit.entries(store.engine)))


async def test_an_export_that_mentions_the_erasure_mark_erases_nothing(store):
    # The employee typed the mark's word; the export's download then carries it in its content.
    tracker = DialogueStateTracker.from_events(
        "conversation-4",
        [
            ActionExecuted("action_listen"),
            user(f"wat betekent {ERASED_MARK}?"),
            BotUttered("Dat weet ik niet."),
        ],
        DOMAIN.slots,
    )
    await store.save(tracker)
    export = build_export("conversation-4", conversation_events(store.engine, "conversation-4"))
    for event in (
        user("download mijn gesprek"),
        ActionExecuted("action_export_conversation"),
        BotUttered(
            "Hier is je gesprek.", data={"custom": {PAYLOAD_KEY: EXPORT_MARK, "content": transcript(export)}}
        ),
    ):
        tracker.update(event)
    await store.save(tracker)

    assert ERASED_MARK in transcript(export)
    assert len(conversation_events(store.engine, "conversation-4")) == 6
    assert audit.entries(store.engine, action="erasure") == []


async def test_the_contact_of_a_hulpvraag_never_reaches_the_disk(store):
    # Redaction does not see everything ("vraag naar kees", a room): the contact form's metadata
    # is dropped unread, also where Rasa copies the first message's metadata at a new session.
    contact = "vraag naar kees op toestel twaalf"
    metadata = {"handoff_contact": contact, "handoff_consent": True}
    parse_data = {
        "text": "/handoff_contact",
        "intent": {"name": "handoff_contact", "confidence": 1.0},
        "entities": [],
    }
    tracker = DialogueStateTracker.from_events(
        "conversation-handoff",
        [
            ActionExecuted("action_session_start"),
            SlotSet("session_started_metadata", metadata),
            ActionExecuted("action_listen"),
            UserUttered(
                "/handoff_contact",
                parse_data["intent"],
                [],
                {**parse_data, "metadata": metadata},
                metadata=metadata,
            ),
        ],
        DOMAIN.slots,
    )
    await store.save(tracker)
    assert "toestel twaalf" not in repr(raw_rows(store))
    retrieved = await store.retrieve("conversation-handoff")  # read back, not the tracker in memory
    assert "toestel twaalf" not in json.dumps(retrieved.current_state(), default=str)
