"""Answers every catalogue topic from the content files (one action, one source of texts),
in the version for the person's audience, and explains the words the answers use."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._replies import asks_feedback, just_said, send
from leercoach import catalogue, content
from leercoach.answering import button, main_topic_buttons, render_topic
from leercoach.answering.audience import audience_in, has_manager_version
from leercoach.answering.fallback import fresh_variant
from leercoach.answering.language import is_english
from leercoach.answering.terms import term_in
from leercoach.content import message
from leercoach.dialogue import slots


def audience_buttons() -> List[dict]:
    return [
        {"title": message("audience_manager_button"), "payload": "/i_am_manager"},
        {"title": message("audience_employee_button"), "payload": "/i_am_employee"},
    ]


def say_english_first(dispatcher: CollectingDispatcher, tracker: Tracker, then_help: bool = True) -> bool:
    """An English message gets one English sentence that Leercoach speaks Dutch, then (unless an
    answer follows) the invitation in Dutch with the main topics."""
    if not is_english(tracker.latest_message.get("text") or ""):
        return False
    dispatcher.utter_message(text=fresh_variant(content.variants("english"), just_said(tracker)))
    if then_help:
        dispatcher.utter_message(text=content.conversation("english_help"), buttons=main_topic_buttons())
    return True


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
        say_english_first(dispatcher, tracker, then_help=False)
        said = audience_in(tracker.latest_message.get("text") or "")
        audience = said or tracker.get_slot(slots.AUDIENCE)
        events = [SlotSet(slots.AUDIENCE, said)] if said and said != tracker.get_slot(slots.AUDIENCE) else []
        events += send(render_topic(key, audience), dispatcher, offer_feedback=asks_feedback(tracker))
        if has_manager_version(key) and audience is None and not tracker.get_slot(slots.AUDIENCE_ASKED):
            # Asked once, and only where the answer differs for managers.
            dispatcher.utter_message(text=message("audience_question"), buttons=audience_buttons())
            events.append(SlotSet(slots.AUDIENCE_ASKED, True))
        return events


class ActionExplainTerm(Action):
    """ "Wat is intervisie?": the words the answers use (answers.yml ``terms:``)."""

    def name(self) -> Text:
        return "action_explain_term"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        key = term_in(tracker.latest_message.get("text") or "")
        if key is None:
            text = fresh_variant(content.variants("term_unknown"), just_said(tracker))
            dispatcher.utter_message(text=text, buttons=main_topic_buttons())
            return []
        term = content.terms()[key]
        topic = catalogue.topic(term["topic"])
        dispatcher.utter_message(
            text=term["text"].strip(),
            buttons=[button(topic.key, message("more_about", title=topic.title))],
        )
        return []
