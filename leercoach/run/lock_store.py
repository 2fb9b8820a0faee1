"""Lock stores: a conversation's turns one at a time, across Rasa servers or worker processes.

SQLiteLockStore (below) serves `make run`'s worker processes on one machine. PatientRedisLockStore
is Rasa's Redis lock store for several servers, with one fix for a server that dies in the
middle of a turn:

Rasa hands out numbered tickets per conversation, each valid for ``TICKET_LOCK_LIFETIME``
seconds. When a server dies holding a ticket, the next message of that conversation (nginx
resends it to another server) waits for that ticket to expire. But its own ticket was issued at
almost the same moment with the same lifetime, so it expires too; the emptied lock then counts
as taken for ever and the message hangs until the HTTP timeout (or Rasa raises ``LockError``).
Here a waiting message keeps its own ticket alive while it waits, so it is handled as soon as
the dead server's ticket expires.

In endpoints.production.yml: ``lock_store: type: leercoach.run.lock_store.PatientRedisLockStore``
with the same settings as Rasa's ``redis`` type.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore

from leercoach.privacy.files import private_file


class PatientRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[Any] = None, **settings: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store named by its class
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        for number in ("port", "db"):
            if number in settings:
                settings[number] = int(settings[number])  # values from ${VARIABLES} arrive as text
        super().__init__(**settings)

    async def _acquire_lock(
        self, conversation_id: Text, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            self._keep_alive(lock, ticket)
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def purge_expired(self) -> int:
        """Deletes the locks whose tickets have all expired (a server died holding them): a lock
        names its conversation's pseudonym. One transaction per key (WATCH), so a ticket issued
        meanwhile keeps its lock; how many went."""
        import redis

        gone = 0
        for key in self.red.scan_iter(match=self.key_prefix + "*"):
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw is None or not _all_expired(raw):
                        continue
                    pipe.multi()
                    pipe.delete(key)
                    pipe.execute()
                    gone += 1
                except redis.WatchError:
                    continue
        return gone

    def _keep_alive(self, lock: TicketLock, ticket: int) -> None:
        """Our ticket stays valid for a full lifetime from now while we wait in line."""
        for waiting in lock.tickets:
            if waiting.number == ticket:
                waiting.expires = max(waiting.expires, time.time() + LOCK_LIFETIME)
                self.save_lock(lock)
                return


def _use_wal(connection: sqlite3.Connection, attempts: int = 100) -> None:
    """WAL mode (kept in the file once set). Two processes opening a new file at once can get
    "database is locked" here without SQLite's busy wait applying: try again for up to ~5 s."""
    for attempt in range(attempts):
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def _all_expired(serialised) -> bool:
    lock = TicketLock.from_dict(json.loads(serialised))
    lock.remove_expired_tickets()
    return not lock.tickets


class SQLiteLockStore(LockStore):
    """Rasa's ticket locks in a SQLite file, so that several Rasa worker processes on one machine
    (`make run`: LEERCOACH_RASA_WORKERS) take the turns of a conversation one at a time, without
    Redis. Unlike Rasa's lock stores, taking a ticket and handing it back are each one
    transaction (BEGIN IMMEDIATE), so two processes cannot overwrite each other's tickets.

    In endpoints.yml: ``lock_store: type: leercoach.run.lock_store.SQLiteLockStore``,
    ``db: locks.db``. The file holds conversation pseudonyms and ticket numbers only, no text.
    """

    def __init__(self, endpoint_config: Optional[Any] = None, db: Text = "locks.db") -> None:
        if endpoint_config is not None:
            db = endpoint_config.kwargs.get("db", db)
        self.path = str(db)
        private_file(self.path)  # pseudonyms: readable by the owner only
        self._local = threading.local()
        self._db().execute("CREATE TABLE IF NOT EXISTS locks (conversation_id TEXT PRIMARY KEY, data TEXT)")

    def _db(self) -> sqlite3.Connection:
        """A connection of this process and thread (Sanic forks its workers after the store may
        have been created; SQLite connections do not cross threads)."""
        local = self._local
        if getattr(local, "owner", None) != os.getpid():
            local.connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            _use_wal(local.connection)
            # A lock outlives no crash anyway (tickets expire): no sync to disk needed.
            local.connection.execute("PRAGMA synchronous=OFF")
            local.owner = os.getpid()
        return local.connection

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        row = (
            self._db()
            .execute("SELECT data FROM locks WHERE conversation_id = ?", (conversation_id,))
            .fetchone()
        )
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: Text) -> None:
        self._db().execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        self._db().execute(
            "INSERT INTO locks (conversation_id, data) VALUES (?, ?) "
            "ON CONFLICT (conversation_id) DO UPDATE SET data = excluded.data",
            (lock.conversation_id, lock.dumps()),
        )

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self._transaction():
                return super().issue_ticket(conversation_id, lock_lifetime)
        except sqlite3.Error as problem:
            raise LockError(f"Error while acquiring lock. Error:\n{problem}") from problem

    def update_lock(self, conversation_id: Text) -> None:
        with self._transaction():
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._transaction():
            lock = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)

    def purge_expired(self) -> int:
        """Deletes the locks whose tickets have all expired (a worker died holding them), in one
        transaction; how many went."""
        with self._transaction() as db:
            stale = [
                conversation_id
                for conversation_id, data in db.execute("SELECT conversation_id, data FROM locks")
                if _all_expired(data)
            ]
            db.executemany("DELETE FROM locks WHERE conversation_id = ?", [(c,) for c in stale])
        return len(stale)
