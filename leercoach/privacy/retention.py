"""Retention: conversations whose last event is older than the retention period are deleted."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import sqlalchemy as sa

from leercoach import settings
from leercoach.privacy import audit
from leercoach.privacy.store import events

SECONDS_PER_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class PurgeResult:
    conversations: int
    events: int
    cutoff: float  # epoch seconds: conversations silent since before this went


def _stale_conversations(cutoff: float):
    return (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff)
    )


def purge(engine: sa.engine.Engine, days: Optional[int] = None, now: Optional[float] = None) -> PurgeResult:
    """Deletes every conversation silent for more than ``days`` (default: the setting) and
    records the purge in the audit log, in one transaction. A conversation that gets a new
    message while this runs is not stale any more and is kept (the condition is re-checked by
    the DELETE itself)."""
    days = settings.retention_days() if days is None else days
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    stale = _stale_conversations(cutoff)
    audit.ensure_table(engine)
    with engine.begin() as connection:
        conversations = connection.execute(sa.select(sa.func.count()).select_from(stale.subquery())).scalar()
        # The IN list is materialised first: MySQL-style "same table in subquery" limits aside,
        # SQLite and PostgreSQL both evaluate it once.
        removed = connection.execute(
            sa.delete(events).where(events.c.sender_id.in_(stale.scalar_subquery()))
        ).rowcount
        audit.record(
            engine,
            "purge",
            count=conversations,
            connection=connection,
            detail=f"{removed} events; retention {days} days",
        )
    return PurgeResult(conversations, removed, cutoff)
