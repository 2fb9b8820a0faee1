"""The Teams app against a real Rasa and action server, with fakes of Microsoft's services.

Activities carry a Bot Connector token signed by a test RSA key that the fake publishes as
Bot Framework's OpenID keys; the answers are what the fake connector at the activity's
serviceUrl captured. Each test talks in its own personal chat.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest

from leercoach import content
from leercoach.catalogue import topics_in
from leercoach.privacy.redaction import redact
from tests.leercoach.channels.conftest import post, write_transcript
from tests.leercoach.channels.fakes import FakeMicrosoft, FakeService, new_rsa_key
from tests.leercoach.channels.store_search import hits, user_messages

pytestmark = pytest.mark.servers

BOT = {"id": f"28:{FakeMicrosoft.APP_ID}", "name": "Leercoach"}
RAW_IDS = set()


def new_chat():
    user = {"id": f"29:1{uuid.uuid4().hex}", "name": "Medewerker", "aadObjectId": str(uuid.uuid4())}
    conversation = {
        "id": f"a:1{uuid.uuid4().hex}",
        "conversationType": "personal",
        "tenantId": FakeMicrosoft.TENANT_ID,
    }
    RAW_IDS.update({user["id"], user["aadObjectId"], conversation["id"]})
    return user, conversation


def activity(
    servers,
    user,
    conversation,
    text="",
    *,
    kind="message",
    value=None,
    tenant=FakeMicrosoft.TENANT_ID,
    service_url=None,
    **extra,
):
    body = {
        "type": kind,
        "id": uuid.uuid4().hex[:16],
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "serviceUrl": service_url or servers.microsoft.service_url,
        "channelId": "msteams",
        "from": user,
        "recipient": BOT,
        "conversation": conversation,
        "locale": "nl-NL",
        "channelData": {"tenant": {"id": tenant}},
        **extra,
    }
    if kind == "message":
        body["text"] = text
        body["textFormat"] = "plain"
    if value is not None:
        body["value"] = value
    return body


def send(servers, body, token):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return post(f"{servers.rasa_url}/webhooks/botframework/webhook", json.dumps(body).encode(), headers)


def say(servers, user, conversation, text="", **kwargs):
    before = len(servers.microsoft.activities(conversation["id"]))
    body = activity(servers, user, conversation, text, **kwargs)
    status, _, _ = send(servers, body, servers.microsoft.token(body["serviceUrl"]))
    assert status in (200, 202)
    return servers.microsoft.wait_for_activities(conversation["id"], before)


def text_of(activities):
    return "\n".join(a.get("text") or "" for a in activities)


def buttons(activities):
    return [
        b
        for a in activities
        for card in a.get("attachments") or []
        for b in card["content"].get("buttons") or []
    ]


def nothing_happens(servers, conversation, user_messages_before):
    time.sleep(3)
    return (
        not servers.microsoft.activities(conversation["id"])
        and len(user_messages(servers.tracker_store)) == user_messages_before
    )


# ---- start-up and the outbound token ----------------------------------------------------------------


def test_the_server_started_without_fetching_microsofts_keys(channel_servers):
    assert channel_servers.microsoft.requests_to("/openid") == []
    assert channel_servers.microsoft.requests_to("/keys") == []


def test_the_bot_token_comes_from_the_tenant_endpoint_cached_and_renewed_before_it_expires(channel_servers):
    microsoft = channel_servers.microsoft
    microsoft.token_lifetimes[:] = [302]  # the first token is renewed 5 minutes before its hour: after 2 s
    user, conversation = new_chat()
    first = say(channel_servers, user, conversation, "hallo")
    time.sleep(3)
    second = say(channel_servers, user, conversation, "wat is een leercultuur?")
    third = say(channel_servers, user, conversation, "dank je")
    fetches = microsoft.requests_to(f"/{FakeMicrosoft.TENANT_ID}/oauth2/v2.0/token")
    assert len(fetches) == 2
    assert fetches[0]["form"] == {
        "grant_type": "client_credentials",
        "client_id": FakeMicrosoft.APP_ID,
        "client_secret": FakeMicrosoft.APP_PASSWORD,
        "scope": "https://api.botframework.com/.default",
    }
    sent = [
        r["headers"]["Authorization"]
        for r in microsoft.requests_to("/teams/v3/conversations/")
        if r["json"]["conversation"]["id"] == conversation["id"]
    ]
    assert sent == ["Bearer bot-token-1"] * len(first) + ["Bearer bot-token-2"] * (len(second) + len(third))
    reply = first[0]
    assert (
        reply["from"] == BOT
        and reply["recipient"]["id"] == user["id"]
        and reply["conversation"]["id"] == conversation["id"]
    )
    assert content.answer("greet")["text"].strip()[:30] in text_of(first)


# ---- every way a request can be wrong ------------------------------------------------------------


def forged(servers, case):
    """An activity and a token with one thing wrong."""
    microsoft = servers.microsoft
    user, conversation = new_chat()
    body = activity(servers, user, conversation, "hallo")
    now = int(time.time())
    token = {
        "no token": None,
        "not a JWT": "not-a-token",
        "wrong issuer": lambda: microsoft.token(iss="https://sts.windows.net/attacker/"),
        "wrong audience": lambda: microsoft.token(aud="another-bot-id"),
        "no audience": lambda: microsoft.token(aud=None),
        "expired beyond the 5-minute skew": lambda: microsoft.token(
            exp=now - 6 * 60, iat=now - 3600, nbf=now - 3600
        ),
        "HS256 with the app password": lambda: microsoft.token(algorithm="HS256"),
        "signed by an unpublished key": lambda: microsoft.token(key=new_rsa_key()),
        "unknown key id": lambda: microsoft.token(kid="key-unknown", key=new_rsa_key()),
        "serviceUrl claim differs": lambda: microsoft.token(
            service_url="https://smba.trafficmanager.net/emea/"
        ),
        "another tenant": lambda: microsoft.token(),
    }[case]
    if case == "another tenant":
        body["channelData"]["tenant"]["id"] = str(uuid.uuid4())
    return body, conversation, token() if callable(token) else token


@pytest.mark.parametrize(
    "case",
    [
        "no token",
        "not a JWT",
        "wrong issuer",
        "wrong audience",
        "no audience",
        "expired beyond the 5-minute skew",
        "HS256 with the app password",
        "signed by an unpublished key",
        "unknown key id",
        "serviceUrl claim differs",
        "another tenant",
    ],
)
def test_a_request_that_fails_any_check_is_refused_never_a_500(channel_servers, case):
    before = len(user_messages(channel_servers.tracker_store))
    key_fetches = len(channel_servers.microsoft.requests_to("/keys"))
    body, conversation, token = forged(channel_servers, case)
    status, _, _ = send(channel_servers, body, token)
    expected = 403 if case in ("serviceUrl claim differs", "another tenant") else 401
    assert status == expected
    assert nothing_happens(channel_servers, conversation, before)
    if case == "unknown key id":  # fetched again at most once per 5 minutes: a second try does not
        fetched = len(channel_servers.microsoft.requests_to("/keys"))
        assert fetched <= key_fetches + 1
        assert send(channel_servers, body, token)[0] == 401
        assert len(channel_servers.microsoft.requests_to("/keys")) == fetched


def test_a_token_within_the_clock_skew_is_accepted(channel_servers):
    now = int(time.time())
    user, conversation = new_chat()
    body = activity(channel_servers, user, conversation, "hallo")
    token = channel_servers.microsoft.token(exp=now - 2 * 60, nbf=now + 2 * 60)
    assert send(channel_servers, body, token)[0] == 202
    assert channel_servers.microsoft.wait_for_activities(conversation["id"], 0)


# A rotated key (fetched again once the 5 minutes since the last fetch have passed, then accepted):
# tests/leercoach/channels/test_teams_signing_keys.py, with a clock the test moves.


def test_the_bot_token_never_goes_to_a_service_url_that_is_not_allowed(channel_servers):
    elsewhere = type("Elsewhere", (FakeService,), {"handle": lambda self, record: (200, {})})()
    try:
        user, conversation = new_chat()
        before = len(user_messages(channel_servers.tracker_store))
        body = activity(channel_servers, user, conversation, "hallo", service_url=f"{elsewhere.url}/teams/")
        status, _, _ = send(channel_servers, body, channel_servers.microsoft.token(body["serviceUrl"]))
        assert status == 403
        time.sleep(3)
        assert elsewhere.requests == [] and len(user_messages(channel_servers.tracker_store)) == before
    finally:
        elsewhere.stop()


# ---- what the user sees -------------------------------------------------------------------------


def test_buttons_are_message_back_actions_and_a_click_with_only_a_value_continues(channel_servers):
    user, conversation = new_chat()
    answer = say(channel_servers, user, conversation, "wat is een goede leercultuur?")
    actions = buttons(answer)
    kenmerken = topics_in("kenmerk")
    assert {a["type"] for a in actions} == {"messageBack"}
    assert all(kenmerk.title in [a["title"] for a in actions] for kenmerk in kenmerken)
    chosen = next(a for a in actions if a["title"] == kenmerken[2].title)
    # Teams sends the click as a message with the card action's value; the text may be empty.
    reply = say(channel_servers, user, conversation, "", value=chosen["value"])
    assert content.answer(kenmerken[2].key)["text"].strip()[:40] in text_of(reply)
    senders = [sender for sender, _ in user_messages(channel_servers.tracker_store)[-2:]]
    assert senders[0] == senders[1]


def test_personal_data_is_taken_out_and_the_user_is_told_first(channel_servers):
    user, conversation = new_chat()
    text = "mijn nummer is 06-87654321, wat is een leercultuur?"
    RAW_IDS.add("87654321")
    answer = say(channel_servers, user, conversation, text)
    assert answer[0]["text"] == content.pii_notice(redact(text).kinds)
    assert content.answer("wat_is_leercultuur")["text"].strip()[:40] in text_of(answer[1:])
    assert user_messages(channel_servers.tracker_store)[-1][1] == redact(text).text


def test_a_group_chat_is_its_own_conversation_and_personal_answers_are_only_given_in_a_personal_chat(
    channel_servers,
):
    user, personal = new_chat()
    group = {
        "id": f"19:{uuid.uuid4().hex}@thread.v2",
        "conversationType": "groupChat",
        "tenantId": FakeMicrosoft.TENANT_ID,
    }
    RAW_IDS.add(group["id"])
    say(channel_servers, user, personal, "wat is een leercultuur?")
    personal_conversation = user_messages(channel_servers.tracker_store)[-1][0]
    start = len(user_messages(channel_servers.tracker_store))
    private_only = content.privacy_message("private_only", "line")
    for question in ("wat weet je van mij?", "verwijder mijn gegevens", "wat was mijn plan?"):
        answer = say(channel_servers, user, group, f"<at>Leercoach</at> {question}")
        assert [a["text"] for a in answer] == [private_only] and not buttons(answer)
    in_group = {sender for sender, _ in user_messages(channel_servers.tracker_store)[start:]}
    assert len(in_group) == 1 and personal_conversation not in in_group
    export = text_of(say(channel_servers, user, personal, "wat weet je van mij?"))
    assert personal_conversation in export and "wat is een leercultuur?" in export


def test_adding_the_bot_greets_once(channel_servers):
    user, conversation = new_chat()
    added = activity(channel_servers, user, conversation, kind="conversationUpdate", membersAdded=[BOT])
    token = channel_servers.microsoft.token()
    assert send(channel_servers, added, token)[0] == 202
    greeting = channel_servers.microsoft.wait_for_activities(conversation["id"], 0)
    assert content.answer("greet")["text"].strip()[:30] in text_of(greeting) and buttons(greeting)
    before = len(user_messages(channel_servers.tracker_store))
    assert send(channel_servers, dict(added, id=uuid.uuid4().hex[:16]), token)[0] == 202
    time.sleep(3)
    assert len(channel_servers.microsoft.activities(conversation["id"])) == len(greeting)
    assert len(user_messages(channel_servers.tracker_store)) == before


def test_a_coaching_run_ends_with_a_plan(channel_servers):
    user, conversation = new_chat()
    transcript = []

    def turn(said, activities):
        transcript.append({"user": said})
        transcript.extend(
            {
                "bot": a.get("text"),
                **({"buttons": [b["title"] for b in buttons([a])]} if a.get("attachments") else {}),
            }
            for a in activities
        )
        return activities

    answer = turn(
        "help me een ontwikkelplan te maken",
        say(channel_servers, user, conversation, "help me een ontwikkelplan te maken"),
    )
    answer = turn(
        "ik wil beter leren presenteren",
        say(channel_servers, user, conversation, "ik wil beter leren presenteren"),
    )
    for _ in range(25):
        if "Jouw ontwikkelplan" in text_of(answer):
            break
        action = buttons(answer)[0]
        answer = turn(
            f"[knop] {action['title']}", say(channel_servers, user, conversation, "", value=action["value"])
        )
    write_transcript("teams_transcript.json", transcript)
    assert "Jouw ontwikkelplan" in text_of(answer) and "presenteren" in text_of(answer)


def test_no_teams_id_reaches_the_tracker_store_or_the_logs(channel_servers):
    assert RAW_IDS and user_messages(channel_servers.tracker_store)
    assert hits(channel_servers.tracker_store, channel_servers.logs, RAW_IDS) == []
