"""The coaching form's questions: one ask action per question and the validation that reads
each answer (typed or a button), answers a question on the side and takes a changed earlier
answer. Where the form goes next is Rasa's (data/rules/coaching.yml); the rest of the coaching is
leercoach.coaching.flow, run by actions/coaching.py.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._replies import send
from leercoach.answering import render_topic
from leercoach.coaching import questions
from leercoach.coaching.data import load, text
from leercoach.coaching.flow import FORM, QUESTIONS, button
from leercoach.coaching.goal import analyse_goal, goal_problem, tidy
from leercoach.coaching.payload import entity_value
from leercoach.dialogue import slots
from leercoach.privacy.redaction import redact

GOAL, ANALYSIS, REQUESTED = slots.COACHING_GOAL, slots.GOAL_ANALYSIS, slots.REQUESTED
CONTEXT_SLOTS = (slots.LAST_LIST, slots.LAST_TOPIC)  # set by a knowledge answer (actions/_replies.py)
# Actions that may run between a person's message and the form's reading of it.
FORM_MACHINERY = {"action_listen", "action_extract_slots", FORM, f"validate_{FORM}", "action_session_start"}


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _latest_confidence(tracker: Tracker) -> float:
    return float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)


def _entity(tracker: Tracker, name: str, allowed: Iterable[str]) -> Optional[str]:
    """A payload's entity, only when it is one of the values the buttons offer."""
    return entity_value(tracker.latest_message.get("entities") or [], name, allowed)


def _answering(tracker: Tracker, slot: str) -> bool:
    """Is the latest message a reply to the question for ``slot``?

    Not when another action (an answer to a question, a resume) already handled it:
    the form then only asks again.
    """
    if tracker.get_slot(REQUESTED) != slot:
        return False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in FORM_MACHINERY:
            return False
    return False


def _times_asked(tracker: Tracker, slot: str) -> int:
    """How often the question for ``slot`` was asked since the coaching (or a change) began."""
    count = 0
    for event in reversed(tracker.events):
        name = event.get("name") if event.get("event") == "action" else None
        if name in ("action_coaching_start", "action_coaching_change_part"):
            break
        if name == f"action_ask_{slot}":
            count += 1
    return count


class AskQuestion(Action):
    """Asks one of the questions, with a button per option and one to stop. When the goal is
    asked a second time, example goals come as buttons too (after "geen idee eigenlijk")."""

    slot = ""  # set per question below

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        buttons = [
            {"title": option["label"], "payload": questions.option_payload(self.slot, option["value"])}
            for option in questions.options(self.slot)
        ]
        if not questions.is_choice(self.slot) and _times_asked(tracker, self.slot) >= 1:
            buttons = [
                {"title": example, "payload": questions.option_payload(self.slot, example)}
                for example in questions.question(self.slot).get("examples") or []
            ]
        buttons.append(button("stop", "/stop_coaching"))
        dispatcher.utter_message(
            text=" ".join(questions.question(self.slot)["text"].split()), buttons=buttons
        )
        return []


# One ask action per question, named after its slot: the order lives only in texts.yml.
ASK_ACTIONS = {
    slot: type(f"ActionAsk{slot.title().replace('_', '')}", (AskQuestion,), {"slot": slot})
    for slot in QUESTIONS
}


