"""The channel's guard: any body is read, long messages and foreign commands are defused."""

import pytest

from leercoach import content
from leercoach.channels import guard


def test_invalid_utf8_is_read_with_replacement_characters():
    body = b'{"sender": "a", "message": "caf\xe9 \xff\xfe"}'
    assert guard.read_body(body)["message"] == "caf\ufffd \ufffd\ufffd"


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00", b"{" * 10_000])
def test_a_body_that_is_no_json_object_reads_as_empty(body):
    assert guard.read_body(body) == {}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("hallo\x00 daar\x07", "hallo  daar"),
        ("regel 1\nregel 2\tmet tab", "regel 1\nregel 2\tmet tab"),
        ("\ud800 los", "? los"),  # a lone surrogate (JSON "\ud800") cannot be stored as UTF-8
        (42, "42"),
        (None, ""),
        (["lijst"], ""),
        ({"a": 1}, ""),
        (True, ""),
        ("  e\u0301  ", "\u00e9"),  # NFC: the same word is the same text
    ],
)
def test_clean_text_keeps_what_a_store_can_hold(value, expected):
    assert guard.clean_text(value) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("/restart", "restart"),
        ("/session_start", "session_start"),
        ('//bestaat_niet{"x": 1}', 'bestaat_niet{"x": 1}'),
        ("/", "?"),
        ('/route_feedback{"route": "x"}', '/route_feedback{"route": "x"}'),  # a domain intent: buttons
        ('/inform{"time_per_week": [1,2]}', '/inform{"time_per_week": [1,2]}'),
        ("/greet", "/greet"),
        ("wat is 1/2?", "wat is 1/2?"),
    ],
)
def test_only_the_domains_own_intents_pass_as_commands(typed, expected):
    assert guard.as_rasa_text(typed) == expected


def test_the_size_limit_is_a_setting(monkeypatch):
    assert not guard.too_long("x" * 4000) and guard.too_long("x" * 4001)
    monkeypatch.setenv("LEERCOACH_MAX_MESSAGE_CHARS", "10")
    assert guard.too_long("x" * 11)
    assert "10 tekens" in guard.too_long_text()


def test_the_failure_text_is_the_dutch_server_error_message():
    assert guard.failure_text() == content.message("server_error")


async def test_a_tracker_store_error_ends_the_turn_instead_of_starting_over():
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    class Down(InMemoryTrackerStore):
        async def retrieve(self, sender_id):
            raise ConnectionError("could not connect: SELECT ... 'the message text'")

    class Agent:
        tracker_store = FailSafeTrackerStore(Down(Domain.empty()))

    agent = Agent()
    assert await agent.tracker_store.retrieve("x") is None  # Rasa's own: a fresh conversation
    guard.fail_on_store_errors(agent)
    with pytest.raises(guard.StoreUnavailable) as failed:
        await agent.tracker_store.retrieve("x")
    assert "message text" not in str(failed.value)
