"""Rasa's Redis lock store, with one fix for a server that dies in the middle of a turn.

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
import time
from typing import Any, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore


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

    def _keep_alive(self, lock: TicketLock, ticket: int) -> None:
        """Our ticket stays valid for a full lifetime from now while we wait in line."""
        for waiting in lock.tickets:
            if waiting.number == ticket:
                waiting.expires = max(waiting.expires, time.time() + LOCK_LIFETIME)
                self.save_lock(lock)
                return
