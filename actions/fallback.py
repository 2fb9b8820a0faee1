"""What Leercoach says when it is not sure what was meant."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from leercoach import catalogue, settings
from leercoach.answering import button, main_topic_buttons
from leercoach.answering.fallback import clarification_candidates
from leercoach.content import message


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        thresholds = settings.fallback_thresholds()
        candidates = clarification_candidates(
            tracker.latest_message.get("intent_ranking") or [],
            thresholds.threshold,
            thresholds.ambiguity_threshold,
        )
        if candidates:
            first, second = (catalogue.topic(k) for k in candidates)
            dispatcher.utter_message(
                text=message("clarify", first=first.title, second=second.title),
                buttons=[
                    button(first.key),
                    button(second.key),
                    button("capabilities", message("clarify_neither")),
                ],
            )
        else:
            dispatcher.utter_message(text=message("fallback"), buttons=main_topic_buttons())
        if tracker.get_intent_of_latest_message(skip_fallback_intent=False) != "nlu_fallback":
            # Core fallback (no rule fits the conversation): forget the turn, as Rasa's own
            # default fallback does, so the policies wait for the next message instead of
            # predicting this action again and again. The message stays in the tracker store.
            return [UserUtteranceReverted()]
        return []
