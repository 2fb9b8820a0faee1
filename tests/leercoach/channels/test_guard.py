"""The channel's guard: any body is read, long messages and foreign commands are defused."""

import pytest

from leercoach import content, rasa_overrides
from leercoach.channels import guard


def _entry(replaces):
    return next(entry for entry in rasa_overrides.REGISTER if entry.replaces == replaces)


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


@pytest.fixture
def rasas_own_failsafe(monkeypatch):
    """FailSafeTrackerStore as Rasa ships it, during the test (not after it); ``()`` puts it back."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    def put_back():
        for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error"):
            own = rasa_overrides.rasas_own(_entry(f"rasa.core.tracker_store.FailSafeTrackerStore.{name}"))
            monkeypatch.setattr(FailSafeTrackerStore, name, own)

    put_back()
    return put_back


def _down_store():
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    class Down(InMemoryTrackerStore):
        async def retrieve(self, sender_id):
            raise ConnectionError("could not connect: SELECT ... 'the message text'")

        retrieve_full_tracker = retrieve

        async def save(self, tracker):
            raise ConnectionError("could not connect: INSERT ... 'the message text'")

    return FailSafeTrackerStore(Down(Domain.empty())), DialogueStateTracker("x", [])


async def test_a_tracker_store_error_ends_the_turn_instead_of_starting_over(rasas_own_failsafe):
    store, tracker = _down_store()
    assert await store.retrieve("x") is None  # Rasa's own: a fresh conversation
    rasa_overrides.install()
    rasa_overrides.install()  # once or twice: the same
    for step in (store.retrieve("x"), store.save(tracker), store.retrieve_full_tracker("x")):
        with pytest.raises(guard.StoreUnavailable) as failed:
            await step
        assert "message text" not in str(failed.value)


def test_every_channel_refuses_to_start_without_the_guard(rasas_own_failsafe, monkeypatch):
    """``rasa run --credentials credentials.yml`` creates each channel at server start: a Rasa
    started without leercoach.run.rasa_cli (no overrides, no guard) stops there."""
    from leercoach.channels import rest, slack, teams

    monkeypatch.setenv("LEERCOACH_PSEUDONYM_KEY", "ab" * 32)
    for create in (
        lambda: rest.RestInput.from_credentials({}),
        lambda: slack.SlackInput.from_credentials(None),
        lambda: teams.TeamsInput.from_credentials({"app_id": "", "app_password": None}),
    ):
        rasas_own_failsafe()
        with pytest.raises(rasa_overrides.RasaChanged, match="rasa_cli"):
            create()
        rasa_overrides.install()
        create()


@pytest.mark.parametrize("channel", ["rest", "slack", "teams"])
def test_every_channels_text_goes_through_the_same_rules(channel, monkeypatch):
    monkeypatch.setenv("LEERCOACH_PSEUDONYM_KEY", "ab" * 32)
    assert guard.admit(channel, "u1", "hal\x00lo wat is een leercultuur?").incoming.text == (
        "hal lo wat is een leercultuur?"
    )
    assert guard.admit(channel, "u1", "/restart").incoming.text == "restart"
    assert guard.admit(channel, "u1", "/greet").incoming.text == "/greet"
    too_long = guard.admit(channel, "u1", "leercultuur " * 9000)
    assert too_long.incoming is None and too_long.reply == guard.too_long_text()
    admitted = guard.admit(channel, "u1", "bel me op 06-12345678")
    assert "12345678" not in admitted.incoming.text and admitted.incoming.sender_id != "u1"


def test_json_with_a_charset_is_json():
    assert guard.media_type("Application/JSON; charset=utf-8") == "application/json"
    assert guard.media_type("text/plain;charset=UTF-8") == "text/plain"
    assert guard.media_type(None) == ""
