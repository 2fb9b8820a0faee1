"""Erasure of one conversation: every event of it, in every session, and an audit entry."""

from __future__ import annotations

import sqlalchemy as sa

from leercoach.privacy import audit
from leercoach.privacy.store import events

# Leercoach's own custom payloads name what they are under this key (the widget reads it too).
PAYLOAD_KEY = "leercoach"
# The erase action's reply carries {PAYLOAD_KEY: ERASED_MARK}; the tracker store and the widget
# both act on exactly that (delete everything; start a new conversation id), never on the word
# appearing somewhere else in a payload (an export of a conversation that mentions it).
ERASED_MARK = "conversation_erased"


def erasure_payload() -> dict:
    return {PAYLOAD_KEY: ERASED_MARK}


def is_erasure_payload(custom) -> bool:
    return isinstance(custom, dict) and custom.get(PAYLOAD_KEY) == ERASED_MARK


def erase_conversation(
    engine: sa.engine.Engine,
    conversation_id: str,
    *,
    actor: str,
    keep_id_in_audit: bool = False,
    detail: str = "",
) -> int:
    """Deletes the conversation; returns how many events went. The audit entry names the
    conversation only when asked (an HR erasure on request); a self-service erasure leaves no
    trace of which conversation it was."""
    audit.ensure_table(engine)
    with engine.begin() as connection:
        removed = connection.execute(sa.delete(events).where(events.c.sender_id == conversation_id)).rowcount
        audit.record(
            engine,
            "erasure",
            actor=actor,
            count=removed,
            detail=detail,
            conversation=conversation_id if keep_id_in_audit else None,
            connection=connection,
        )
    return removed


def erased(engine: sa.engine.Engine, conversation_id: str) -> bool:
    query = sa.select(sa.func.count()).select_from(events).where(events.c.sender_id == conversation_id)
    with engine.connect() as connection:
        return connection.execute(query).scalar() == 0
