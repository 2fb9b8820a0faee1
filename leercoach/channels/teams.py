"""Microsoft Teams (Bot Framework) at /webhooks/botframework/webhook, as a single-tenant bot.

Rasa's own connector fetches Microsoft's keys in its constructor (no start without internet),
checks neither issuer nor ``serviceUrl`` nor clock skew, answers an HS256 token with a 500, gets
its outbound token from the retired multi-tenant endpoint and blocks the event loop. This one
validates the inbound JWT as Microsoft documents it (RS256, issuer api.botframework.com,
audience = the app id, 5 minutes clock skew, the ``serviceUrl`` claim equal to the activity's,
keys fetched lazily, cached a day, fetched again for an unknown key id at most once per 5 minutes
and not during a back-off after a failed fetch), serves one tenant, sends the bot's token only to
an allowed ``serviceUrl`` and hands Rasa the pseudonym.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.channel import InputChannel, OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from leercoach.channels.common import (
    BackgroundTurns,
    OnNewMessage,
    channel_settings,
    hand_to_rasa,
    not_started,
    words,
)

logger = logging.getLogger(__name__)

CHANNEL = "teams"
SECTION = "leercoach.channels.teams.TeamsInput"
ISSUER = "https://api.botframework.com"
OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
LOGIN_URL = "https://login.microsoftonline.com"
ALLOWED_SERVICE_URLS = "https://smba.trafficmanager.net/"
TOKEN_SCOPE = "https://api.botframework.com/.default"
CLOCK_SKEW = 5 * 60  # seconds
KEYS_MAX_AGE = 24 * 60 * 60  # Microsoft: refresh the signing keys at least daily
REFETCH_INTERVAL = 5 * 60  # an unknown key id fetches the keys again at most this often
KEYS_BACK_OFF_FIRST = 10  # seconds without a fetch after a failed one, doubled each time ...
KEYS_BACK_OFF_MAX = 10 * 60  # ... up to this
TOKEN_REFRESH_MARGIN = 5 * 60  # a new outbound token this long before the old one expires
BUTTONS_PER_CARD = 6
GREETING = "/greet"  # the bot added: the same greeting (and buttons) as anyone saying hello


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str
    app_password: str
    tenant_id: str
    openid_metadata_url: str = OPENID_METADATA_URL
    login_url: str = LOGIN_URL
    allowed_service_urls: Tuple[str, ...] = (ALLOWED_SERVICE_URLS,)


class Refused(Exception):
    """A request that must not be served; ``status`` 401 (who are you?) or 403 (not for us)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# An unreachable endpoint, an HTTP error, or an answer that is not the documented JSON.
KEY_FETCH_PROBLEMS = (
    aiohttp.ClientError,
    asyncio.TimeoutError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
)


def _http() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))


