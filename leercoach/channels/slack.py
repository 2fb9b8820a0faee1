"""Slack: Events API (DMs and mentions) and Block Kit buttons, at /webhooks/slack/webhook.

Rasa's own Slack connector answers retries twice, drops more than five buttons, ignores a
``Content-Type`` with a charset and cannot point at another Web API; this one fixes that and
hands Rasa the user's pseudonym. Slack's rules followed here: requests are signed with the
app's signing secret (``v0:{timestamp}:{body}``, HMAC-SHA256, at most 5 minutes old), the
HTTP answer must come within 3 seconds (the turn runs after it), failed deliveries are retried
with the same ``event_id``, Block Kit allows 25 buttons per actions block and 3000 characters
per section.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, List, Optional
from urllib.parse import parse_qs

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from leercoach.channels import guard
from leercoach.channels.common import (
    BackgroundTurns,
    OnNewMessage,
    channel_settings,
    hand_to_rasa,
    not_started,
    split_text,
    words,
)

logger = logging.getLogger(__name__)

CHANNEL = "slack"
SECTION = "leercoach.channels.slack.SlackInput"
SLACK_API_URL = "https://slack.com/api"
MAX_REQUEST_AGE = 5 * 60  # seconds; older signed requests may be replays
MAX_SECTION_TEXT = 3000
MAX_BUTTONS_PER_BLOCK = 25
MAX_BUTTON_TITLE = 75
MAX_BLOCKS = 50


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    api_url: str = SLACK_API_URL
    team_ids: FrozenSet[str] = frozenset()  # empty: any workspace the app is installed in
    app_id: str = ""  # empty: not checked (the signature already proves the app)


# ---- requests from Slack ---------------------------------------------------------------------


def signature_is_valid(secret: str, timestamp: str, body: bytes, signature: str, now: float) -> bool:
    """Slack's request signature: a recent timestamp and an HMAC over it and the exact body.

    Headers are text of any script: "²" or "١٢" count as digits in Python and a non-ASCII
    signature makes compare_digest raise, so both are checked to be ASCII first (a 401, no 500)."""
    if not (timestamp.isascii() and timestamp.isdigit() and signature.isascii()):
        return False
    if abs(now - int(timestamp)) > MAX_REQUEST_AGE:
        return False
    basestring = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@dataclass(frozen=True)
class SlackMessage:
    """What a turn needs from an event: who, where to answer, and what they wrote."""

    team_id: str
    user_id: str
    channel_id: str
    text: str
    thread_ts: Optional[str] = None  # mentions are answered in their thread
    direct: bool = True  # a DM; False: a channel others read (its own conversation)

    @property
    def platform_user_id(self) -> str:
        return f"{self.team_id}/{self.user_id}"

    @property
    def shared_place(self) -> Optional[str]:
        """The channel of a mention, which makes it a conversation apart from the user's DM."""
        return None if self.direct else self.channel_id


def is_dm_channel(channel_id: str) -> bool:
    """Slack's conversation ids of direct messages begin with D (channels C, private ones G)."""
    return channel_id.startswith("D")


def bot_user_ids(envelope: Dict[str, Any]) -> List[str]:
    return [
        a.get("user_id") for a in envelope.get("authorizations") or [] if a.get("is_bot") and a.get("user_id")
    ]


def message_from_event(envelope: Dict[str, Any]) -> Optional[SlackMessage]:
    """A DM or a mention written by a person; None for edits, deletions and bots' own messages."""
    event = envelope.get("event") or {}
    user = event.get("user")
    if not user or event.get("bot_id") or event.get("subtype") or user in bot_user_ids(envelope):
        return None
    if event.get("type") == "message" and event.get("channel_type") == "im":
        thread, direct = None, True
    elif event.get("type") == "app_mention":  # in a channel: others read along
        thread, direct = event.get("thread_ts") or event.get("ts"), False
    else:
        return None
    text = re.sub(r"<@[A-Z0-9]+>", " ", event.get("text") or "")
    text = re.sub(r"<(?:mailto:|https?://)[^|>]*\|([^>]*)>", r"\1", text)  # links as Slack shows them
    text = " ".join(text.split())
    team = envelope.get("team_id") or event.get("team") or ""
    if not text or not event.get("channel"):
        return None
    return SlackMessage(
        team,
        user,
        event["channel"],
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"),
        thread,
        direct=direct,
    )


