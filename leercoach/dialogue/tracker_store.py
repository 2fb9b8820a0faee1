"""Rasa's SQLTrackerStore without the work a turn does not need (docs/decisions/0005-fast-tracker-store.md).

`FastSQLMixin` goes in front of SQLTrackerStore (the privacy package's store uses it) and
changes how, never what, is stored:

- the conversations a server just answered stay in memory (up to RECENT_CONVERSATIONS): the
  next turn reads one aggregate row (count and newest id of the conversation's events)
  instead of every event, and uses the tracker as it was saved when nothing changed in the
  database meanwhile (another server's turn, an erasure, a purge all change the count or the
  newest id). A tracker is kept only when the rows stored are exactly its events
  (`_stored(tracker, verbatim)`); the privacy store's are not when redaction changed one;
- reading selects only the `data` column instead of building an ORM object per event;
- saving appends the events added since the conversation was read, instead of first counting
  the stored events (a COUNT with a subquery on every save), with one INSERT in one
  transaction that also takes the fingerprint, instead of an ORM object per event and three
  sessions;
- SQLite connections are pooled instead of opened for every session;
- SQLite runs in WAL mode with synchronous=NORMAL: a commit no longer waits for two syncs
  to disk, and readers do not block the writer. A power cut can lose the last commits,
  never corrupt the file.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

RECENT_CONVERSATIONS = 500

# How many events of the tracker are already in the database (set on read and on save).
_STORED = "_leercoach_stored_events"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _later_session(tracker: DialogueStateTracker) -> bool:
    """Did a session start after the conversation's first (action_session_start, session_started)?"""
    return any(isinstance(event, SessionStarted) for event in itertools.islice(tracker.events, 2, None))


class FastSQLMixin:
    """Faster reads and saves for a SQLTrackerStore; same table, same rows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self._pool_sqlite_connections()
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._recent: OrderedDict[Text, Tuple[Tuple[int, Optional[int]], DialogueStateTracker]] = (
            OrderedDict()
        )

    def _pool_sqlite_connections(self) -> None:
        """SQLAlchemy 1.4 opens and closes a new SQLite connection for every session of a file
        database (NullPool): two or three per turn, each with its PRAGMAs. A pool keeps them."""
        if self.engine.url.database in (None, "", ":memory:"):
            return
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False}
        )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _fingerprint(self, session: Any, sender_id: Text) -> Tuple[int, Optional[int]]:
        event = self.SQLEvent
        query = session.query(sa.func.count(event.id), sa.func.max(event.id)).filter(
            event.sender_id == sender_id
        )
        count, newest = query.one()
        return count, newest

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        # Taken out while a turn uses it; put back by _stored after the save.
        kept = None if fetch_events_from_all_sessions else self._recent.pop(sender_id, None)
        with self.session_scope() as session:
            if kept is not None and kept[0] == self._fingerprint(session, sender_id):
                return kept[1]
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            rows = query.with_entities(self.SQLEvent.data).all()
        if not self.domain or not rows:
            return None
        events = [json.loads(data) for (data,) in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions:  # exactly what the count in Rasa's save counts
            setattr(tracker, _STORED, len(rows))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save; a subclass with its own save calls `_stored` itself."""
        await super().save(tracker)
        self._stored(tracker, verbatim=True)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, _STORED, None)
        if stored is None:  # not read through this store (e.g. a new conversation): count
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def _new_events(self, tracker: DialogueStateTracker) -> List[Event]:
        """The events to insert; the database is asked only when the tracker was not read here."""
        if getattr(tracker, _STORED, None) is not None:
            return list(self._additional_events(None, tracker))
        with self.session_scope() as session:
            return list(self._additional_events(session, tracker))

    def _insert(self, session: Any, sender_id: Text, events: List[Event], rows: List[Dict[str, Any]]) -> None:
        """The rows Rasa's save adds, in one statement instead of an ORM object per event."""
        if not rows:
            return
        session.execute(
            self.SQLEvent.__table__.insert(),
            [
                {
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
                for event, data in zip(events, rows, strict=True)
            ],
        )

    def _keeps(self, tracker: DialogueStateTracker, verbatim: bool) -> bool:
        """May the next turn use `tracker` as it is, once saved? Only when the rows stored are
        exactly its events (`verbatim`), and not after a later session started in it: a read
        from the database returns only the latest session."""
        return verbatim and not _later_session(tracker)

    def _stored(
        self,
        tracker: DialogueStateTracker,
        verbatim: bool,
        fingerprint: Optional[Tuple[int, Optional[int]]] = None,
    ) -> None:
        """Call after saving `tracker`, with the conversation's `fingerprint` when the save
        took it in its own transaction."""
        setattr(tracker, _STORED, len(tracker.events))
        self._recent.pop(tracker.sender_id, None)
        if not self._keeps(tracker, verbatim):
            return
        if fingerprint is None:
            with self.session_scope() as session:
                fingerprint = self._fingerprint(session, tracker.sender_id)
        self._recent[tracker.sender_id] = (fingerprint, tracker)
        while len(self._recent) > RECENT_CONVERSATIONS:
            self._recent.popitem(last=False)
