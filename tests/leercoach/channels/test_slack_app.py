"""The Slack app against a real Rasa and action server, with a fake Slack Web API.

Events are signed as Slack signs them; the answers are what the fake captured from
chat.postMessage. Each test talks in its own DM channel, so their answers never mix.
"""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import urlencode

import pytest

from leercoach import content
from leercoach.catalogue import topics_in
from leercoach.channels import slack
from leercoach.privacy.redaction import redact
from tests.leercoach.channels.conftest import SLACK_APP, SLACK_TEAM, first_button, post, write_transcript
from tests.leercoach.channels.fakes import slack_signature
from tests.leercoach.channels.store_search import hits, user_messages

pytestmark = pytest.mark.servers

BOT_USER = "U0LEERBOT"
RAW_IDS = set()  # every Slack id a test sent: none may reach the store or the logs


def new_ids():
    suffix = uuid.uuid4().hex[:8].upper()
    user, dm = f"U0{suffix}", f"D0{suffix}"
    RAW_IDS.update({user, dm})
    return user, dm


def envelope(text, user, channel, *, team=SLACK_TEAM, app=SLACK_APP, event_type="message", **event_fields):
    event = {
        "type": event_type,
        "user": user,
        "text": text,
        "channel": channel,
        "ts": f"{time.time():.6f}",
        **event_fields,
    }
    if event_type == "message":
        event.setdefault("channel_type", "im")
    return {
        "token": "unused",
        "team_id": team,
        "api_app_id": app,
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"team_id": team, "user_id": BOT_USER, "is_bot": True}],
    }


def send(
    servers, body, *, content_type="application/json", timestamp=None, signature=None, headers=None, url=None
):
    timestamp = int(time.time()) if timestamp is None else timestamp
    all_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature or slack_signature(body, timestamp),
        **(headers or {}),
    }
    return post(f"{url or servers.rasa_url}/webhooks/slack/webhook", body, all_headers)


def send_event(servers, event, **kwargs):
    return send(servers, json.dumps(event).encode(), content_type="application/json; charset=utf-8", **kwargs)


def click(servers, value, user, channel, *, kind="block_actions", team=SLACK_TEAM):
    payload = {
        "type": kind,
        "team": {"id": team},
        "api_app_id": SLACK_APP,
        "user": {"id": user},
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel},
        "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:12]}",
        "actions": [
            {"type": "button", "action_id": "leercoach_0", "block_id": "leercoach_buttons_0", "value": value}
        ],
    }
    return send(
        servers,
        urlencode({"payload": json.dumps(payload)}).encode(),
        content_type="application/x-www-form-urlencoded",
    )


def say(servers, text, user, channel, **kwargs):
    """A DM and the bot's answer to it, once the bot has stopped posting."""
    before = len(servers.slack.posts(channel))
    status, _, _ = send_event(servers, envelope(text, user, channel, **kwargs))
    assert status == 200
    return servers.slack.wait_for_posts(channel, before)


def nothing_happens(servers, channel, user_messages_before):
    time.sleep(3)
    return (
        not servers.slack.posts(channel) and len(user_messages(servers.tracker_store)) == user_messages_before
    )


def text_of(posts):
    return "\n".join(p["text"] for p in posts)