def message_from_click(payload: Dict[str, Any]) -> Optional[SlackMessage]:
    """A click on one of our buttons (``block_actions``): its payload continues the conversation."""
    if payload.get("type") != "block_actions":
        return None
    button = next(
        (a for a in payload.get("actions") or [] if a.get("type") == "button" and a.get("value")), None
    )
    user = (payload.get("user") or {}).get("id")
    channel = (payload.get("channel") or {}).get("id") or (payload.get("container") or {}).get("channel_id")
    if button is None or not user or not channel:
        return None
    thread = (payload.get("message") or {}).get("thread_ts")
    team = (payload.get("team") or {}).get("id") or ""
    return SlackMessage(team, user, channel, button["value"], thread, direct=is_dm_channel(channel))


def delivery_id(raw: str) -> str:
    """Slack's event id or trigger id, as the message id Rasa stores (hashed: it is Slack's)."""
    return "slack-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


class RecentDeliveries:
    """Event ids seen lately in this process: a retry that arrives while the turn runs is dropped.

    The tracker store is checked as well (the message id), for a retry that reaches another server.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, key: str) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


# ---- answers to Slack ------------------------------------------------------------------------


def to_mrkdwn(text: str) -> str:
    """The answers' Markdown subset in Slack's own markup: *bold*, _italic_, • lists, <url|links>."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\[([^\]]+)\]\((https?://[^)\s]+)\)", r"<\2|\1>", text)
    text = re.sub(r"(?<![*\w])\*(?!\*)(\S(?:[^*\n]*?\S)?)\*(?![*\w])", r"_\1_", text)
    text = re.sub(r"\*\*(\S(?:.*?\S)?)\*\*", r"*\1*", text)
    text = re.sub(r"(?m)^(\s*)[-*] ", "\\1• ", text)
    text = re.sub(r"(?m)^#{1,6} +(.+)$", r"*\1*", text)
    return text


def plain(text: str) -> str:
    """A notification text (Slack shows it in alerts): no markup characters."""
    return re.sub(r"\*\*|(?<!\w)\*|\*(?!\w)", "", text)


