"""What a channel makes of any request before Rasa sees it, and what it says when Rasa cannot answer.

Pure functions, so every channel uses the same rules: any body is read (invalid UTF-8, control
characters, lone surrogates), a message over ``LEERCOACH_MAX_MESSAGE_CHARS`` is answered with a
friendly Dutch line instead of going to the NLU, a typed ``/command`` reaches Rasa as an intent
only when it is one of the domain's own intents (buttons use those), and a turn that failed or
said nothing gets the Dutch "try again" line instead of an empty reply.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from typing import Any, Dict, FrozenSet

import yaml

from leercoach import content
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


def _refuse(error: Exception) -> None:
    raise StoreUnavailable(type(error).__name__) from None


def fail_on_store_errors(agent: Any) -> None:
    """Rasa wraps the tracker store in a FailSafeTrackerStore: when PostgreSQL is down it starts
    the conversation over from nothing, keeps the turn only in memory and logs the SQL error (with
    the message in it). Instead, the error ends the turn, so the channel says "try again" and
    nothing is lost or logged."""
    store = getattr(agent, "tracker_store", None)
    if store is not None and hasattr(store, "_on_tracker_store_error"):
        store._on_tracker_store_error = _refuse


def too_long(text: str) -> bool:
    return len(text) > max_message_chars()


def too_long_text() -> str:
    return content.message("too_long", max_chars=max_message_chars())


def failure_text() -> str:
    """Said when a turn failed or ended without a word (the tracker store or the actions are down)."""
    return content.message("server_error")
