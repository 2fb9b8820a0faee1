"""'Had je hier iets aan?': the widget's 👍 / 👎 under an answer (leercoach/answering/feedback.py).

The message itself is what HR's review app counts; this action only replies, briefly, and
changes nothing else: the list context ("de tweede") and a coaching conversation go on as before.
"""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from leercoach.answering import feedback, main_topic_buttons


class ActionAnswerFeedback(Action):
    def name(self) -> Text:
        return "action_answer_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        value = feedback.value_of(tracker.latest_message.get("entities"))
        earlier = [e.get("text") or "" for e in tracker.events if e.get("event") == "bot"]
        reply = feedback.reply(value, earlier)
        if reply.custom is None:
            # Not a click on the buttons (typed, or a made-up value): a normal answer with a way on.
            dispatcher.utter_message(text=reply.text, buttons=main_topic_buttons())
        else:
            dispatcher.utter_message(text=reply.text, json_message=reply.custom)
        return []
