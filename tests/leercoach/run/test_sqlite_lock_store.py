"""SQLiteLockStore: the Rasa worker processes of `make run` take a conversation's turns one at a
time, through one SQLite file, without Redis."""

import asyncio
import multiprocessing
import time

from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from leercoach.run.lock_store import SQLiteLockStore
from tests.leercoach.run.test_lock_store import run_apart

TURNS_PER_WORKER = 60


def _worker(path, counter, conversation):
    """One worker handling turns of one conversation: read, think, write the turn count.
    Without mutual exclusion two workers read the same count and a turn is lost."""
    store = SQLiteLockStore(db=str(path))

    async def turns():
        for _ in range(TURNS_PER_WORKER):
            async with store.lock(conversation, wait_time_in_seconds=0.001):
                count = int(counter.read_text())
                time.sleep(0.0005)
                counter.write_text(str(count + 1))

    asyncio.run(turns())


def test_two_worker_processes_never_handle_the_same_conversation_at_once(tmp_path):
    counter = tmp_path / "turns"
    counter.write_text("0")
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_worker, args=(tmp_path / "locks.db", counter, "gesprek-1")) for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert int(counter.read_text()) == 2 * TURNS_PER_WORKER
    assert SQLiteLockStore(db=str(tmp_path / "locks.db")).get_lock("gesprek-1") is None, "lock left behind"


def test_a_second_message_waits_for_the_first_and_then_goes(tmp_path):
    first_worker, second_worker = (SQLiteLockStore(db=str(tmp_path / "locks.db")) for _ in range(2))
    order = []

    async def message(store, name, hold):
        async with store.lock("gesprek-2", wait_time_in_seconds=0.01):
            order.append(f"{name} begint")
            await asyncio.sleep(hold)
            order.append(f"{name} klaar")

    async def both():
        first = asyncio.create_task(message(first_worker, "eerste", 0.2))
        await asyncio.sleep(0.05)
        await message(second_worker, "tweede", 0)
        await first

    run_apart(both())
    assert order == ["eerste begint", "eerste klaar", "tweede begint", "tweede klaar"]


def test_other_conversations_do_not_wait(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    store.issue_ticket("gesprek-a")
    lock = store.get_lock("gesprek-b") or store.create_lock("gesprek-b")
    assert not lock.is_locked(store.issue_ticket("gesprek-b"))


def test_it_is_created_from_the_endpoints_file_as_rasa_does(tmp_path):
    config = EndpointConfig(type="leercoach.run.lock_store.SQLiteLockStore", db=str(tmp_path / "locks.db"))
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore) and store.path == str(tmp_path / "locks.db")
