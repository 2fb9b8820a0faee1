"""Erasure of one conversation: every event of it, in every session, and an audit entry."""

from __future__ import annotations

import logging
from typing import Callable

import sqlalchemy as sa

from leercoach.privacy import audit
from leercoach.privacy.store import events
from leercoach.widget import protocol

logger = logging.getLogger(__name__)

# Leercoach's own custom payloads name what they are under this key (the widget reads it too).
PAYLOAD_KEY = protocol.PAYLOAD_KEY
# The erase action's reply carries {PAYLOAD_KEY: ERASED_MARK}; the tracker store and the widget
# both act on exactly that (delete everything; start a new conversation id), never on the word
# appearing somewhere else in a payload (an export of a conversation that mentions it).
ERASED_MARK = protocol.CONVERSATION_ERASED


def erasure_payload() -> dict:
    return {PAYLOAD_KEY: ERASED_MARK}


def is_erasure_payload(custom) -> bool:
    return isinstance(custom, dict) and custom.get(PAYLOAD_KEY) == ERASED_MARK


def _forget_review_copies(conversation_id: str) -> int:
    from leercoach.review import copies

    return copies.forget_conversation(conversation_id)


def erase_conversation(
    engine: sa.engine.Engine,
    conversation_id: str,
    *,
    actor: str,
    keep_id_in_audit: bool = False,
    detail: str = "",
    forget_copies: Callable[[str], int] = _forget_review_copies,
) -> int:
    """Deletes the conversation; returns how many events went. Earlier audit entries that named
    it forget which one it was; the erasure's own entry names it only when asked (an HR erasure
    on request); a self-service erasure leaves no trace of which conversation it was. Then the
    review app's copies go (``forget_copies``: summary, search text, notes, unanswered questions
    and their share of the totals); if the review database cannot be reached now, the next purge
    removes them (it compares the review database with the store)."""
    audit.ensure_table(engine)
    with engine.begin() as connection:
        audit.forget_conversations(connection, [conversation_id])
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
    try:
        forget_copies(conversation_id)
    except Exception as problem:  # never the id or text in the log: only what kind of failure
        logger.warning(
            "Review copies of an erased conversation not removed yet (%s).", type(problem).__name__
        )
    return removed


def erased(engine: sa.engine.Engine, conversation_id: str) -> bool:
    query = sa.select(sa.func.count()).select_from(events).where(events.c.sender_id == conversation_id)
    with engine.connect() as connection:
        return connection.execute(query).scalar() == 0
