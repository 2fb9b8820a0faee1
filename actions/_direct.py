"""The one rule for what is said only in a direct conversation (leercoach.privacy.conversation_kind).

Export, erasure, the plan and a hulpvraag to HR are about the person: in a Slack channel or a
Teams group chat, where others read along, those actions send one line that asks to continue in
a private chat, and nothing else.
"""

from typing import Any, Dict

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from leercoach.content import privacy_message
from leercoach.privacy.conversation_kind import is_direct


def _latest_metadata(tracker: Tracker) -> Dict[str, Any]:
    """The channel's metadata of the message being answered (in memory: the store drops it)."""
    latest = next((e for e in reversed(tracker.events) if e.get("event") == "user"), {})
    return latest.get("metadata") or tracker.latest_message.get("metadata") or {}


def in_direct_conversation(tracker: Tracker) -> bool:
    return is_direct(tracker.get_latest_input_channel(), _latest_metadata(tracker))


def refused_where_others_read(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """True (the line is sent, the caller answers nothing more) when the conversation is shared."""
    if in_direct_conversation(tracker):
        return False
    dispatcher.utter_message(text=privacy_message("private_only", "line"))
    return True