def button_blocks(buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """All buttons, 25 per actions block: none dropped."""
    elements = [
        {
            "type": "button",
            "action_id": f"leercoach_{index}",
            "text": {
                "type": "plain_text",
                "emoji": True,
                "text": _shorten(str(button.get("title", "")), MAX_BUTTON_TITLE),
            },
            "value": str(button.get("payload", ""))[:2000],
        }
        for index, button in enumerate(buttons)
    ]
    return [
        {
            "type": "actions",
            "block_id": f"leercoach_buttons_{start // MAX_BUTTONS_PER_BLOCK}",
            "elements": elements[start : start + MAX_BUTTONS_PER_BLOCK],
        }
        for start in range(0, len(elements), MAX_BUTTONS_PER_BLOCK)
    ]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class SlackWebApi:
    """chat.postMessage over aiohttp (never blocking the event loop), at a configurable base URL."""

    def __init__(self, settings: SlackSettings) -> None:
        self.settings = settings
        self._session: Optional[aiohttp.ClientSession] = None

    async def post_message(self, message: Dict[str, Any]) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        url = self.settings.api_url.rstrip("/") + "/chat.postMessage"
        headers = {
            "Authorization": f"Bearer {self.settings.bot_token}",
            "Content-Type": "application/json; charset=utf-8",
        }
        for attempt in range(2):
            async with self._session.post(url, data=json.dumps(message), headers=headers) as answer:
                if answer.status == 429 and attempt == 0:  # rate limited: wait as told, once
                    await asyncio.sleep(min(float(answer.headers.get("Retry-After", "1")), 10))
                    continue
                body = await answer.json(content_type=None) if answer.status == 200 else {}
                if not body.get("ok"):
                    logger.error(
                        f"Slack: chat.postMessage failed (HTTP {answer.status}, {body.get('error', 'no error code')})."
                    )
                return

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class SlackReplies(OutputChannel):
    """The bot's answers for one turn, posted to the DM or thread the message came from."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, api: SlackWebApi, message: SlackMessage) -> None:
        self.api = api
        self.channel_id = message.channel_id  # the platform's channel id stays in memory, this turn only
        self.thread_ts = message.thread_ts

    async def _post(self, text: str, blocks: Optional[List[Dict[str, Any]]] = None) -> None:
        message: Dict[str, Any] = {"channel": self.channel_id, "text": text}
        if blocks:
            message["blocks"] = blocks
        if self.thread_ts:
            message["thread_ts"] = self.thread_ts
        await self.api.post_message(message)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """Not posted: custom payloads are for the intranet widget (the plan's agenda file, the
        export download, the erasure mark) and the text beside each one reaches this channel too.
        Rasa's default would post the JSON itself as a message."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(to_mrkdwn(text), MAX_SECTION_TEXT):
            await self._post(part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        parts = split_text(to_mrkdwn(text), MAX_SECTION_TEXT)
        for part in parts[:-1]:
            await self._post(part)
        last = parts[-1] if parts else ""
        sections = [{"type": "section", "text": {"type": "mrkdwn", "text": last}}] if last else []
        actions = button_blocks(buttons)
        room = MAX_BLOCKS - len(sections)
        notification = plain(last) or " · ".join(str(button.get("title", "")) for button in buttons)
        await self._post(notification, sections + actions[:room])
        for start in range(room, len(actions), MAX_BLOCKS):
            await self._post(notification, actions[start : start + MAX_BLOCKS])


# ---- the channel -----------------------------------------------------------------------------


class SlackInput(InputChannel):
    """Slack's Events API and interactivity, both on /webhooks/slack/webhook."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> SlackInput:
        values = channel_settings("Slack", SECTION, credentials, required=("bot_token", "signing_secret"))
        if values is None:
            return cls(None)
        return cls(
            SlackSettings(
                bot_token=values["bot_token"],
                signing_secret=values["signing_secret"],
                api_url=values.get("api_url") or SLACK_API_URL,
                team_ids=frozenset(words(values.get("team_ids"))),
                app_id=values.get("app_id", ""),
            )
        )

    def __init__(self, settings: Optional[SlackSettings]) -> None:
        self.settings = settings
        self.api = SlackWebApi(settings) if settings else None
        self.deliveries = RecentDeliveries()
        self.turns = BackgroundTurns()

    def _from_our_app(self, team_id: Optional[str], app_id: Optional[str]) -> bool:
        settings = self.settings
        if settings.team_ids and team_id not in settings.team_ids:
            return False
        return not settings.app_id or app_id == settings.app_id

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if self.settings is None:
            return not_started(CHANNEL)
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            body = request.body or b""
            if not signature_is_valid(
                self.settings.signing_secret,
                request.headers.get("X-Slack-Request-Timestamp", ""),
                body,
                request.headers.get("X-Slack-Signature", ""),
                time.time(),
            ):
                logger.warning("Slack: request without a valid signature refused.")
                return response.text("invalid signature", status=401)
            kind = guard.media_type(request.headers.get("Content-Type"))
            try:
                if kind == "application/json":
                    return self._event(request, json.loads(body), on_new_message)
                if kind == "application/x-www-form-urlencoded":
                    payload = json.loads(parse_qs(body.decode("utf-8")).get("payload", ["{}"])[0])
                    return self._interaction(request, payload, on_new_message)
            except (ValueError, UnicodeDecodeError, AttributeError):
                return response.text("malformed body", status=400)
            return response.text("unsupported content type", status=415)

        @slack_webhook.listener("after_server_stop")
        async def close_api(*_: Any) -> None:
            await self.api.close()

        return slack_webhook

    def _event(
        self, request: Request, envelope: Dict[str, Any], on_new_message: OnNewMessage
    ) -> HTTPResponse:
        if envelope.get("type") == "url_verification":
            return response.json({"challenge": envelope.get("challenge", "")})
        if not self._from_our_app(envelope.get("team_id"), envelope.get("api_app_id")):
            logger.warning("Slack: event from another workspace or app refused.")
            return response.text("workspace or app not served", status=403)
        message = message_from_event(envelope) if envelope.get("type") == "event_callback" else None
        if message is None:
            return response.text("")
        event_id = envelope.get("event_id") or ""
        if event_id and not self.deliveries.first_time(event_id):
            logger.info("Slack: retry of an event already being answered, ignored.")
            return response.text("")
        self._start_turn(request, message, on_new_message, delivery_id(event_id) if event_id else None)
        return response.text("")

    def _interaction(
        self, request: Request, payload: Dict[str, Any], on_new_message: OnNewMessage
    ) -> HTTPResponse:
        if not self._from_our_app((payload.get("team") or {}).get("id"), payload.get("api_app_id")):
            logger.warning("Slack: interaction from another workspace or app refused.")
            return response.text("workspace or app not served", status=403)
        message = message_from_click(payload)
        if message is None:
            return response.text("")
        trigger = payload.get("trigger_id") or ""
        if trigger and not self.deliveries.first_time(trigger):
            return response.text("")
        self._start_turn(request, message, on_new_message, delivery_id(trigger) if trigger else None)
        return response.text("")

    def _start_turn(
        self, request: Request, message: SlackMessage, on_new_message: OnNewMessage, message_id: Optional[str]
    ) -> None:
        self.turns.start(
            hand_to_rasa(
                on_new_message,
                SlackReplies(self.api, message),
                CHANNEL,
                message.platform_user_id,
                message.text,
                agent=getattr(request.app.ctx, "agent", None),
                message_id=message_id,
                shared_place=message.shared_place,
            ),
            "Slack",
        )
