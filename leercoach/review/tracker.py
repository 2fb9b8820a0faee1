"""Read-only access to Rasa's tracker store, found from the endpoints file Rasa reads.

Every read runs in a read-only transaction (PostgreSQL) or with `PRAGMA query_only` (SQLite), so
a bug here cannot change a conversation; the one write path is erasure, which goes through
leercoach.privacy.erasure.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator, List, Tuple

import sqlalchemy as sa

from leercoach.privacy.store import engine_from_endpoints, events


@lru_cache(maxsize=1)
def engine() -> sa.engine.Engine:
    return engine_from_endpoints()


@contextmanager
def reading() -> Iterator[sa.engine.Connection]:
    store = engine()
    with store.connect() as connection:
        if store.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        elif store.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA query_only = ON")
        try:
            yield connection
        finally:
            if store.dialect.name == "sqlite":
                connection.rollback()
                connection.exec_driver_sql("PRAGMA query_only = OFF")


def newest_event_id() -> int:
    with reading() as connection:
        return connection.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0


def events_after(event_id: int, limit: int) -> List[Tuple[int, str, dict]]:
    """(id, sender_id, event) for the next `limit` events after `event_id`, oldest first."""
    query = (
        sa.select(events.c.id, events.c.sender_id, events.c.data)
        .where(events.c.id > event_id)
        .order_by(events.c.id)
        .limit(limit)
    )
    with reading() as connection:
        return [(row.id, row.sender_id, json.loads(row.data)) for row in connection.execute(query)]


def conversation_events(sender_id: str) -> List[dict]:
    """Every stored event of one conversation, oldest first."""
    query = sa.select(events.c.data).where(events.c.sender_id == sender_id).order_by(events.c.id)
    with reading() as connection:
        return [json.loads(data) for (data,) in connection.execute(query)]
