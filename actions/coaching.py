"""Coaching actions: from a development goal to a personal plan, one step per turn.

All state lives in slots (the tracker store), so any action server can answer any turn. Each
action reads the slots into a ``CoachingState``, calls one function of leercoach.coaching.flow
(the state machine, with every decision and text) and sends its outcome: the messages, then the
slot events. The questions form is actions/coaching_form.py.

Flow: action_coaching_start -> coaching_form (six questions, validate_coaching_form)
-> action_coaching_questions_done (ranks the routes, shows the best) -> action_route_feedback
(one route per turn) -> the plan. Interruptions: see data/rules/coaching.yml.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._direct import refused_where_others_read
from actions._forms import leave_form
from actions._replies import send
from actions.coaching_form import ASK_ACTIONS, ValidateCoachingForm  # noqa: F401 (the form's actions)
from leercoach.answering import Reply
from leercoach.coaching import flow
from leercoach.coaching.flow import QUESTIONS, RUN_SLOTS  # noqa: F401 (named here in the tests)
from leercoach.coaching.goal import pipeline as goal_pipeline
from leercoach.coaching.walk import payload_choice

# Load the Dutch pipeline when the action server starts, not inside the first person's turn
# (reading a goal uses it; loading takes seconds).
goal_pipeline()


def today() -> date:
    return date.today()


def _state(tracker: Tracker) -> flow.CoachingState:
    return flow.CoachingState.from_slots(tracker.slots, tracker.active_loop.get("name"))


def _last_bot_payloads(tracker: Tracker) -> List[str]:
    """The button payloads of the last message the coach sent."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return [b.get("payload", "") for b in (event.get("data") or {}).get("buttons") or []]
    return []


def _heard(tracker: Tracker) -> flow.Heard:
    latest = tracker.latest_message
    offered = (payload_choice(p) for p in _last_bot_payloads(tracker))
    return flow.Heard(
        text=latest.get("text") or "",
        intent=(latest.get("intent") or {}).get("name"),
        entities=tuple(latest.get("entities") or ()),
        offered=tuple(choice for choice in offered if choice),
    )


def _apply(dispatcher: CollectingDispatcher, tracker: Tracker, outcome: flow.Outcome) -> List[EventType]:
    """Sends the outcome's messages; returns its events (the form left, then the slots)."""
    events: List[EventType] = leave_form(tracker, only=flow.FORM) if outcome.leave_form else []
    for said in outcome.say:
        if isinstance(said, Reply):
            events += send(said, dispatcher)
        else:
            dispatcher.utter_message(text=said.text, buttons=list(said.buttons), json_message=said.custom)
    return events + [SlotSet(slot, value) for slot, value in outcome.slots.items()]


# In a channel or group chat, where others read along, the plan is not made, shown or changed
# (actions/_direct.py). The rules run the questions form after the start and after a change:
# listening instead keeps it from asking the first question.
def _no_questions_here() -> List[EventType]:
    return [FollowupAction("action_listen")]


class CoachingAction(Action, ABC):
    """One step of the flow: ``step`` gets the state and the latest message, gives the outcome.
    Abstract, so rasa-sdk registers only the actions below."""

    action_name = ""
    private = False  # about the person: refused where others read along (actions/_direct.py)

    def name(self) -> Text:
        return self.action_name

    def refused(self, tracker: Tracker) -> List[EventType]:
        return []

    @abstractmethod
    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome: ...

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if self.private and refused_where_others_read(dispatcher, tracker):
            return self.refused(tracker)
        return _apply(dispatcher, tracker, self.step(_state(tracker), _heard(tracker)))


class ActionCoachingStart(CoachingAction):
    """Says what will happen; the form asks the first question right after."""

    action_name, private = "action_coaching_start", True

    def refused(self, tracker: Tracker) -> List[EventType]:
        return _no_questions_here()

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.start(state, heard.text)


class ActionCoachingQuestionsDone(CoachingAction):
    """All answers are in: rank the routes and show the best, or redo a changed plan."""

    action_name = "action_coaching_questions_done"

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.questions_done(state, today())


class ActionRouteFeedback(CoachingAction):
    """A message during the walk (typed or a button), or a route named once the plan is done."""

    action_name = "action_route_feedback"

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.route_feedback(state, heard, today())


class ActionCoachingOfferResume(CoachingAction):
    """After an answer to something else: offer to go on where the person was."""

    action_name = "action_coaching_offer_resume"

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.offer_resume(state, heard.intent)


class ActionCoachingResume(CoachingAction):
    """'Ga verder': back to the question or route the person was at, or the plan when it is done."""

    action_name = "action_coaching_resume"

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.resume(state, today())


class ActionCoachingStop(CoachingAction):
    """'Stop': leave the coaching cleanly. A finished plan stays; a half-done run is dropped."""

    action_name = "action_coaching_stop"

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.stop(state, heard, today())


class ActionCoachingShowPlan(CoachingAction):
    """'Wat was mijn plan?'"""

    action_name, private = "action_coaching_show_plan", True

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.show_plan(state)


class ActionCoachingChangePlan(CoachingAction):
    """'Pas mijn plan aan': which part?"""

    action_name, private = "action_coaching_change_plan", True

    def refused(self, tracker: Tracker) -> List[EventType]:
        return leave_form(tracker, only=flow.FORM)

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.change_menu(state)


class ActionCoachingChangePart(CoachingAction):
    """Clears the part to change; the form asks it again (goal, preferences) or the walk restarts."""

    action_name, private = "action_coaching_change_part", True

    def refused(self, tracker: Tracker) -> List[EventType]:
        return leave_form(tracker, only=flow.FORM) + _no_questions_here()

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.change_part(state, heard.intent)


class ActionCoachingKeepPlan(CoachingAction):
    """'Hoe bewaar / print / mail ik mijn plan?': how, and the plan again (with its buttons)."""

    action_name, private = "action_coaching_keep_plan", True

    def step(self, state: flow.CoachingState, heard: flow.Heard) -> flow.Outcome:
        return flow.keep_plan(state)
