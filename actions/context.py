"""Resolves references to the last list shown: "de tweede", "en de volgende?", "vertel meer"."""

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions._replies import asks_feedback, send
from leercoach import catalogue
from leercoach.answering import (
    OVERVIEW_OF_LIST,
    has_more,
    main_topic_buttons,
    render_more,
    render_no_more,
    render_topic,
)
from leercoach.answering.references import list_position
from leercoach.content import message
from leercoach.dialogue import slots


class ActionResolveReference(Action):
    def name(self) -> Text:
        return "action_resolve_reference"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = tracker.get_intent_of_latest_message()
        last_list: Optional[str] = tracker.get_slot(slots.LAST_LIST)
        last_topic: Optional[str] = tracker.get_slot(slots.LAST_TOPIC)

        if intent == "tell_more" and has_more(last_topic):
            if tracker.get_slot(slots.MORE_SHOWN) == last_topic:
                # "Vertel meer" again: say there is no more instead of repeating the paragraph.
                return send(render_no_more(last_topic), dispatcher)
            return send(render_more(last_topic), dispatcher, offer_feedback=asks_feedback(tracker))
        if last_list not in catalogue.LIST_GROUPS:
            dispatcher.utter_message(text=message("no_list"), buttons=main_topic_buttons())
            return []

        items = [t.key for t in catalogue.topics_in(last_list)]
        if intent == "refer_list_item":
            position = list_position(tracker.latest_message.get("text") or "", len(items))
        else:  # next_item, or "vertel meer" right after an overview: walk on through the list
            position = items.index(last_topic) + 2 if last_topic in items else 1

        if position is None or not 1 <= position <= len(items):
            text = (
                message("end_of_list") if intent == "next_item" else message("out_of_range", count=len(items))
            )
            overview = OVERVIEW_OF_LIST[last_list]
            dispatcher.utter_message(text=text, buttons=render_topic(overview).messages[0]["buttons"])
            return []
        return send(
            render_topic(items[position - 1], tracker.get_slot(slots.AUDIENCE)),
            dispatcher,
            offer_feedback=asks_feedback(tracker),
        )
