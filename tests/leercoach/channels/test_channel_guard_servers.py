"""The guard on Slack and Teams, against the real Rasa server of the channel tests.

The same rules as the REST channel, and no test of this server sends a REST request: the guard is
in place from the start, not from the first widget message. A NUL is cleaned before anything is
stored, 100 kB gets the "too long" line without a turn, a typed ``/command`` outside the domain
is words, a header that is no ASCII is a 401 (never a 500), and a tracker store that fails gives
the friendly line instead of a conversation started over in memory.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time

import pytest

from leercoach import content
from leercoach.channels import guard, slack, teams
from tests.leercoach.channels import test_slack_app as on_slack
from tests.leercoach.channels import test_teams_app as on_teams
from tests.leercoach.channels.fakes import slack_signature
from tests.leercoach.channels.store_search import hits, user_messages

pytestmark = pytest.mark.servers

QUESTION = content.answer("wat_is_leercultuur")["text"].strip()[:40]


def store_events(db, type_name: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM events WHERE type_name = ?", (type_name,)).fetchone()[
            0
        ]


@contextlib.contextmanager
def store_down(db):
    """The tracker store's table is gone while the block runs (as when PostgreSQL is down)."""
    with sqlite3.connect(db) as connection:
        connection.execute("ALTER TABLE events RENAME TO events_away")
    try:
        yield
    finally:
        with sqlite3.connect(db) as connection:
            connection.execute("ALTER TABLE events_away RENAME TO events")


def no_control_characters(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\t\n" for c in text)


# ---- Slack --------------------------------------------------------------------------------------


def test_slack_a_nul_is_cleaned_before_the_store(guard_channel_servers):
    user, dm = on_slack.new_ids()
    posts = on_slack.say(guard_channel_servers, "wat is een \x00leercultuur?\x07", user, dm)
    assert QUESTION in on_slack.text_of(posts)
    stored = user_messages(guard_channel_servers.tracker_store)[-1][1]
    assert no_control_characters(stored) and "leercultuur" in stored


def test_slack_100_kb_gets_the_too_long_line_and_no_turn(guard_channel_servers):
    user, dm = on_slack.new_ids()
    before = len(user_messages(guard_channel_servers.tracker_store))
    posts = on_slack.say(guard_channel_servers, "leercultuur " * 9000, user, dm)
    assert [p["text"] for p in posts] == [slack.to_mrkdwn(guard.too_long_text())]
    assert len(user_messages(guard_channel_servers.tracker_store)) == before


def test_slack_a_typed_restart_is_words_not_rasas_command(guard_channel_servers):
    user, dm = on_slack.new_ids()
    on_slack.say(guard_channel_servers, "wat is een leercultuur?", user, dm)
    restarts = store_events(guard_channel_servers.tracker_store, "restart")
    posts = on_slack.say(guard_channel_servers, "/restart", user, dm)
    assert posts and user_messages(guard_channel_servers.tracker_store)[-1][1] == "restart"
    assert store_events(guard_channel_servers.tracker_store, "restart") == restarts


@pytest.mark.parametrize(
    "header, value",
    [
        ("X-Slack-Request-Timestamp", "\u00b2".encode()),  # "²": a digit to str.isdigit
        ("X-Slack-Request-Timestamp", b"17\xff\xfe"),  # no UTF-8 at all
        ("X-Slack-Signature", "v0=\u00e9".encode()),
        ("X-Slack-Signature", b"v0=\xff"),
    ],
)
def test_slack_a_non_ascii_timestamp_or_signature_is_a_401(guard_channel_servers, header, value):
    user, dm = on_slack.new_ids()
    before = len(user_messages(guard_channel_servers.tracker_store))
    body = json.dumps(on_slack.envelope("hallo", user, dm)).encode()
    now = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": slack_signature(body, now),
        header: value,
    }
    status, _, _ = on_slack.post(f"{guard_channel_servers.rasa_url}/webhooks/slack/webhook", body, headers)
    assert status == 401
    assert on_slack.nothing_happens(guard_channel_servers, dm, before)


