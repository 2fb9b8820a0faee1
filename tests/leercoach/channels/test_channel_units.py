"""The channels' pure parts: Slack markup, Block Kit, signatures, splitting, JWT-free checks, files."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import zipfile

import jwt
import pytest
import yaml
from PIL import Image

from leercoach.channels import slack, teams
from leercoach.channels.common import ChannelSettingsError, channel_settings, split_text
from leercoach.channels.teams_package import PackageError, build_package
from leercoach.run.servers import child_environment, credentials_variables
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.channels.fakes import new_rsa_key

# ---- settings -----------------------------------------------------------------------------------


def test_a_channel_without_settings_is_not_started_and_a_half_configured_one_is_an_error():
    assert (
        channel_settings(
            "Slack",
            "s",
            {"bot_token": "", "signing_secret": "", "api_url": ""},
            ["bot_token", "signing_secret"],
        )
        is None
    )
    assert channel_settings("Slack", "s", None, ["bot_token"]) is None
    with pytest.raises(ChannelSettingsError, match="signing_secret is empty"):
        channel_settings(
            "Slack", "s", {"bot_token": "x", "signing_secret": " "}, ["bot_token", "signing_secret"]
        )
    assert (
        channel_settings(
            "Slack", "s", {"bot_token": "x ", "signing_secret": "y"}, ["bot_token", "signing_secret"]
        )["bot_token"]
        == "x"
    )


def test_credentials_name_the_channel_classes_and_the_launcher_sets_absent_variables_empty(monkeypatch):
    credentials = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    assert {"leercoach.channels.slack.SlackInput", "leercoach.channels.teams.TeamsInput"} <= set(credentials)
    names = credentials_variables()
    assert "LEERCOACH_SLACK_SIGNING_SECRET" in names and "LEERCOACH_TEAMS_TENANT_ID" in names
    monkeypatch.delenv("LEERCOACH_SLACK_SIGNING_SECRET", raising=False)
    monkeypatch.setenv("LEERCOACH_SLACK_BOT_TOKEN", "xoxb-kept")
    env = child_environment()
    assert env["LEERCOACH_SLACK_SIGNING_SECRET"] == "" and env["LEERCOACH_SLACK_BOT_TOKEN"] == "xoxb-kept"


# ---- Slack --------------------------------------------------------------------------------------


def sign(body: bytes, timestamp: int, secret: str = "geheim") -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


def test_slack_signatures():
    body, now = b'{"type":"event_callback"}', 1_700_000_000
    assert slack.signature_is_valid("geheim", str(now), body, sign(body, now), now + 299)
    assert not slack.signature_is_valid("geheim", str(now), body, sign(body, now), now + 301)
    assert not slack.signature_is_valid("geheim", str(now), body + b" ", sign(body, now), now)
    assert not slack.signature_is_valid("anders", str(now), body, sign(body, now), now)
    assert not slack.signature_is_valid("geheim", "", body, sign(body, now), now)


@pytest.mark.parametrize(
    "timestamp, signature",
    [
        ("\u00b2", None),  # "²" is a digit to str.isdigit, not to int()
        ("1700000000\udcb2", None),  # a byte that is no UTF-8, as Sanic reads headers
        ("\u0661\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660", None),  # Arabic-Indic digits
        (None, "v0=\u00e9"),
        (None, "v0=\udcff"),
    ],
)
def test_a_non_ascii_slack_timestamp_or_signature_is_invalid_not_an_error(timestamp, signature):
    body, now = b'{"type":"event_callback"}', 1_700_000_000
    assert not slack.signature_is_valid(
        "geheim", timestamp or str(now), body, signature or sign(body, now), now
    )


def test_answers_in_slack_markup():
    text = "Gaat het om **Kennis delen** of om *iets* anders?\n\n- een\n- twee\n1. drie\nA < B & [intranet](https://intra.example/x)"
    assert slack.to_mrkdwn(text) == (
        "Gaat het om *Kennis delen* of om _iets_ anders?\n\n• een\n• twee\n1. drie\n"
        "A &lt; B &amp; <https://intra.example/x|intranet>"
    )


def test_no_button_is_dropped_25_per_actions_block():
    buttons = [
        {"title": f"Knop {n}" + "x" * (80 if n == 0 else 0), "payload": f'/kies{{"n":{n}}}'}
        for n in range(30)
    ]
    blocks = slack.button_blocks(buttons)
    assert [len(b["elements"]) for b in blocks] == [25, 5] and {b["type"] for b in blocks} == {"actions"}
    elements = [e for b in blocks for e in b["elements"]]
    assert [e["value"] for e in elements] == [b["payload"] for b in buttons]
    assert len({e["action_id"] for e in elements}) == 30 and len(elements[0]["text"]["text"]) == 75


class CapturingApi:
    def __init__(self):
        self.messages = []

    async def post_message(self, message):
        self.messages.append(message)


def test_a_long_answer_is_split_within_slacks_limits_and_buttons_come_with_the_last_part():
    api = CapturingApi()
    message = slack.SlackMessage("T1", "U1", "D1", "hoi")
    paragraph = "Een zin over leren op het werk. " * 40  # ~1300 characters
    long_text = "\n\n".join([paragraph.strip()] * 6)
    replies = slack.SlackReplies(api, message)
    asyncio.run(
        replies.send_text_with_buttons("pseudonym", long_text, [{"title": "Verder", "payload": "/next_item"}])
    )
    assert len(api.messages) >= 3 and all(len(m["text"]) <= 3000 for m in api.messages)
    assert all(m["channel"] == "D1" for m in api.messages)
    assert "".join(m["text"] for m in api.messages).replace("\n", "").replace(" ", "") == long_text.replace(
        "\n", ""
    ).replace(" ", "")
    assert api.messages[-1]["blocks"][-1]["elements"][0]["value"] == "/next_item"


def test_split_text_cuts_between_paragraphs_lines_and_words():
    assert split_text("a\n\nb", 10) == ["a\n\nb"]
    assert split_text("aaaa\n\nbbbb", 5) == ["aaaa", "bbbb"]
    assert all(len(part) <= 7 for part in split_text("woord " * 20, 7))
    assert split_text("x" * 12, 5) == ["xxxxx", "xxxxx", "xx"]


def test_which_slack_events_start_a_turn():
    def envelope(**event):
        return {
            "team_id": "T1",
            "authorizations": [{"user_id": "UBOT", "is_bot": True}],
            "event": {
                "type": "message",
                "channel_type": "im",
                "user": "U1",
                "channel": "D1",
                "text": "hoi",
                "ts": "1.2",
                **event,
            },
        }

    assert slack.message_from_event(envelope()).text == "hoi"
    mention = slack.message_from_event(
        envelope(type="app_mention", channel_type=None, text="<@UBOT> wat is een leercultuur?")
    )
    assert mention.text == "wat is een leercultuur?" and mention.thread_ts == "1.2"
    for ignored in (
        {"user": "UBOT"},
        {"bot_id": "B1"},
        {"subtype": "message_changed"},
        {"channel_type": "channel"},
        {"text": "<@UBOT>"},
    ):
        assert slack.message_from_event(envelope(**ignored)) is None
    click = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "channel": {"id": "D1"},
        "actions": [{"type": "button", "value": "/greet"}],
    }
    assert (
        slack.message_from_click(click).platform_user_id
        == slack.message_from_event(envelope()).platform_user_id
    )
    assert slack.message_from_click({**click, "type": "interactive_message"}) is None


# ---- Teams --------------------------------------------------------------------------------------


def test_a_click_with_only_a_value_is_the_buttons_payload():
    assert (
        teams.message_text({"text": "", "value": {"payload": "/kenmerk_kennis_delen"}})
        == "/kenmerk_kennis_delen"
    )
    assert (
        teams.message_text({"text": "<at>Leercoach</at> wat is een leercultuur?"})
        == "wat is een leercultuur?"
    )
    action = teams.card_action({"title": "Kennis delen", "payload": "/kenmerk_kennis_delen"})
    assert action["type"] == "messageBack" and action["value"] == {"payload": "/kenmerk_kennis_delen"}


def test_line_breaks_survive_in_teams():
    assert teams.to_teams_markdown("Route 1 van 8\nJe leert.\n\n- een\n- twee") == (
        "Route 1 van 8\n\nJe leert.\n\n- een\n\n- twee"
    )


def test_service_urls_are_matched_on_whole_segments():
    allowed = ("https://smba.trafficmanager.net/",)
    assert teams.service_url_allowed("https://smba.trafficmanager.net/emea/", allowed)
    assert not teams.service_url_allowed("https://smba.trafficmanager.net.evil.example/", allowed)
    assert not teams.service_url_allowed("http://127.0.0.1:9/", allowed)


def test_unreachable_keys_refuse_the_request_instead_of_failing():
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = teams.TeamsSettings(
        "app", "secret", "tenant", openid_metadata_url=f"http://127.0.0.1:{port}/openid"
    )
    token = jwt.encode(
        {"iss": teams.ISSUER, "aud": "app"}, new_rsa_key(), algorithm="RS256", headers={"kid": "k"}
    )
    with pytest.raises(teams.Refused) as refused:
        asyncio.run(teams.InboundAuth(settings).check(f"Bearer {token}", {"serviceUrl": "x"}))
    assert refused.value.status == 401


@pytest.mark.parametrize("header", ["Bearer \udce9\udcff", "Bearer ey\u00e9.x.y", "Bearer \u00ff"])
def test_a_non_ascii_teams_authorization_is_refused_with_401(header):
    settings = teams.TeamsSettings("app", "secret", "tenant", openid_metadata_url="http://127.0.0.1:9/openid")
    with pytest.raises(teams.Refused) as refused:
        asyncio.run(teams.InboundAuth(settings).check(header, {"serviceUrl": "x"}))
    assert refused.value.status == 401


# ---- the app files ------------------------------------------------------------------------------


def test_the_slack_manifest_asks_for_what_the_channel_uses():
    manifest = yaml.safe_load((PROJECT_ROOT / "slack" / "manifest.yml").read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read",
        "chat:write",
        "im:history",
    ]
    events = manifest["settings"]["event_subscriptions"]
    assert sorted(events["bot_events"]) == ["app_mention", "message.im"]
    assert manifest["settings"]["interactivity"]["request_url"] == events["request_url"]
    assert events["request_url"].endswith("/webhooks/slack/webhook")


def test_teams_package_has_the_manifest_at_the_root_and_both_icons(tmp_path):
    env = {
        "LEERCOACH_TEAMS_APP_ID": "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
        "LEERCOACH_TEAMS_WEBSITE_URL": "https://intranet.example/leercoach/",
    }
    package = build_package(env, tmp_path / "teams.zip")
    with zipfile.ZipFile(package) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        archive.extractall(tmp_path)
    assert manifest["id"] == manifest["bots"][0]["botId"] == env["LEERCOACH_TEAMS_APP_ID"]
    assert manifest["bots"][0]["scopes"] == ["personal"] and manifest["manifestVersion"] == "1.17"
    assert manifest["developer"]["privacyUrl"] == "https://intranet.example/leercoach/privacy.html"
    assert "${" not in json.dumps(manifest)
    color, outline = Image.open(tmp_path / "color.png"), Image.open(tmp_path / "outline.png").convert("RGBA")
    assert color.size == (192, 192) and outline.size == (32, 32)
    assert {(r, g, b) for r, g, b, a in outline.getdata() if a} == {
        (255, 255, 255)
    }  # white on transparent only
    with pytest.raises(PackageError, match="GUID"):
        build_package({**env, "LEERCOACH_TEAMS_APP_ID": "leercoach"}, tmp_path / "bad.zip")


@pytest.mark.parametrize("replies", [slack.SlackReplies, teams.TeamsReplies])
def test_widget_payloads_are_not_posted_as_json(replies):
    posted = []

    class Recorder(replies):
        def __init__(self):
            pass

        async def send_text_message(self, recipient_id, text, **kwargs):
            posted.append(text)

    plan = {"leercoach": {"type": "plan", "ics": "BEGIN:VCALENDAR"}}
    asyncio.run(Recorder().send_response("c0ffee", {"text": "Jouw ontwikkelplan", "custom": plan}))
    assert posted == ["Jouw ontwikkelplan"]


@pytest.mark.parametrize("replies", [slack.SlackReplies, teams.TeamsReplies])
def test_the_answer_feedback_marks_are_not_posted_as_json(replies):
    from leercoach.answering import feedback

    posted = []

    class Recorder(replies):
        def __init__(self):
            pass

        async def send_text_message(self, recipient_id, text, **kwargs):
            posted.append(text)

    for text, mark in (("Een antwoord", feedback.offer()), ("Dank je!", feedback.received("up"))):
        asyncio.run(Recorder().send_response("c0ffee", {"text": text, "custom": mark}))
    assert posted == ["Een antwoord", "Dank je!"]
