"""Retention: conversations whose last event is older than the retention period are deleted,
from every store that holds anything of them (``purge_all``)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Tuple

import sqlalchemy as sa

from leercoach import settings
from leercoach.privacy import audit
from leercoach.privacy.store import events

if TYPE_CHECKING:
    from leercoach.review.copies import ReviewPurge

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
        audit.forget_conversations(connection, stale.scalar_subquery())
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


@dataclass(frozen=True)
class PurgeAllResult:
    days: int
    store: PurgeResult
    locks: Optional[int]  # None: a lock store without stored locks (Rasa's in-memory one)
    review: Optional[ReviewPurge]  # None: no review database (yet)
    problems: Tuple[str, ...] = ()  # the stores that could not be reached, for the output

    def lines(self) -> List[str]:
        """What went, in Dutch, one line per store (printed by `make purge` and the CronJob)."""
        lines = [
            f"Bewaartermijn {self.days} dagen: {self.store.conversations} gesprekken en "
            f"{self.store.events} events verwijderd."
        ]
        if self.locks is not None:
            lines.append(f"Verlopen gespreksvergrendelingen: {self.locks} verwijderd.")
        if self.review is not None:
            lines.append(f"Hulpvragen ouder dan {self.days} dagen: {self.review.handoffs} verwijderd.")
            lines.append(
                f"HR-review: {self.review.conversations} gesprekken, {self.review.sessions} verlopen sessies "
                f"en {self.review.login_records} oude inlogregistraties verwijderd."
            )
        return lines + [f"Niet bereikbaar: {problem}." for problem in self.problems]


def _lock_store(endpoints: Optional[Path]):
    """The lock store the Rasa servers use (from the same endpoints file), if it keeps locks."""
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    from leercoach.privacy.store import endpoints_file
    from leercoach.run.lock_store import SQLiteLockStore

    config = read_endpoint_config(str(endpoints or endpoints_file()), "lock_store")
    if config is None or not config.type:
        return None
    if config.type.endswith("SQLiteLockStore"):
        database = Path(config.kwargs.get("db", "locks.db"))
        return SQLiteLockStore(
            db=str(database if database.is_absolute() else settings.PROJECT_ROOT / database)
        )
    store = LockStore.create(config)
    return store if hasattr(store, "purge_expired") else None


def purge_all(
    endpoints: Optional[Path] = None, days: Optional[int] = None, now: Optional[float] = None
) -> PurgeAllResult:
    """Every store past its time, in one run (`make purge`, `make run`'s daily purge, the CronJob):
    the conversations in the tracker store (and the audit entries' reference to them), the
    locks left by a server that died, and in the review database the conversations' copies
    (also of conversations no longer in the store), hulpvragen, expired sessions and login
    records older than LEERCOACH_REVIEW_LOGIN_LOG_DAYS. The tracker store not reachable: raises;
    another store not reachable: named in ``problems``, the rest is still done."""
    import sqlalchemy.exc

    from leercoach.handoff.store import HandoffStoreError
    from leercoach.privacy.store import conversation_ids, engine_from_endpoints
    from leercoach.review import copies

    days = settings.retention_days() if days is None else days
    moment = time.time() if now is None else now
    problems: List[str] = []
    engine = engine_from_endpoints(endpoints)
    try:
        store = purge(engine, days, moment)
        locks = None
        try:
            lock_store = _lock_store(endpoints)
            locks = lock_store.purge_expired() if lock_store is not None else None
        except Exception as problem:  # Redis down: the conversations are purged all the same
            problems.append(f"de lock store ({type(problem).__name__})")
        review = None
        try:
            review = copies.purge(
                lambda: set(conversation_ids(engine)),
                days,
                settings.login_log_days(),
                dt.datetime.fromtimestamp(moment, dt.timezone.utc),
            )
        except (sqlalchemy.exc.SQLAlchemyError, HandoffStoreError, ValueError) as problem:
            problems.append(f"de database van HR-review ({type(problem).__name__})")
    finally:
        engine.dispose()
    return PurgeAllResult(days, store, locks, review, tuple(problems))