def test_slack_a_store_error_gets_the_friendly_line(guard_channel_servers):
    user, dm = on_slack.new_ids()
    with store_down(guard_channel_servers.tracker_store):
        posts = on_slack.say(guard_channel_servers, "wat is een leercultuur?", user, dm)
    assert [p["text"] for p in posts] == [slack.to_mrkdwn(guard.failure_text())]
    # the store back: the conversation goes on
    posts = on_slack.say(guard_channel_servers, "wat is een leercultuur?", user, dm)
    assert QUESTION in on_slack.text_of(posts)


# ---- Teams --------------------------------------------------------------------------------------


def test_teams_a_nul_is_cleaned_before_the_store(guard_channel_servers):
    user, chat = on_teams.new_chat()
    activities = on_teams.say(guard_channel_servers, user, chat, "wat is een \x00leercultuur?\x07")
    assert QUESTION in on_teams.text_of(activities)
    stored = user_messages(guard_channel_servers.tracker_store)[-1][1]
    assert no_control_characters(stored) and "leercultuur" in stored


def test_teams_100_kb_gets_the_too_long_line_and_no_turn(guard_channel_servers):
    user, chat = on_teams.new_chat()
    before = len(user_messages(guard_channel_servers.tracker_store))
    activities = on_teams.say(guard_channel_servers, user, chat, "leercultuur " * 9000)
    assert [a["text"] for a in activities] == [teams.to_teams_markdown(guard.too_long_text())]
    assert len(user_messages(guard_channel_servers.tracker_store)) == before


def test_teams_a_typed_session_start_is_words_not_rasas_command(guard_channel_servers):
    user, chat = on_teams.new_chat()
    on_teams.say(guard_channel_servers, user, chat, "wat is een leercultuur?")
    sessions = store_events(guard_channel_servers.tracker_store, "session_started")
    activities = on_teams.say(guard_channel_servers, user, chat, "/session_start")
    assert activities and user_messages(guard_channel_servers.tracker_store)[-1][1] == "session_start"
    assert store_events(guard_channel_servers.tracker_store, "session_started") == sessions


@pytest.mark.parametrize("authorization", [b"Bearer \xff\xfe\xfd", "Bearer \u00e9.\u00e9.\u00e9".encode()])
def test_teams_a_non_ascii_authorization_is_a_401(guard_channel_servers, authorization):
    user, chat = on_teams.new_chat()
    before = len(user_messages(guard_channel_servers.tracker_store))
    body = on_teams.activity(guard_channel_servers, user, chat, "hallo")
    headers = {"Content-Type": "application/json", "Authorization": authorization}
    url = f"{guard_channel_servers.rasa_url}/webhooks/botframework/webhook"
    status, _, _ = on_teams.post(url, json.dumps(body).encode(), headers)
    assert status == 401
    assert on_teams.nothing_happens(guard_channel_servers, chat, before)


def test_teams_a_store_error_gets_the_friendly_line(guard_channel_servers):
    user, chat = on_teams.new_chat()
    with store_down(guard_channel_servers.tracker_store):
        activities = on_teams.say(guard_channel_servers, user, chat, "wat is een leercultuur?")
    assert [a["text"] for a in activities] == [teams.to_teams_markdown(guard.failure_text())]
    activities = on_teams.say(guard_channel_servers, user, chat, "wat is een leercultuur?")
    assert QUESTION in on_teams.text_of(activities)


def test_no_platform_id_of_these_tests_reaches_the_store_or_the_logs(guard_channel_servers):
    raw_ids = on_slack.RAW_IDS | on_teams.RAW_IDS  # this module's copies: the ids sent above
    assert raw_ids
    assert hits(guard_channel_servers.tracker_store, guard_channel_servers.logs, raw_ids) == []
