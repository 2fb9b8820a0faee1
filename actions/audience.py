"""Who Leercoach talks with (slot `audience`), and an honest answer to a manager's team questions."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._replies import asks_feedback, send
from leercoach import content
from leercoach.answering import button, main_topic_buttons, render_topic
from leercoach.answering.audience import EMPLOYEE, MANAGER, has_manager_version
from leercoach.content import message
from leercoach.dialogue import slots


def manager_buttons() -> List[dict]:
    """What Leercoach offers a manager: conversation starters, the dragers as a checklist, an own plan."""
    return [
        {"title": message("team_starters_button"), "payload": "/team_starters"},
        button("leercultuur_stimuleren", message("checklist_button")),
        button("start_coaching", message("own_plan_button")),
    ]


def _as_manager() -> List[Dict[Text, Any]]:
    return [SlotSet(slots.AUDIENCE, MANAGER), SlotSet(slots.AUDIENCE_ASKED, True)]


class ActionSetAudience(Action):
    """ "Ik ben leidinggevende" / "ik ben medewerker": remembered, and the last answer given again
    in the right version when it differs."""

    def name(self) -> Text:
        return "action_set_audience"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        audience = MANAGER if tracker.get_intent_of_latest_message() == "i_am_manager" else EMPLOYEE
        events = [SlotSet(slots.AUDIENCE, audience), SlotSet(slots.AUDIENCE_ASKED, True)]
        last_topic = tracker.get_slot(slots.LAST_TOPIC)
        if audience == MANAGER:
            dispatcher.utter_message(text=content.conversation("manager_noted"))
            if has_manager_version(last_topic):
                return events + send(
                    render_topic(last_topic, MANAGER), dispatcher, offer_feedback=asks_feedback(tracker)
                )
            dispatcher.utter_message(text=content.conversation("manager_offer"), buttons=manager_buttons())
            return events
        dispatcher.utter_message(text=content.conversation("employee_noted"), buttons=main_topic_buttons())
        return events


class ActionTeamPlan(Action):
    """ "Kun je een plan voor mijn team maken?": what Leercoach can and cannot do for a manager."""

    def name(self) -> Text:
        return "action_team_plan"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=content.conversation("team_plan"), buttons=manager_buttons())
        return _as_manager()


class ActionTeamStarters(Action):
    def name(self) -> Text:
        return "action_team_starters"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(text=content.conversation("team_starters"), buttons=manager_buttons()[1:])
        return _as_manager()
