"""PatientRedisLockStore against the real Redis (a key prefix of its own): a message waiting for
a conversation whose server died is handled once the dead ticket expires, not left hanging."""

import asyncio
import concurrent.futures
import uuid

import pytest
from rasa.core.lock_store import LockError, RedisLockStore

from leercoach.run.lock_store import PatientRedisLockStore

pytestmark = pytest.mark.servers

SETTINGS = {"host": "127.0.0.1", "port": "6379", "db": "1"}


def stores(kind):
    prefix = f"leercoachtest{uuid.uuid4().hex[:8]}"
    dead_server = RedisLockStore(host="127.0.0.1", port=6379, db=1, key_prefix=prefix)
    waiting_server = (
        kind(**{**SETTINGS, "key_prefix": prefix})
        if kind is PatientRedisLockStore
        else kind(host="127.0.0.1", port=6379, db=1, key_prefix=prefix)
    )
    return dead_server, waiting_server


def run_apart(coroutine):
    """Runs the coroutine on an event loop of its own thread: in `make test-servers` the browser
    tests' Playwright (sync API) keeps a loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def wait_for_the_lock(waiting_server, conversation):
    async with waiting_server.lock(conversation, lock_lifetime=1, wait_time_in_seconds=0.2):
        return "handled"


def test_rasas_own_lock_store_never_hands_the_lock_to_the_waiting_message():
    dead_server, waiting_server = stores(RedisLockStore)
    dead_server.issue_ticket("conversation", lock_lifetime=1)  # the server dies holding it
    # Both tickets expire; the emptied lock then counts as taken for ever (or raises LockError).
    with pytest.raises((asyncio.TimeoutError, LockError)):
        run_apart(asyncio.wait_for(wait_for_the_lock(waiting_server, "conversation"), timeout=5))


def test_the_patient_lock_store_handles_it_when_the_dead_ticket_expires():
    dead_server, waiting_server = stores(PatientRedisLockStore)
    dead_server.issue_ticket("conversation", lock_lifetime=1)
    result = run_apart(asyncio.wait_for(wait_for_the_lock(waiting_server, "conversation"), timeout=10))
    assert result == "handled"


def test_it_is_created_from_the_endpoints_file_like_rasas_redis_type():
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(url="127.0.0.1", port="6379", db="1", key_prefix="leercoach", type="x")
    store = PatientRedisLockStore(endpoint_config=config)
    assert store.red.connection_pool.connection_kwargs["port"] == 6379


def test_the_purge_deletes_the_locks_a_dead_server_left_and_keeps_those_in_use():
    dead_server, store = stores(PatientRedisLockStore)
    dead_server.issue_ticket("dead-server", lock_lifetime=-1)  # expired: its pseudonym would stay for ever
    store.issue_ticket("busy", lock_lifetime=600)
    assert store.purge_expired() == 1
    assert store.get_lock("dead-server") is None and store.get_lock("busy") is not None
    store.delete_lock("busy")
