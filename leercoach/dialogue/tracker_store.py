"""Rasa's SQLTrackerStore without the work a turn does not need (README, "Snelheid").

`FastSQLMixin` goes in front of SQLTrackerStore (or a subclass of it, such as the privacy
package's store) and changes how, never what, is stored:

- reading a conversation selects only the `data` column instead of building an ORM object
  per event;
- saving appends the events added since the conversation was read, instead of first counting
  the stored events (a COUNT with a subquery on every save);
- SQLite runs in WAL mode with synchronous=NORMAL: a commit no longer waits for a sync of the
  journal and the database file, and readers do not block the writer. A power cut can lose
  the last commits, never corrupt the file.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

# How many events of the tracker are already in the database (set on read and on save).
_STORED = "_leercoach_stored_events"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class FastSQLMixin:
    """Faster reads and saves for a SQLTrackerStore; same table, same rows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            rows = query.with_entities(self.SQLEvent.data).all()
        if not self.domain or not rows:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for (data,) in rows], self.domain.slots)
        if not fetch_events_from_all_sessions:  # exactly what the count in Rasa's save counts
            setattr(tracker, _STORED, len(rows))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        setattr(tracker, _STORED, len(tracker.events))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, _STORED, None)
        if stored is None:  # not read through this store (e.g. a new conversation): count
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))


class FastSQLTrackerStore(FastSQLMixin, SQLTrackerStore):
    """Rasa's SQL tracker store with FastSQLMixin."""