class ValidateCoachingForm(FormValidationAction):
    """Reads each answer. Inside the form it also answers a question about the question
    ("waarom vraag je dat?"), a question about a topic ("wat is werkplekleren?") and takes a
    changed earlier answer ("eigenlijk liever samen"); the form then asks the open question
    again. Commands (stop, show the plan, ...) are left to the rules: returning nothing for
    the requested slot makes the form reject, and a rule in data/rules/coaching.yml answers.
    The extract_/validate_ methods per question are added below the class."""

    def name(self) -> Text:
        return "validate_coaching_form"

    async def get_validation_events(self, dispatcher, tracker, domain) -> List[EventType]:
        """The form keeps only its own slots; an answer given inside it also leaves the list
        context behind, so "vertel meer" after the questions is about that answer."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        changed = tracker.slots_to_validate()
        return events + [SlotSet(slot, changed[slot]) for slot in CONTEXT_SLOTS if slot in changed]

    def _interrupts(self, tracker: Tracker, slot: str) -> bool:
        return questions.is_interruption(
            slot, _latest_intent(tracker), _latest_confidence(tracker), _text(tracker)
        )

    def _goes_on(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
        """'Ga verder' with a question open: an empty answer, so the form asks it again."""
        if questions.asks_to_go_on(_latest_intent(tracker), _latest_confidence(tracker)):
            dispatcher.utter_message(text=text("pause", "resumed_questions"))
            return True
        return False

    def _answer_on_the_side(
        self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> Optional[Dict[Text, Any]]:
        """A side question answered here; the form then asks ``slot`` again. None: not one."""
        kind = questions.side_question(_text(tracker))
        if kind is not None:
            remaining = sum(1 for q in QUESTIONS if tracker.get_slot(q) is None) or 1
            dispatcher.utter_message(text=questions.side_answer(slot, kind, remaining))
            return {slot: None}
        intent = _latest_intent(tracker)
        if self._interrupts(tracker, slot) and questions.interrupting_intents().get(intent) == "knowledge":
            events = send(render_topic(intent), dispatcher)
            return {slot: None, **{e["name"]: e["value"] for e in events}}
        return None

    def _extract_goal(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        if not _answering(tracker, GOAL):
            return {}
        if self._goes_on(tracker, dispatcher):
            return {GOAL: None}
        example = _entity(tracker, GOAL, questions.question(GOAL).get("examples") or [])
        if example:
            return {GOAL: example}
        side = self._answer_on_the_side(GOAL, tracker, dispatcher)
        if side is not None:
            return side
        if self._interrupts(tracker, GOAL):
            return {}
        return {GOAL: _text(tracker)}

    def _extract_choice(
        self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> Dict[Text, Any]:
        if not _answering(tracker, slot):
            return {}
        if self._goes_on(tracker, dispatcher):
            return {slot: None}
        value = _entity(tracker, slot, questions.option_values(slot))
        message = _text(tracker)
        if value is None:
            value = questions.interpret(slot, message, _latest_intent(tracker))
        if value is not None:
            return {slot: value}
        changed = questions.correction(message, slot, {q: tracker.get_slot(q) for q in QUESTIONS})
        if changed is not None:
            earlier, new_value = changed
            summary = questions.summary(earlier, new_value)
            dispatcher.utter_message(text=text("reask", "changed", summary=summary))
            return {earlier: new_value, slot: None}
        side = self._answer_on_the_side(slot, tracker, dispatcher)
        if side is not None:
            return side
        if self._interrupts(tracker, slot):
            return {}
        return {slot: message}

    # A slot that was merely cleared (by a start, stop or change) arrives here as None: that is
    # not an answer, so it gets no re-ask.

    def _validate_goal(self, value: Any, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        if value is None:
            return {GOAL: None}
        # The goal goes into the plan, the calendar file and an e-mail: redacted once more here
        # (the channel already did), so no name or number can reach them.
        answer = redact(str(value)).text
        problem = "goal_button" if answer.startswith("/") else goal_problem(answer)
        if problem:
            limits = load("goal_words")["limits"]
            dispatcher.utter_message(text=text("reask", problem, max_chars=limits["max_chars"]))
            return {GOAL: None, ANALYSIS: None}
        return {GOAL: tidy(answer), ANALYSIS: analyse_goal(answer).to_slot()}

    def _validate_choice(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        if value is None:
            return {slot: None}
        if str(value) in questions.option_values(slot):
            return {slot: str(value)}
        dispatcher.utter_message(text=text("reask", "choice", example=questions.question(slot)["example"]))
        return {slot: None}


def _add_question_methods(form: type) -> None:
    """extract_<slot> and validate_<slot> for every question, as rasa-sdk looks them up."""
    for slot in QUESTIONS:
        if questions.is_choice(slot):

            def extract(self, dispatcher, tracker, domain, slot=slot):
                return self._extract_choice(slot, tracker, dispatcher)

            def validate(self, value, dispatcher, tracker, domain, slot=slot):
                return self._validate_choice(slot, value, dispatcher)

        else:

            def extract(self, dispatcher, tracker, domain):
                return self._extract_goal(tracker, dispatcher)

            def validate(self, value, dispatcher, tracker, domain):
                return self._validate_goal(value, dispatcher)

        setattr(form, f"extract_{slot}", extract)
        setattr(form, f"validate_{slot}", validate)


_add_question_methods(ValidateCoachingForm)
