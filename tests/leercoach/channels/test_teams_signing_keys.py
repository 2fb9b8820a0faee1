"""Microsoft's signing keys: an unknown key id, which anyone can put in a token's header, does not
make the Teams channel fetch the keys again and again (a local fake publishes them)."""

from __future__ import annotations

import asyncio

import pytest

from leercoach.channels import teams
from tests.leercoach.channels.fakes import FakeMicrosoft, new_rsa_key

TENANT = FakeMicrosoft.TENANT_ID


class Clock:
    """Monotonic seconds that a test moves forward."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def microsoft():
    fake = FakeMicrosoft()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def attacker_key():
    return new_rsa_key()


def inbound_auth(microsoft: FakeMicrosoft, clock=None) -> teams.InboundAuth:
    settings = teams.TeamsSettings(
        FakeMicrosoft.APP_ID,
        FakeMicrosoft.APP_PASSWORD,
        TENANT,
        openid_metadata_url=f"{microsoft.url}/openid",
        allowed_service_urls=(microsoft.service_url,),
    )
    auth = teams.InboundAuth(settings)
    if clock is not None:
        auth.keys = teams.SigningKeys(settings.openid_metadata_url, clock=clock)
    return auth


def activity(microsoft: FakeMicrosoft) -> dict:
    return {
        "type": "message",
        "serviceUrl": microsoft.service_url,
        "channelId": "msteams",
        "channelData": {"tenant": {"id": TENANT}},
    }


async def status_of(auth: teams.InboundAuth, microsoft: FakeMicrosoft, token: str) -> int:
    """200 for a request the checks let through, else the status it is refused with."""
    try:
        await auth.check(f"Bearer {token}", activity(microsoft))
    except teams.Refused as refused:
        return refused.status
    return 200


def key_fetches(microsoft: FakeMicrosoft) -> int:
    return len(microsoft.requests_to("/keys"))


def test_alternating_unknown_key_ids_fetch_the_keys_at_most_once(microsoft, attacker_key):
    auth = inbound_auth(microsoft)
    fakes = [microsoft.token(kid=f"fake-{n % 2}", key=attacker_key) for n in range(20)]

    async def scenario():
        before = key_fetches(microsoft)
        assert await status_of(auth, microsoft, microsoft.token()) == 200  # the first fetch
        statuses = [await status_of(auth, microsoft, token) for token in fakes]
        return statuses, key_fetches(microsoft) - before

    statuses, fetches = asyncio.run(scenario())
    assert statuses == [401] * 20
    # The first fetch was just now: none of the unknown ids fetches again.
    assert fetches == 1, f"a valid token and 20 unknown key ids fetched the keys {fetches} times"


def test_the_keys_are_fetched_again_for_an_unknown_id_once_per_five_minutes(microsoft, attacker_key):
    clock = Clock()
    auth = inbound_auth(microsoft, clock)
    microsoft.signing_keys["key-rotated"] = new_rsa_key()
    rotated = microsoft.token(kid="key-rotated")
    fakes = [microsoft.token(kid=f"fake-{n % 2}", key=attacker_key) for n in range(6)]

    async def scenario():
        before = key_fetches(microsoft)
        seen = []
        assert await status_of(auth, microsoft, microsoft.token()) == 200
        microsoft.published.append("key-rotated")  # Microsoft publishes a new key after our fetch
        for token in fakes:
            seen.append(await status_of(auth, microsoft, token))
        seen.append(await status_of(auth, microsoft, rotated))  # not yet: within 5 minutes
        fetched_within = key_fetches(microsoft) - before
        clock.now += teams.REFETCH_INTERVAL
        for token in fakes:
            seen.append(await status_of(auth, microsoft, token))  # the first of these fetches, once
        fetched_after = key_fetches(microsoft) - before
        seen.append(await status_of(auth, microsoft, rotated))  # the new key is known now
        return seen, fetched_within, fetched_after, key_fetches(microsoft) - before

    seen, fetched_within, fetched_after, fetched_at_end = asyncio.run(scenario())
    assert seen == [401] * 7 + [401] * 6 + [200]
    assert (fetched_within, fetched_after, fetched_at_end) == (1, 2, 2)
    microsoft.published.remove("key-rotated")


def test_after_a_failed_fetch_the_keys_are_not_fetched_during_a_doubling_back_off(microsoft):
    clock = Clock()
    auth = inbound_auth(microsoft, clock)
    first = teams.KEYS_BACK_OFF_FIRST

    async def attempts_at(offsets):
        """Per moment (seconds since the start): the status of a valid token and whether it fetched."""
        results = []
        start = clock.now
        for offset in offsets:
            clock.now = start + offset
            before = key_fetches(microsoft)
            status = await status_of(auth, microsoft, microsoft.token())
            results.append((offset, status, key_fetches(microsoft) - before))
        return results

    microsoft.keys_status = 503
    try:
        # fails at 0 (back-off 1x), at 1x (2x), at 3x (4x); in between: 401 without a fetch
        offsets = [0, first / 2, first, first * 2, first * 3, first * 6, first * 7 - 1]
        results = asyncio.run(attempts_at(offsets))
    finally:
        microsoft.keys_status = 200
    assert results == [
        (0, 401, 1),
        (first / 2, 401, 0),
        (first, 401, 1),
        (first * 2, 401, 0),
        (first * 3, 401, 1),
        (first * 6, 401, 0),
        (first * 7 - 1, 401, 0),
    ]
    clock.now += first * 7  # past the back-off, the endpoint works again: accepted, back-off reset
    assert asyncio.run(attempts_at([0])) == [(0, 200, 1)]
    assert teams.keys_back_off(1) == first and teams.keys_back_off(30) == teams.KEYS_BACK_OFF_MAX
