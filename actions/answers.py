"""Answers every catalogue topic from the content files (one action, one source of texts)."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._replies import send
from leercoach import catalogue
from leercoach.answering import main_topic_buttons, render_topic
from leercoach.content import message


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        key = tracker.get_intent_of_latest_message(skip_fallback_intent=False)
        if not key or not catalogue.is_topic(key):
            # Reached only through a rule mistake; still give the person a way on.
            dispatcher.utter_message(text=message("fallback"), buttons=main_topic_buttons())
            return []
        return send(render_topic(key), dispatcher)