class SigningKeys:
    """Microsoft's signing keys: fetched at the first request (not at start-up), cached a day.

    The key id comes from a header nobody has verified yet, so an unknown one must not make us
    fetch each time: the keys are fetched again for it at most once per ``REFETCH_INTERVAL``, and
    after a failed fetch not before a back-off that doubles with each failure. Meanwhile an
    unknown key id is refused at once.
    """

    def __init__(self, metadata_url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.metadata_url = metadata_url
        self._clock = clock
        self._keys: Dict[str, Dict[str, Any]] = {}
        self._fetched_at = 0.0
        self._next_fetch_at = 0.0  # no fetch before this moment
        self._failures = 0
        self._lock = asyncio.Lock()

    async def _fetch(self) -> None:
        async with _http() as session:
            async with session.get(self.metadata_url) as answer:
                answer.raise_for_status()
                metadata = await answer.json(content_type=None)
            async with session.get(metadata["jwks_uri"]) as answer:
                answer.raise_for_status()
                keys = (await answer.json(content_type=None))["keys"]
        self._keys = {key["kid"]: key for key in keys if key.get("kid")}

    def _fresh(self, now: float) -> bool:
        return bool(self._keys) and now - self._fetched_at <= KEYS_MAX_AGE

    async def _refresh(self, now: float) -> None:
        """One fetch, then none for a while: ``REFETCH_INTERVAL`` after success, a back-off after failure."""
        try:
            await self._fetch()
        except KEY_FETCH_PROBLEMS as problem:
            self._failures += 1
            self._next_fetch_at = now + keys_back_off(self._failures)
            logger.warning(f"Teams: signing keys unavailable ({type(problem).__name__}).")
            return
        self._failures = 0
        self._fetched_at = now
        self._next_fetch_at = now + REFETCH_INTERVAL

    async def get(self, key_id: str) -> Dict[str, Any]:
        async with self._lock:
            now = self._clock()
            wanted = not self._fresh(now) or key_id not in self._keys
            if wanted and now >= self._next_fetch_at:
                await self._refresh(now)
            fresh = self._fresh(now)
        if not fresh:
            raise Refused(401, "signing keys unavailable")
        if key_id not in self._keys:
            raise Refused(401, "unknown signing key")
        return self._keys[key_id]


def keys_back_off(failures: int) -> float:
    """Seconds without a fetch after ``failures`` failed ones in a row: doubling, up to a limit."""
    return min(KEYS_BACK_OFF_FIRST * 2 ** (failures - 1), KEYS_BACK_OFF_MAX)


class InboundAuth:
    """The checks Microsoft documents for a request from the Bot Connector, and the project's own."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.settings = settings
        self.keys = SigningKeys(settings.openid_metadata_url)

    async def check(self, authorization: Optional[str], activity: Dict[str, Any]) -> None:
        match = re.fullmatch(r"Bearer\s+(\S+)", authorization or "")
        if not match or not match.group(1).isascii():  # a token is ASCII; PyJWT raises on surrogates
            raise Refused(401, "no bearer token")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Refused(401, "malformed token") from None
        if header.get("alg") != "RS256":
            raise Refused(401, "token not signed with RS256")
        key = await self.keys.get(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key=RSAAlgorithm.from_jwk(json.dumps(key)),
                algorithms=["RS256"],
                audience=self.settings.app_id,
                issuer=ISSUER,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iss", "aud"]},
            )
        except (jwt.PyJWTError, ValueError, TypeError) as problem:
            raise Refused(401, f"token rejected ({type(problem).__name__})") from None
        service_url = activity.get("serviceUrl") or ""
        if claims.get("serviceUrl") != service_url:
            raise Refused(403, "serviceUrl claim does not match the activity")
        endorsements = key.get("endorsements")
        if endorsements is not None and activity.get("channelId") not in endorsements:
            raise Refused(403, "signing key not endorsed for this channel")
        tenant = ((activity.get("channelData") or {}).get("tenant") or {}).get("id")
        if tenant != self.settings.tenant_id:
            raise Refused(403, "tenant not served")
        if not service_url_allowed(service_url, self.settings.allowed_service_urls):
            raise Refused(403, "serviceUrl not allowed")


def service_url_allowed(service_url: str, allowed: Tuple[str, ...]) -> bool:
    """The bot's token goes only to these hosts; a prefix match on whole path segments."""
    url = service_url.rstrip("/") + "/"
    return any(url.startswith(prefix.rstrip("/") + "/") for prefix in allowed)


class BotToken:
    """The single-tenant bot's token for the connector, cached until shortly before it expires."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.settings = settings
        self._token = ""
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        async with self._lock:
            if not self._token or time.monotonic() >= self._renew_at:
                await self._fetch()
            return self._token

    async def _fetch(self) -> None:
        url = f"{self.settings.login_url.rstrip('/')}/{self.settings.tenant_id}/oauth2/v2.0/token"
        form = {
            "grant_type": "client_credentials",
            "client_id": self.settings.app_id,
            "client_secret": self.settings.app_password,
            "scope": TOKEN_SCOPE,
        }
        async with _http() as session, session.post(url, data=form) as answer:
            if answer.status != 200:
                raise RuntimeError(f"token endpoint answered HTTP {answer.status}")
            body = await answer.json(content_type=None)
        self._token = body["access_token"]
        self._renew_at = time.monotonic() + int(body.get("expires_in", 3600)) - TOKEN_REFRESH_MARGIN


@dataclass(frozen=True)
class Conversation:
    """Where the answers of one turn go; platform ids stay in memory, for this turn only."""

    service_url: str
    conversation: Dict[str, Any]
    bot: Dict[str, Any]
    user: Dict[str, Any]
    reply_to: Optional[str]


def to_teams_markdown(text: str) -> str:
    """Teams joins lines split by one newline; the answers mean a line break there."""
    return re.sub(r"(?<!\n)\n(?!\n)", "\n\n", text.strip())


def card_action(button: Dict[str, Any]) -> Dict[str, Any]:
    """messageBack: the title shows in the chat, the payload returns in ``value`` (and ``text``)."""
    title, payload = str(button.get("title", "")), str(button.get("payload", ""))
    return {
        "type": "messageBack",
        "title": title,
        "displayText": title,
        "text": payload,
        "value": {"payload": payload},
    }


class TeamsReplies(OutputChannel):
    """The bot's answers for one turn, posted to the conversation at the activity's serviceUrl."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(self, token: BotToken, conversation: Conversation) -> None:
        self.token = token
        self.target = conversation

    async def _send(self, extra: Dict[str, Any]) -> None:
        target = self.target
        activity = {
            "type": "message",
            "from": target.bot,
            "recipient": {"id": target.user.get("id")},
            "conversation": {"id": target.conversation.get("id")},
            "textFormat": "markdown",
            **extra,
        }
        if target.reply_to:
            activity["replyToId"] = target.reply_to
        url = f"{target.service_url.rstrip('/')}/v3/conversations/{quote(str(target.conversation.get('id')), safe='')}/activities"
        headers = {"Authorization": f"Bearer {await self.token.get()}"}
        async with _http() as session, session.post(url, json=activity, headers=headers) as answer:
            if answer.status >= 300:
                logger.error(f"Teams: the connector answered HTTP {answer.status}.")

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """Not posted: custom payloads are for the intranet widget (the plan's agenda file, the
        export download, the erasure mark) and the text beside each one reaches this channel too.
        Rasa's default would post the JSON itself as a message."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send({"text": to_teams_markdown(text)})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        actions = [card_action(button) for button in buttons]
        cards = [
            {
                "contentType": "application/vnd.microsoft.card.hero",
                "content": {"buttons": actions[start : start + BUTTONS_PER_CARD]},
            }
            for start in range(0, len(actions), BUTTONS_PER_CARD)
        ]
        await self._send({"text": to_teams_markdown(text), "attachmentLayout": "list", "attachments": cards})


def message_text(activity: Dict[str, Any]) -> str:
    """What the user said: a button's payload (``value``) first, else the text without @mentions."""
    value = activity.get("value")
    if isinstance(value, dict) and isinstance(value.get("payload"), str) and value["payload"].strip():
        return value["payload"].strip()
    text = re.sub(r"<at>.*?</at>", " ", activity.get("text") or "")
    return " ".join(text.split())


def bot_was_added(activity: Dict[str, Any]) -> bool:
    bot_id = (activity.get("recipient") or {}).get("id")
    return any(member.get("id") == bot_id for member in activity.get("membersAdded") or [])


def platform_user_id(user: Dict[str, Any]) -> str:
    """The person's Entra object id where Teams sends it (the same in every chat), else the chat id."""
    return str(user.get("aadObjectId") or user.get("id") or "")


def shared_place(conversation: Dict[str, Any]) -> Optional[str]:
    """A group chat or channel (others read along) as a conversation of its own, apart from the
    person's personal chat (None); without a type it counts as shared. A channel's conversation id
    names the thread too (``;messageid=``): the place is the channel."""
    if conversation.get("conversationType") == "personal":
        return None
    return str(conversation.get("id") or "").split(";")[0]


class TeamsInput(InputChannel):
    """Bot Framework activities from Teams on /webhooks/botframework/webhook."""

    @classmethod
    def name(cls) -> str:
        return "botframework"  # keeps Rasa's webhook path

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> TeamsInput:
        values = channel_settings(
            "Teams", SECTION, credentials, required=("app_id", "app_password", "tenant_id")
        )
        if values is None:
            return cls(None)
        return cls(
            TeamsSettings(
                app_id=values["app_id"],
                app_password=values["app_password"],
                tenant_id=values["tenant_id"],
                openid_metadata_url=values.get("openid_metadata_url") or OPENID_METADATA_URL,
                login_url=values.get("login_url") or LOGIN_URL,
                allowed_service_urls=tuple(
                    words(values.get("allowed_service_urls")) or [ALLOWED_SERVICE_URLS]
                ),
            )
        )

    def __init__(self, settings: Optional[TeamsSettings]) -> None:
        self.settings = settings
        if settings is not None:
            self.auth = InboundAuth(settings)  # no network here: keys are fetched at the first request
            self.token = BotToken(settings)
        self.turns = BackgroundTurns()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if self.settings is None:
            return not_started(self.name())
        teams_webhook = Blueprint("teams_webhook", __name__)

        @teams_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @teams_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                activity = json.loads(request.body or b"")
                if not isinstance(activity, dict):
                    raise ValueError
            except (ValueError, UnicodeDecodeError):
                return response.text("malformed activity", status=400)
            try:
                await self.auth.check(request.headers.get("Authorization"), activity)
            except Refused as refused:
                logger.warning(f"Teams: request refused, {refused.reason}.")
                return response.text(refused.reason, status=refused.status)
            self._answer(request, activity, on_new_message)
            return response.empty(status=202)

        return teams_webhook

    def _answer(self, request: Request, activity: Dict[str, Any], on_new_message: OnNewMessage) -> None:
        kind = activity.get("type")
        user = activity.get("from") or {}
        if kind == "message":
            text, only_first = message_text(activity), False
        elif kind == "conversationUpdate" and bot_was_added(activity):
            text, only_first = GREETING, True
        else:
            return
        if not text or not platform_user_id(user) or not (activity.get("conversation") or {}).get("id"):
            return
        conversation = Conversation(
            activity["serviceUrl"],
            activity["conversation"],
            activity.get("recipient") or {},
            user,
            activity.get("id"),
        )
        self.turns.start(
            hand_to_rasa(
                on_new_message,
                TeamsReplies(self.token, conversation),
                CHANNEL,
                platform_user_id(user),
                text,
                agent=getattr(request.app.ctx, "agent", None),
                only_first=only_first,
                shared_place=shared_place(activity["conversation"]),
            ),
            "Teams",
        )