def button_titles(posts):
    return [
        e["text"]["text"]
        for p in posts
        for b in p.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


# ---- who may talk to the bot -------------------------------------------------------------------


def test_url_verification_is_answered_with_the_challenge(channel_servers):
    body = json.dumps(
        {
            "type": "url_verification",
            "token": "unused",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        }
    ).encode()
    status, answer, _ = send(channel_servers, body)
    assert status == 200 and json.loads(answer) == {
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    }


@pytest.mark.parametrize(
    "forgery", ["wrong signature", "timestamp 6 minutes old", "body changed after signing", "no signature"]
)
def test_a_request_not_signed_by_slack_gets_401_and_no_turn(channel_servers, forgery):
    user, dm = new_ids()
    before = len(user_messages(channel_servers.tracker_store))
    body = json.dumps(envelope("hallo", user, dm)).encode()
    now = int(time.time())
    if forgery == "wrong signature":
        status, _, _ = send(
            channel_servers, body, signature=slack_signature(body, now, secret="another-secret")
        )
    elif forgery == "timestamp 6 minutes old":
        status, _, _ = send(channel_servers, body, timestamp=now - 6 * 60)
    elif forgery == "body changed after signing":
        status, _, _ = send(
            channel_servers,
            body.replace(b"hallo", b"hoi!!"),
            signature=slack_signature(body, now),
            timestamp=now,
        )
    else:
        status, _, _ = send(channel_servers, body, signature="-")
    assert status == 401
    assert nothing_happens(channel_servers, dm, before)


@pytest.mark.parametrize("other", ["workspace", "app"])
def test_events_from_another_workspace_or_app_are_refused(channel_servers, other):
    user, dm = new_ids()
    before = len(user_messages(channel_servers.tracker_store))
    event = envelope(
        "hallo", user, dm, **({"team": "T0OTHERWS"} if other == "workspace" else {"app": "A0OTHERAP"})
    )
    status, _, _ = send_event(channel_servers, event)
    assert status == 403
    assert nothing_happens(channel_servers, dm, before)


# ---- delivery -----------------------------------------------------------------------------------


def test_the_answer_comes_after_a_fast_ack_and_a_retry_is_answered_once(channel_servers):
    user, dm = new_ids()
    before = len(user_messages(channel_servers.tracker_store))
    event = envelope("wat is een leercultuur?", user, dm)
    status, _, seconds = send_event(channel_servers, event)
    acked_at = time.time()
    assert status == 200 and seconds < 3, f"Slack wants the HTTP answer within 3 s, took {seconds:.2f} s"
    for number, reason in ((1, "http_timeout"), (2, "http_error")):  # Slack retries, same event_id
        status, _, _ = send_event(
            channel_servers, event, headers={"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason}
        )
        assert status == 200
    posts = channel_servers.slack.wait_for_posts(dm, 0, settle=3)
    assert text_of(posts).count(content.answer("wat_is_leercultuur")["text"].strip()[:40]) == 1
    assert len(user_messages(channel_servers.tracker_store)) == before + 1
    first_post = next(r for r in channel_servers.slack.requests if r.get("json", {}).get("channel") == dm)
    assert first_post["at"] >= acked_at - 0.05  # the turn ran after the HTTP answer


def test_a_retry_that_reaches_another_server_is_not_answered_again(channel_servers):
    user, dm = new_ids()
    other_server = channel_servers.second_server()
    event = envelope("wat is een leercultuur?", user, dm)
    assert send_event(channel_servers, event)[0] == 200
    answered = channel_servers.slack.wait_for_posts(dm, 0)
    before = len(user_messages(channel_servers.tracker_store))
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert send_event(channel_servers, event, headers=retry, url=other_server)[0] == 200
    time.sleep(4)
    assert channel_servers.slack.posts(dm) == answered
    assert len(user_messages(channel_servers.tracker_store)) == before


def test_a_mention_in_a_channel_is_answered_in_its_thread(channel_servers):
    user, _ = new_ids()
    channel = f"C0{uuid.uuid4().hex[:8].upper()}"
    RAW_IDS.add(channel)
    event = envelope(f"<@{BOT_USER}> wat is een leercultuur?", user, channel, event_type="app_mention")
    status, _, _ = send_event(channel_servers, event)
    assert status == 200
    posts = channel_servers.slack.wait_for_posts(channel, 0)
    assert content.answer("wat_is_leercultuur")["text"].strip()[:40] in text_of(posts)
    assert {p.get("thread_ts") for p in posts} == {event["event"]["ts"]}


PERSONAL_QUESTIONS = {
    "wat weet je van mij?": "export",
    "verwijder mijn gegevens": "erasure",
    "wat was mijn plan?": "plan",
    "help me een ontwikkelplan te maken": "a new plan (the questions do not start)",
    "ik wil iemand van HR spreken": "hulpvraag",
}


def test_a_mention_is_its_own_conversation_and_personal_answers_are_only_given_in_the_dm(channel_servers):
    user, dm = new_ids()
    channel = f"C0{uuid.uuid4().hex[:8].upper()}"
    RAW_IDS.add(channel)
    said_in_dm = "wat is een leercultuur?"
    say(channel_servers, said_in_dm, user, dm)
    dm_conversation = user_messages(channel_servers.tracker_store)[-1][0]
    start = len(user_messages(channel_servers.tracker_store))
    private_only = slack.to_mrkdwn(content.privacy_message("private_only", "line"))
    for question in PERSONAL_QUESTIONS:
        before = len(channel_servers.slack.posts(channel))
        event = envelope(f"<@{BOT_USER}> {question}", user, channel, event_type="app_mention")
        assert send_event(channel_servers, event)[0] == 200
        answer = channel_servers.slack.wait_for_posts(channel, before)
        assert [p["text"] for p in answer] == [private_only], PERSONAL_QUESTIONS[question]
        assert not any(p.get("blocks") for p in answer)
    in_channel = {sender for sender, _ in user_messages(channel_servers.tracker_store)[start:]}
    assert len(in_channel) == 1 and dm_conversation not in in_channel
    # In the DM the same question still shows what is kept: the DM's conversation, not the channel's.
    export = text_of(say(channel_servers, "wat weet je van mij?", user, dm))
    assert dm_conversation in export  # the code it is kept under
    assert said_in_dm in export
    assert "wat was mijn plan?" not in export and "iemand van HR spreken" not in export


@pytest.mark.parametrize(
    "kind",
    [
        "the bot's own message",
        "a message from another bot",
        "an edit",
        "a deletion",
        "a message in a public channel",
    ],
)
def test_own_messages_edits_and_other_events_are_ignored(channel_servers, kind):
    user, dm = new_ids()
    before = len(user_messages(channel_servers.tracker_store))
    fields = {
        "the bot's own message": {"user": BOT_USER},
        "a message from another bot": {"bot_id": "B0OTHERBT"},
        "an edit": {"subtype": "message_changed"},
        "a deletion": {"subtype": "message_deleted"},
        "a message in a public channel": {"channel_type": "channel"},
    }[kind]
    event = envelope("hallo", fields.pop("user", user), dm, **fields)
    status, _, _ = send_event(channel_servers, event)
    assert status == 200
    assert nothing_happens(channel_servers, dm, before)


# ---- what the user sees -------------------------------------------------------------------------


def test_answers_use_slack_markup(channel_servers):
    user, dm = new_ids()
    posts = say(channel_servers, "wat kun je allemaal?", user, dm)
    text = text_of(posts)
    assert "• uitleggen wat een leercultuur is" in text
    assert "**" not in text and "\n- " not in text


def test_personal_data_is_taken_out_and_the_user_is_told_first(channel_servers):
    user, dm = new_ids()
    text = "mijn nummer is 06-12345678, wat is een leercultuur?"
    RAW_IDS.add("12345678")
    posts = say(channel_servers, text, user, dm)
    assert posts[0]["text"] == slack.to_mrkdwn(content.pii_notice(redact(text).kinds))
    assert content.answer("wat_is_leercultuur")["text"].strip()[:40] in text_of(posts[1:])
    assert user_messages(channel_servers.tracker_store)[-1][1] == redact(text).text


def test_all_buttons_arrive_as_block_kit_and_a_click_continues_the_conversation(channel_servers):
    user, dm = new_ids()
    posts = say(channel_servers, "wat is een goede leercultuur?", user, dm)
    titles = button_titles(posts)
    kenmerken = topics_in("kenmerk")
    assert len(titles) > 5 and all(kenmerk.title in titles for kenmerk in kenmerken)
    button = next(
        e
        for p in posts
        for b in p.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == kenmerken[1].title
    )
    before = len(channel_servers.slack.posts(dm))
    status, _, seconds = click(channel_servers, button["value"], user, dm)
    assert status == 200 and seconds < 3
    answer = channel_servers.slack.wait_for_posts(dm, before)
    assert content.answer(kenmerken[1].key)["text"].strip()[:40] in text_of(answer)
    senders = [sender for sender, _ in user_messages(channel_servers.tracker_store)[-2:]]
    assert senders[0] == senders[1], "the click must continue the DM's conversation"


def test_other_interactions_are_ignored(channel_servers):
    user, dm = new_ids()
    before = len(user_messages(channel_servers.tracker_store))
    status, _, _ = click(channel_servers, "/greet", user, dm, kind="view_submission")
    assert status == 200
    assert nothing_happens(channel_servers, dm, before)


def test_a_coaching_run_ends_with_a_plan(channel_servers):
    user, dm = new_ids()
    transcript = []

    def turn(text, posts):
        transcript.append({"user": text})
        transcript.extend(
            {"bot": p["text"], **({"buttons": button_titles([p])} if p.get("blocks") else {})} for p in posts
        )
        return posts

    posts = turn(
        "help me een ontwikkelplan te maken",
        say(channel_servers, "help me een ontwikkelplan te maken", user, dm),
    )
    posts = turn(
        "ik wil beter leren presenteren", say(channel_servers, "ik wil beter leren presenteren", user, dm)
    )
    for _ in range(25):
        if "Jouw ontwikkelplan" in text_of(posts):
            break
        button = next(first_button(p) for p in reversed(posts) if first_button(p))
        before = len(channel_servers.slack.posts(dm))
        assert click(channel_servers, button["value"], user, dm)[0] == 200
        posts = turn(f"[knop] {button['text']['text']}", channel_servers.slack.wait_for_posts(dm, before))
    write_transcript("slack_transcript.json", transcript)
    assert "Jouw ontwikkelplan" in text_of(posts)
    assert "presenteren" in text_of(posts)


def test_no_slack_id_reaches_the_tracker_store_or_the_logs(channel_servers):
    assert RAW_IDS and user_messages(channel_servers.tracker_store)
    found = hits(channel_servers.tracker_store, channel_servers.logs, RAW_IDS | {SLACK_TEAM, BOT_USER})
    assert found == []
