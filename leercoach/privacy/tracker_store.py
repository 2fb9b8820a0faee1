"""Rasa's SQL tracker store, made private: it stores only redacted text and carries out erasure.

Configured in ``endpoints.yml`` (SQLite) and ``endpoints.production.yml`` (PostgreSQL) as
``leercoach.privacy.tracker_store.PrivateSQLTrackerStore``. The channels redact already; this
redacts what is written once more (free text in slots and typed payload values included), so
no path around a channel can put personal data on disk.

Erasure happens here, not in the action: Rasa saves the turn's tracker after the action ran,
and decides what to insert by counting the stored events, so a delete inside the action would
be written back at the end of the same turn. The erase action marks its reply instead; when
this store sees the mark among the turn's new events it deletes the whole conversation and
stores nothing of it.
"""

from __future__ import annotations

import logging
from typing import Any, Dict

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from leercoach.dialogue.tracker_store import FastSQLMixin
from leercoach.privacy import audit
from leercoach.privacy.erasure import erase_conversation, is_erasure_payload
from leercoach.privacy.files import private_file, private_sqlite
from leercoach.privacy.redaction import redact

logger = logging.getLogger(__name__)


def redact_value(value: Any) -> Any:
    """Strings redacted, containers walked; everything else as it is."""
    if isinstance(value, str):
        return redact(value).text
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    return value


def redact_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """The event as it may be stored: user text, entity values and slot values redacted;
    the channel's metadata dropped (it may carry platform ids, or the contact of a hulpvraag,
    leercoach.handoff), also where Rasa copies it into the slot session_started_metadata."""
    kind = data.get("event")
    if kind == "user":
        data = dict(data)
        data["text"] = redact_value(data.get("text"))
        data["metadata"] = {}
        parse_data = dict(data.get("parse_data") or {})
        if parse_data:
            parse_data["text"] = redact_value(parse_data.get("text"))
            parse_data.pop("metadata", None)
            parse_data["entities"] = [
                {**entity, "value": redact_value(entity.get("value"))}
                for entity in parse_data.get("entities", [])
            ]
            data["parse_data"] = parse_data
    elif kind == "slot" and data.get("name") == SESSION_START_METADATA_SLOT:
        data = {**data, "value": None}  # Rasa copies the first message's metadata here
    elif kind == "slot":
        data = {**data, "value": redact_value(data.get("value"))}
    elif kind == "entities":
        data = {
            **data,
            "entities": [{**e, "value": redact_value(e.get("value"))} for e in data.get("entities", [])],
        }
    elif kind == "bot":
        data = {**data, "metadata": {}}
    return data


# What Rasa itself puts in a user message's metadata.
RASA_METADATA = {"model_id", "assistant_id"}


def stored_as_is(original: Dict[str, Any], stored: Dict[str, Any]) -> bool:
    """Redaction found nothing in the event: the row holds what the tracker holds, apart from
    metadata that is dropped unwritten (of a user message only Rasa's own model and assistant
    id; of a bot message what Rasa keeps of the action's reply, e.g. the response name)."""
    if original.get("event") == "bot":
        return {**original, "metadata": {}} == stored
    if original.get("event") == "user":
        parse_data = original.get("parse_data") or {}
        if set(original.get("metadata") or {}) - RASA_METADATA or parse_data.get("metadata"):
            return False
        original = {**original, "metadata": {}}
        if parse_data:
            original["parse_data"] = {key: value for key, value in parse_data.items() if key != "metadata"}
    return original == stored


def is_erasure(event: Event) -> bool:
    data = event.as_dict()
    return data.get("event") == "bot" and is_erasure_payload((data.get("data") or {}).get("custom"))


class PrivateSQLTrackerStore(FastSQLMixin, SQLTrackerStore):
    """FastSQLMixin: reads and saves without the work a turn does not need (leercoach/dialogue)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("dialect") == "sqlite" and kwargs.get("db"):
            private_file(kwargs["db"])  # before SQLite creates it: conversations, owner only
        super().__init__(*args, **kwargs)
        private_sqlite(self.engine.url)
        audit.ensure_table(self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        new_events = self._new_events(tracker)
        if any(is_erasure(event) for event in new_events):
            erase_conversation(self.engine, tracker.sender_id, actor=audit.EMPLOYEE)
            self._stored(tracker, verbatim=False)
            return
        as_they_are = [event.as_dict() for event in new_events]
        rows = [redact_event(data) for data in as_they_are]
        if self.event_broker is not None:
            for data in rows:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})
        # Redaction changed a row: the next turn reads the rows back instead of this tracker.
        verbatim = all(map(stored_as_is, as_they_are, rows))
        fingerprint = None
        with self.session_scope() as session:
            self._insert(session, tracker.sender_id, new_events, rows)
            if self._keeps(tracker, verbatim):
                fingerprint = self._fingerprint(session, tracker.sender_id)
            session.commit()
        self._stored(tracker, verbatim, fingerprint)
