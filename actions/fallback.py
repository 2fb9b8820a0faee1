"""What Leercoach says when a message is not a question it can answer: not understood, English,
unsure about an on-topic question, off-topic (with where to go), or a complaint."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions._replies import just_said
from actions.answers import say_english_first
from leercoach import catalogue, content, settings
from leercoach.answering import button, main_topic_buttons
from leercoach.answering.fallback import (
    clarification_candidates,
    closest_topics,
    fresh_variant,
    off_topic_destination,
)
from leercoach.answering.language import is_gibberish
from leercoach.content import message


def not_understood(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Keyboard mash, emoji only, no words: "not understood" (not off-topic, not unsure)."""
    if not is_gibberish(tracker.latest_message.get("text") or ""):
        return False
    text = fresh_variant(content.variants("not_understood"), just_said(tracker))
    dispatcher.utter_message(text=text, buttons=main_topic_buttons())
    return True


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if tracker.get_intent_of_latest_message(skip_fallback_intent=False) != "nlu_fallback":
            # Core fallback (no rule fits the conversation): forget the turn, as Rasa's own
            # default fallback does, so the policies wait for the next message instead of
            # predicting this action again and again. The message stays in the tracker store.
            dispatcher.utter_message(text=message("fallback"), buttons=main_topic_buttons())
            return [UserUtteranceReverted()]
        if say_english_first(dispatcher, tracker) or not_understood(dispatcher, tracker):
            return []
        ranking = tracker.latest_message.get("intent_ranking") or []
        said = just_said(tracker)
        thresholds = settings.fallback_thresholds()
        candidates = clarification_candidates(ranking, thresholds.threshold, thresholds.ambiguity_threshold)
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
            return []
        # A real question, but not sure which topic: the closest ones, warmly; never the service desk.
        closest = closest_topics(ranking) or ["wat_is_leercultuur", "werknemer_ontwikkelen", "start_coaching"]
        dispatcher.utter_message(
            text=fresh_variant(content.variants("unsure"), said),
            buttons=[button(k) for k in closest] + [button("capabilities", message("clarify_neither"))],
        )
        return []


class ActionOffTopic(Action):
    """Off-topic: a short answer, and where to go when that is known (HR, the service desk)."""

    def name(self) -> Text:
        return "action_off_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if say_english_first(dispatcher, tracker) or not_understood(dispatcher, tracker):
            return []
        destination = off_topic_destination(tracker.latest_message.get("text") or "")
        texts = content.variants(f"off_topic_{destination}", **settings.text_values())
        if destination == "other":
            texts = [content.answer("out_of_scope")["text"].strip(), *texts]
        dispatcher.utter_message(text=fresh_variant(texts, just_said(tracker)), buttons=main_topic_buttons())
        return []


class ActionComplaint(Action):
    def name(self) -> Text:
        return "action_complaint"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        text = fresh_variant(content.variants("complaint"), just_said(tracker))
        dispatcher.utter_message(text=text, buttons=main_topic_buttons())
        return []
