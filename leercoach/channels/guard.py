"""What a channel makes of any request before Rasa sees it, and what it says when Rasa cannot answer.

The same rules for every channel (REST/widget, Slack, Teams), in one place: ``admit`` takes the
text a platform sent and returns what goes to Rasa (cleaned: no control characters such as NUL,
which PostgreSQL cannot store, no lone surrogates; a typed ``/command`` reaches Rasa as an intent
only when it is one of the domain's own intents, which buttons use; then the privacy boundary's
pseudonym and redaction), or, over ``LEERCOACH_MAX_MESSAGE_CHARS``, the friendly Dutch line to say
instead of a turn. Any body is read (invalid UTF-8 too), and a turn that failed or said nothing
gets the Dutch "try again" line instead of an empty reply.

``refuse_turn`` makes a tracker store error end the turn (instead of Rasa's quiet fresh start):
leercoach.rasa_overrides puts it in place of FailSafeTrackerStore's error hooks at the Rasa
server's start, and each channel's ``from_credentials`` refuses to start without it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Optional

import yaml
from rasa.core.tracker_store import FailSafeTrackerStore

from leercoach import content
from leercoach.privacy import boundary
from leercoach.settings import PROJECT_ROOT, max_message_chars

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
# Control characters other than tab and newline (incl. NUL, which PostgreSQL cannot store).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_COMMAND = re.compile(r"^/+([^{\s]*)")


def read_body(raw: bytes) -> Dict[str, Any]:
    """The JSON object in a request body; invalid UTF-8 is replaced (U+FFFD) and raw control
    characters in strings are allowed (cleaned later), not refused."""
    try:
        payload = json.loads(raw.decode("utf-8", errors="replace"), strict=False)
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def clean_text(value: Any) -> str:
    """The message as text a tracker store can keep: no control characters, no lone surrogates."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    text = str(value).encode("utf-8", errors="replace").decode("utf-8")
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()


@lru_cache(maxsize=1)
def domain_intents() -> FrozenSet[str]:
    """The intents of domain.yml (the file Rasa reads): the only ones a button payload may name."""
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8")) or {}
    names = set()
    for intent in domain.get("intents") or []:
        names.add(next(iter(intent)) if isinstance(intent, dict) else str(intent))
    return frozenset(names)


def as_rasa_text(text: str) -> str:
    """A ``/command`` for an intent outside the domain (``/restart``, ``/session_start``, made-up
    ones) goes to the NLU as words, so it gets a normal answer instead of triggering Rasa itself."""
    match = _COMMAND.match(text)
    if not match or match.group(1) in domain_intents():
        return text
    return text.lstrip("/").strip() or "?"


class StoreUnavailable(Exception):
    """The tracker store cannot be read or written: the turn fails instead of going on without it."""


def refuse_turn(store: FailSafeTrackerStore, error: Exception) -> None:
    """In place of FailSafeTrackerStore's error hooks (leercoach.rasa_overrides). Rasa wraps every
    tracker store in a FailSafeTrackerStore: when PostgreSQL is down it starts the conversation
    over from nothing, keeps the turn only in memory and logs the SQL error (with the message in
    it). With this the error ends the turn instead, so the channel says "try again" and nothing
    is lost or logged."""
    raise StoreUnavailable(type(error).__name__) from None


def too_long(text: str) -> bool:
    return len(text) > max_message_chars()


def too_long_text() -> str:
    return content.message("too_long", max_chars=max_message_chars())


def failure_text() -> str:
    """Said when a turn failed or ended without a word (the tracker store or the actions are down)."""
    return content.message("server_error")


@dataclass(frozen=True)
class Admitted:
    """A platform's message as Rasa may see it (``incoming``), or the line said instead (``reply``)."""

    incoming: Optional[boundary.Incoming] = None
    reply: Optional[str] = None


def admit(channel: str, platform_user_id: str, value: Any, shared_place: Optional[str] = None) -> Admitted:
    """What every channel does with a message: clean it; answer one over the size limit here (no
    redaction or NLU of 100 kB); defuse a foreign ``/command``; pseudonym and redaction.
    ``shared_place``: the channel or group chat others read (its own conversation)."""
    text = clean_text(value)
    if too_long(text):
        return Admitted(reply=too_long_text())
    return Admitted(incoming=boundary.incoming(channel, platform_user_id, as_rasa_text(text), shared_place))


def media_type(content_type: Optional[str]) -> str:
    """``application/json; charset=utf-8`` is JSON too."""
    return (content_type or "").split(";")[0].strip().lower()
