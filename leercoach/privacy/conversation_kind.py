"""Direct or shared: whether others read along in a conversation, and what may be said there.

A Slack DM or a personal Teams chat is *direct*; a mention in a Slack channel, a Teams group chat
or channel is *shared*. A shared place is its own conversation (the pseudonym of the user and the
place, leercoach.privacy.pseudonym), so nothing of the user's DM conversation continues there.
The channel tells the actions which kind a message came from in the message's metadata, which
the tracker store drops unwritten (leercoach.privacy.tracker_store); the actions that show or
change what is kept of a person (export, erasure, the plan, a hulpvraag to HR) answer only in a
direct conversation (:func:`is_direct`).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

METADATA_KEY = "leercoach_conversation"
DIRECT = "direct"
SHARED = "shared"
# Channels that also serve shared places: a message from them without the kind counts as shared.
CHANNELS_WITH_SHARED_PLACES = frozenset({"slack", "teams"})


def metadata(shared_place: Optional[str]) -> Dict[str, str]:
    """What the channel adds to a message: the kind only, never the place's id."""
    return {METADATA_KEY: SHARED if shared_place is not None else DIRECT}


def is_direct(input_channel: Optional[str], message_metadata: Any) -> bool:
    """Whether only the person reads this conversation. The widget and REST are always direct;
    Slack and Teams only when their channel said so (a message without the kind: not direct)."""
    kind = message_metadata.get(METADATA_KEY) if isinstance(message_metadata, dict) else None
    if kind in (DIRECT, SHARED):
        return kind == DIRECT
    return input_channel not in CHANNELS_WITH_SHARED_PLACES
