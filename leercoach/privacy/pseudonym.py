"""Platform user ids become keyed pseudonyms before anything is stored.

The conversation id Rasa stores (its ``sender_id``) is an HMAC-SHA256 of the channel and the
platform's user id under a secret key. The same person gets the same id on every server, so
a conversation continues behind a load balancer, but the id cannot be turned back into the
platform id without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Optional

from leercoach import settings
from leercoach.settings import PROJECT_ROOT

KEY_VARIABLE = settings.PSEUDONYM_KEY_VARIABLE
# Written by `make run` on its first start, so a first run needs no set-up (git-ignored).
LOCAL_KEY_FILE = PROJECT_ROOT / ".leercoach" / "pseudonym.key"
MIN_KEY_LENGTH = 32


class MissingKeyError(RuntimeError):
    """No pseudonym key is configured: the server must not start."""


def require_configured_key() -> str:
    """The key from ``LEERCOACH_PSEUDONYM_KEY``; production start-up calls this and stops without it."""
    key = settings.pseudonym_key()
    if not key:
        raise MissingKeyError(
            f"{KEY_VARIABLE} is niet gezet. Zonder deze sleutel kan Leercoach geen schuilnamen maken "
            f"voor gebruikers-id's. Maak er een met: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if len(key) < MIN_KEY_LENGTH:
        raise MissingKeyError(f"{KEY_VARIABLE} is te kort: gebruik minstens {MIN_KEY_LENGTH} tekens.")
    return key


def ensure_local_key(path: Path = LOCAL_KEY_FILE) -> Path:
    """Creates the local key of a first run (once; never overwritten, or every id would change)."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    return path


@lru_cache(maxsize=1)
def _key() -> bytes:
    if settings.pseudonym_key():
        return require_configured_key().encode()
    if LOCAL_KEY_FILE.exists():
        return LOCAL_KEY_FILE.read_text(encoding="utf-8").strip().encode()
    raise MissingKeyError(
        f"Geen sleutel voor schuilnamen: zet {KEY_VARIABLE}, of start Leercoach met `make run` "
        f"(dat maakt een lokale sleutel in {LOCAL_KEY_FILE.parent})."
    )


def check_key() -> None:
    """Raises MissingKeyError now (at start-up) rather than at the first message."""
    _key()


def pseudonym(channel: str, platform_user_id: str, shared_place: Optional[str] = None) -> str:
    """The conversation id for a platform user: 32 hex characters, the same on every server.

    ``shared_place`` (a Slack channel, a Teams group chat) makes the user's conversation there
    one of its own, apart from their direct one (leercoach.privacy.conversation_kind)."""
    parts = [channel, platform_user_id] + ([shared_place] if shared_place is not None else [])
    message = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:32]
