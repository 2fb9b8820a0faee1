"""What every input channel does with a message before Rasa sees it.

The platform's user id becomes the keyed pseudonym and the text is redacted, so the NLU, the
dialogue, the action server, the tracker store and the logs only ever see the redacted text
under the pseudonym. The raw values live only in the channel's request handler, for the reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from leercoach import content
from leercoach.privacy import redaction
from leercoach.privacy.pseudonym import pseudonym
from leercoach.privacy.redaction import redact


@dataclass(frozen=True)
class Incoming:
    sender_id: str
    text: str
    # One friendly line to send before the answer when personal data was removed, else None.
    notice: Optional[str]


def incoming(
    channel: str, platform_user_id: str, text: Optional[str], shared_place: Optional[str] = None
) -> Incoming:
    """``shared_place``: the channel or group chat of a message that others read too (its own
    conversation, leercoach.privacy.conversation_kind); None for a direct message."""
    redaction = redact(text or "")
    notice = content.pii_notice(redaction.kinds) if redaction.changed else None
    return Incoming(pseudonym(channel, platform_user_id, shared_place), redaction.text, notice)


# Channels call this at server start: the lookups load and the redaction settings are checked
# then, never at the first message.
warm_up = redaction.warm_up
