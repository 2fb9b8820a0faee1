"""What the Slack and Teams channels share: their settings, the hand-over to Rasa, long texts.

Settings come from credentials.yml, where Rasa expands ``${VARIABLE}`` from the environment.
A channel whose settings are all empty is not started (its webhook answers 404), so a first
run needs none; a channel with some settings but not all stops start-up with a clear message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Set

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import UserUttered
from rasa.shared.exceptions import RasaException
from sanic import Blueprint

from leercoach import rasa_overrides
from leercoach.channels import guard
from leercoach.privacy import boundary, conversation_kind
from leercoach.privacy.pseudonym import check_key, pseudonym

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class ChannelSettingsError(RasaException):
    """A channel is configured only in part: Rasa must not start half a channel."""


def channel_settings(
    title: str, section: str, credentials: Optional[Dict[str, Any]], required: Iterable[str]
) -> Optional[Dict[str, str]]:
    """The channel's settings as stripped strings, or None when none of the required ones is set.

    Called by each channel's ``from_credentials`` at server start, which refuses a Rasa started
    without the guard (leercoach.rasa_overrides)."""
    rasa_overrides.require_installed()
    values = {key: str(value).strip() for key, value in (credentials or {}).items() if value is not None}
    required = list(required)
    missing = [key for key in required if not values.get(key)]
    if len(missing) == len(required):
        logger.info(f"{title}: not configured, channel not started.")
        return None
    if not missing:
        check_key()  # no pseudonym key: refuse to start, rather than fail at the first message
        boundary.warm_up()
        return values
    raise ChannelSettingsError(
        f"{title} is configured only in part: {', '.join(missing)} "
        f"{'is' if len(missing) == 1 else 'are'} empty. Set the environment variable named for "
        f"{'it' if len(missing) == 1 else 'each'} under '{section}:' in credentials.yml, or leave all "
        f"of the channel's required variables empty to run without {title}."
    )


def words(value: Optional[str]) -> List[str]:
    """A setting that lists several values, separated by spaces or commas."""
    return [part for part in re.split(r"[\s,]+", value or "") if part]


def not_started(name: str) -> Blueprint:
    """The blueprint of an unconfigured channel: no routes, so its webhook answers 404."""
    return Blueprint(f"{name}_not_configured")


class BackgroundTurns:
    """Runs dialogue turns after the HTTP answer (platforms want it fast), keeping each task alive."""

    def __init__(self) -> None:
        self._tasks: Set[asyncio.Task] = set()

    def start(self, turn: Awaitable[Any], what: str) -> None:
        task = asyncio.create_task(turn)
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(done, what))

    def _finished(self, task: asyncio.Task, what: str) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # The exception's type only: its message could quote what the user wrote.
            logger.error(f"{what}: the turn failed ({type(task.exception()).__name__}).")


async def already_answered(agent: Any, sender_id: str, message_id: Optional[str] = None) -> bool:
    """Whether the conversation already has this message (or, without an id, any user message).

    Read from the tracker store under the conversation's lock, so a turn still running for it on
    any Rasa server behind the load balancer (they share the lock store) is finished and saved first.
    """
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        return False
    return any(
        isinstance(event, UserUttered) and (message_id is None or event.message_id == message_id)
        for event in tracker.events
    )


async def hand_to_rasa(
    on_new_message: OnNewMessage,
    output: OutputChannel,
    channel: str,
    platform_user_id: str,
    text: str,
    *,
    agent: Any = None,
    message_id: Optional[str] = None,
    only_first: bool = False,
    shared_place: Optional[str] = None,
) -> bool:
    """One user message to Rasa under the user's pseudonym: through the guard (the same rules as
    the REST channel), redacted, the privacy notice first.

    ``message_id`` skips a message the conversation already has (a platform's retry);
    ``only_first`` skips it when the conversation has any user message (a greeting);
    ``shared_place`` (a channel others read) makes it a conversation apart from the user's direct
    one, and tells the actions so (leercoach.privacy.conversation_kind).
    Returns whether the message went to Rasa.
    """
    admitted = guard.admit(channel, platform_user_id, text, shared_place)
    if admitted.incoming is None:
        await output.send_text_message(pseudonym(channel, platform_user_id, shared_place), admitted.reply)
        return False
    incoming = admitted.incoming
    try:
        check = agent is not None and (message_id or only_first)
        if check and await already_answered(agent, incoming.sender_id, None if only_first else message_id):
            logger.info(f"{channel}: message already in the conversation, not answered again.")
            return False
        if incoming.notice:
            await output.send_text_message(incoming.sender_id, incoming.notice)
        message = UserMessage(
            text=incoming.text,
            output_channel=output,
            sender_id=incoming.sender_id,
            input_channel=channel,
            message_id=message_id,
            metadata=conversation_kind.metadata(shared_place),
        )
        await on_new_message(message)
    except Exception as problem:
        # The type only: an exception's message could quote what the user wrote.
        logger.error(f"{channel}: the turn failed ({type(problem).__name__}).")
        await output.send_text_message(incoming.sender_id, guard.failure_text())
    return True


def split_text(text: str, limit: int) -> List[str]:
    """``text`` in parts of at most ``limit`` characters, cut between paragraphs, lines or words."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for separator in ("\n\n", "\n", " "):
        pieces = text.split(separator)
        if len(pieces) > 1:
            parts: List[str] = []
            current = ""
            for piece in pieces:
                candidate = f"{current}{separator}{piece}" if current else piece
                if len(candidate) <= limit:
                    current = candidate
                    continue
                if current:
                    parts.append(current)
                if len(piece) > limit:
                    parts.extend(split_text(piece, limit))
                    current = ""
                else:
                    current = piece
            if current:
                parts.append(current)
            return [part.strip() for part in parts if part.strip()]
    return [text[start : start + limit] for start in range(0, len(text), limit)]
