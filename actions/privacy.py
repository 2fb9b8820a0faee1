"""The employee's own data in the chat: see or download it, and erase it (in a direct
conversation only, actions/_direct.py)."""

from functools import lru_cache
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._direct import refused_where_others_read
from actions._forms import leave_form
from leercoach.coaching.flow import CoachingState
from leercoach.content import privacy_message
from leercoach.privacy import audit
from leercoach.privacy.erasure import PAYLOAD_KEY, erasure_payload
from leercoach.privacy.export import build_export, filename, summary, transcript
from leercoach.privacy.store import conversation_events, engine_from_endpoints
from leercoach.widget import protocol

# Channels that show a download (the intranet widget); elsewhere the transcript is a message.
DOWNLOAD_CHANNELS = {protocol.WIDGET_CHANNEL}
EXPORT_MARK = protocol.CONVERSATION_EXPORT


@lru_cache(maxsize=1)
def _store():
    return engine_from_endpoints()


class ActionAskErasure(Action):
    def name(self) -> Text:
        return "action_ask_erasure"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if refused_where_others_read(dispatcher, tracker):
            return []
        dispatcher.utter_message(
            text=privacy_message("erasure", "confirm"),
            buttons=[
                {"title": privacy_message("erasure", "confirm_yes"), "payload": "/affirm"},
                {"title": privacy_message("erasure", "confirm_no"), "payload": "/deny"},
            ],
        )
        return leave_form(tracker)


class ActionEraseConversation(Action):
    """Replies with the erasure mark; the tracker store deletes the whole conversation when it
    saves this turn (see leercoach.privacy.tracker_store), and the widget starts a new id."""

    def name(self) -> Text:
        return "action_erase_conversation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if refused_where_others_read(dispatcher, tracker):  # no mark: nothing is erased
            return []
        dispatcher.utter_message(text=privacy_message("erasure", "done"), json_message=erasure_payload())
        return []


class ActionCancelErasure(Action):
    def name(self) -> Text:
        return "action_cancel_erasure"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        paused = CoachingState.from_slots(tracker.slots).in_progress
        dispatcher.utter_message(
            text=privacy_message("erasure", "cancelled_resume" if paused else "cancelled")
        )
        return []


class ActionExportConversation(Action):
    def name(self) -> Text:
        return "action_export_conversation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if refused_where_others_read(dispatcher, tracker):
            return []
        engine = _store()
        export = build_export(tracker.sender_id, conversation_events(engine, tracker.sender_id))
        dispatcher.utter_message(text=summary(export))
        if export.turns:
            text = transcript(export)
            if tracker.get_latest_input_channel() in DOWNLOAD_CHANNELS:
                dispatcher.utter_message(
                    text=privacy_message("export", "download_intro"),
                    json_message={PAYLOAD_KEY: EXPORT_MARK, "filename": filename(), "content": text},
                )
            else:
                dispatcher.utter_message(text=f"{privacy_message('export', 'message_intro')}\n\n{text}")
        # Which conversation is not recorded, as for a self-service erasure: the row outlives it.
        audit.record(engine, "export", actor=audit.EMPLOYEE, count=len(export.turns))
        return []
