"""Coaching actions: from a development goal to a personal plan, one step per turn.

All state lives in slots (the tracker store), so any action server can answer any turn.
The logic and every Dutch text sit in ``leercoach.coaching``; these classes only read the
tracker, call those functions and turn the result into messages and events.

Flow: action_coaching_start -> coaching_form (six questions, validate_coaching_form)
-> action_coaching_questions_done (ranks the routes, shows the best) -> action_route_feedback
(one route per turn) -> the plan. Interruptions: see data/rules/coaching.yml.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from leercoach.coaching import questions
from leercoach.coaching.data import load, text
from leercoach.coaching.goal import GoalAnalysis, analyse_goal, goal_problem, tidy
from leercoach.coaching.payload import entity_value
from leercoach.coaching.plan import build_plan, is_plan, no_route_message, plan_messages
from leercoach.coaching.ranking import ANSWER_FACTORS, RouteScore, rank_routes
from leercoach.coaching.walk import (
    CHOICES,
    all_routes_message,
    more_message,
    route_buttons,
    route_message,
    typed_choice,
)

FORM = "coaching_form"
GOAL = "coaching_goal"
PHASE = "coaching_phase"
ANALYSIS = "goal_analysis"
RANKING = "route_ranking"
CHOSEN = "routes_chosen"
REJECTED = "routes_rejected"
REDO = "coaching_redo"
PLAN = "coaching_plan"
REQUESTED = "requested_slot"

QUESTIONS = questions.question_order()  # coaching_goal, time_per_week, social, ...
RUN_SLOTS = [GOAL, ANALYSIS, *ANSWER_FACTORS, RANKING, CHOSEN, REJECTED, REDO]
# Actions that may run between a person's message and the form's reading of it.
FORM_MACHINERY = {"action_listen", "action_extract_slots", FORM, f"validate_{FORM}", "action_session_start"}


def today() -> date:
    return date.today()


# --- small helpers around the tracker -----------------------------------------------


def _button(label_key: str, payload: str) -> Dict[str, str]:
    return {"title": load("texts")["buttons"][label_key], "payload": payload}


def _start_button() -> Dict[str, str]:
    return _button("start", "/start_coaching")


def _plan_buttons() -> List[Dict[str, str]]:
    return [_button("change_plan", "/change_plan"), _button("start_over", "/start_coaching")]


def _resume_buttons() -> List[Dict[str, str]]:
    return [_button("continue", "/continue_coaching"), _button("no_stop", "/stop_coaching")]


def _reset_run() -> List[EventType]:
    return [SlotSet(slot, None) for slot in RUN_SLOTS]


def _leave_form(tracker: Tracker) -> List[EventType]:
    """Ends the questions form if it runs; the answers so far stay in their slots."""
    if tracker.active_loop.get("name") == FORM:
        return [ActiveLoop(None), SlotSet(REQUESTED, None)]
    return []


def _answers(tracker: Tracker) -> Dict[str, Optional[str]]:
    return {factor: tracker.get_slot(factor) for factor in ANSWER_FACTORS}


def _goal(tracker: Tracker) -> GoalAnalysis:
    return GoalAnalysis.from_slot(tracker.get_slot(ANALYSIS), tracker.get_slot(GOAL) or "")


def _plan(tracker: Tracker) -> Optional[Dict[str, Any]]:
    plan = tracker.get_slot(PLAN)
    return plan if is_plan(plan) else None


def _ranking(tracker: Tracker) -> List[RouteScore]:
    """The routes in the order shown to this person (kept in a slot), with fresh reasons."""
    scores = {s.key: s for s in rank_routes(_answers(tracker), _goal(tracker))}
    order = [k for k in (tracker.get_slot(RANKING) or []) if k in scores]
    if len(order) != len(scores):
        return list(scores.values())
    return [scores[k] for k in order]


def _reviewed(tracker: Tracker) -> List[str]:
    return list(tracker.get_slot(CHOSEN) or []) + list(tracker.get_slot(REJECTED) or [])


def _current_route(ranking: List[RouteScore], reviewed: List[str]) -> Optional[int]:
    """Index of the first route the person has not answered yet."""
    for index, score in enumerate(ranking):
        if score.key not in reviewed:
            return index
    return None


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


def _present_route(
    dispatcher: CollectingDispatcher,
    ranking: List[RouteScore],
    index: int,
    goal: GoalAnalysis,
    chosen_count: int,
) -> None:
    score = ranking[index]
    dispatcher.utter_message(
        text=route_message(score, index + 1, len(ranking), goal, chosen_count),
        buttons=route_buttons(score.key),
    )


def _send_plan(dispatcher: CollectingDispatcher, plan: Dict[str, Any]) -> None:
    messages = plan_messages(plan)
    for message in messages[:-1]:
        dispatcher.utter_message(text=message)
    dispatcher.utter_message(text=messages[-1], buttons=_plan_buttons())


def _restore_from_plan(tracker: Tracker) -> Dict[str, Any]:
    """The run slots of the saved plan, for changing one part of it after a stop or a new session."""
    plan = _plan(tracker)
    if plan is None or tracker.get_slot(GOAL):
        return {}
    values: Dict[str, Any] = {GOAL: plan["goal"], ANALYSIS: plan.get("goal_analysis")}
    values.update({k: v for k, v in (plan.get("answers") or {}).items() if k in ANSWER_FACTORS})
    return values


# --- start and questions ------------------------------------------------------------


class ActionCoachingStart(Action):
    """Says what will happen; the form asks the first question right after."""

    def name(self) -> Text:
        return "action_coaching_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=text("start", "intro"))
        if _plan(tracker):
            dispatcher.utter_message(text=text("start", "restart"))
        return _reset_run() + [SlotSet(REQUESTED, None), SlotSet(PHASE, "questions")]


class _AskQuestion(Action, ABC):
    """Asks one of the six questions, with a button per option and one to stop."""

    @abstractmethod
    def question_slot(self) -> Text:
        """The slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.question_slot()}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        slot = self.question_slot()
        buttons = [
            {"title": option["label"], "payload": questions.option_payload(slot, option["value"])}
            for option in questions.options(slot)
        ]
        buttons.append(_button("stop", "/stop_coaching"))
        dispatcher.utter_message(text=" ".join(questions.question(slot)["text"].split()), buttons=buttons)
        return []


class ActionAskCoachingGoal(_AskQuestion):
    def question_slot(self) -> Text:
        return "coaching_goal"


class ActionAskTimePerWeek(_AskQuestion):
    def question_slot(self) -> Text:
        return "time_per_week"


class ActionAskSocial(_AskQuestion):
    def question_slot(self) -> Text:
        return "social"


class ActionAskLearningStyle(_AskQuestion):
    def question_slot(self) -> Text:
        return "learning_style"


class ActionAskCertificate(_AskQuestion):
    def question_slot(self) -> Text:
        return "certificate"


class ActionAskBudget(_AskQuestion):
    def question_slot(self) -> Text:
        return "budget"


class ValidateCoachingForm(FormValidationAction):
    """Reads each answer; leaves a question about something else to the rules (returns {}).

    Returning nothing for the requested slot makes the form reject, so the rules for that
    intent in data/rules/coaching.yml answer it and offer to continue afterwards.
    """

    def name(self) -> Text:
        return "validate_coaching_form"

    def _interrupts(self, tracker: Tracker, slot: str) -> bool:
        return questions.is_interruption(
            slot,
            _latest_intent(tracker),
            _latest_confidence(tracker),
            tracker.latest_message.get("text") or "",
        )

    # extraction: the latest message becomes a candidate answer for the requested slot

    def _goes_on(self, tracker: Tracker, slot: str, dispatcher: CollectingDispatcher) -> bool:
        """'Ga verder' with a question open: an empty answer, so the form asks it again."""
        if questions.asks_to_go_on(_latest_intent(tracker), _latest_confidence(tracker)):
            dispatcher.utter_message(text=text("pause", "resumed_questions"))
            return True
        return False

    def extract_coaching_goal(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        if not _answering(tracker, GOAL) or self._interrupts(tracker, GOAL):
            return {}
        if self._goes_on(tracker, GOAL, dispatcher):
            return {GOAL: None}
        return {GOAL: tracker.latest_message.get("text") or ""}

    def _extract_choice(
        self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher
    ) -> Dict[Text, Any]:
        if not _answering(tracker, slot):
            return {}
        if self._goes_on(tracker, slot, dispatcher):
            return {slot: None}
        value = _entity(tracker, slot, questions.option_values(slot))
        message = tracker.latest_message.get("text") or ""
        if value is None:
            value = questions.interpret(slot, message, _latest_intent(tracker))
        if value is None and self._interrupts(tracker, slot):
            return {}
        return {slot: value if value is not None else message}

    def extract_time_per_week(self, dispatcher, tracker, domain):
        return self._extract_choice("time_per_week", tracker, dispatcher)

    def extract_social(self, dispatcher, tracker, domain):
        return self._extract_choice("social", tracker, dispatcher)

    def extract_learning_style(self, dispatcher, tracker, domain):
        return self._extract_choice("learning_style", tracker, dispatcher)

    def extract_certificate(self, dispatcher, tracker, domain):
        return self._extract_choice("certificate", tracker, dispatcher)

    def extract_budget(self, dispatcher, tracker, domain):
        return self._extract_choice("budget", tracker, dispatcher)

    # validation: a friendly re-ask instead of an error

    # A slot that was merely cleared (by a start, stop or change) arrives here as None: that is
    # not an answer, so it gets no re-ask.

    def validate_coaching_goal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        if value is None:
            return {GOAL: None}
        answer = str(value)
        if answer.startswith("/"):
            problem = "goal_button"  # a button of another question: this one wants words
        else:
            problem = goal_problem(answer)
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

    def validate_time_per_week(self, value, dispatcher, tracker, domain):
        return self._validate_choice("time_per_week", value, dispatcher)

    def validate_social(self, value, dispatcher, tracker, domain):
        return self._validate_choice("social", value, dispatcher)

    def validate_learning_style(self, value, dispatcher, tracker, domain):
        return self._validate_choice("learning_style", value, dispatcher)

    def validate_certificate(self, value, dispatcher, tracker, domain):
        return self._validate_choice("certificate", value, dispatcher)

    def validate_budget(self, value, dispatcher, tracker, domain):
        return self._validate_choice("budget", value, dispatcher)


# --- the walk through the routes ----------------------------------------------------------


def _finish(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    ranking: List[RouteScore],
    chosen: List[str],
    after_walk: bool = True,
) -> List[EventType]:
    plan = build_plan(_goal(tracker), _answers(tracker), ranking, chosen, today())
    if plan["suggested"] and after_walk:
        dispatcher.utter_message(text=no_route_message(plan))
    _send_plan(dispatcher, plan)
    return [SlotSet(PLAN, plan), SlotSet(PHASE, "done"), SlotSet(REDO, None)]


def _start_walk(dispatcher: CollectingDispatcher, tracker: Tracker, intro: str) -> List[EventType]:
    ranking = rank_routes(_answers(tracker), _goal(tracker))
    dispatcher.utter_message(text=intro)
    _present_route(dispatcher, ranking, 0, _goal(tracker), 0)
    return [
        SlotSet(RANKING, [s.key for s in ranking]),
        SlotSet(CHOSEN, []),
        SlotSet(REJECTED, []),
        SlotSet(PHASE, "routes"),
    ]


class ActionCoachingQuestionsDone(Action):
    """All six answers are in: rank the routes and show the best, or redo a changed plan."""

    def name(self) -> Text:
        return "action_coaching_questions_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        plan = _plan(tracker)
        if tracker.get_slot(REDO) == "goal" and plan is not None:
            # Only the goal changed: keep the routes the person chose, renew the steps.
            ranking = rank_routes(_answers(tracker), _goal(tracker))
            chosen = [] if plan.get("suggested") else list(plan["routes"])
            dispatcher.utter_message(text=text("plan", "goal_updated"))
            return [SlotSet(RANKING, [s.key for s in ranking])] + _finish(
                dispatcher, tracker, ranking, chosen, after_walk=False
            )
        return _start_walk(dispatcher, tracker, text("walk", "intro")) + [SlotSet(REDO, None)]


class ActionRouteFeedback(Action):
    """One answer about one route: past bij mij / niet voor mij / vertel meer / sla over / alle."""

    def name(self) -> Text:
        return "action_route_feedback"

    @staticmethod
    def _choice(tracker: Tracker) -> Optional[str]:
        chosen = _entity(tracker, "route_choice", CHOICES)
        if chosen:
            return chosen
        intent = _latest_intent(tracker)
        by_intent = {"affirm": "fit", "deny": "not_fit", "tell_more": "more"}
        if intent in by_intent:
            return by_intent[intent]
        return typed_choice(tracker.latest_message.get("text") or "")

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        phase = tracker.get_slot(PHASE)
        if phase != "routes":
            if phase == "done" and _plan(tracker):
                dispatcher.utter_message(
                    text=text("walk", "plan_already_done"),
                    buttons=[_button("change_routes", "/change_routes"), _button("show_plan", "/show_plan")],
                )
            else:
                dispatcher.utter_message(text=text("walk", "no_walk"), buttons=[_start_button()])
            return []

        ranking = _ranking(tracker)
        goal = _goal(tracker)
        chosen = list(tracker.get_slot(CHOSEN) or [])
        rejected = list(tracker.get_slot(REJECTED) or [])
        current = _current_route(ranking, chosen + rejected)
        choice = self._choice(tracker)
        route = _entity(tracker, "route", [s.key for s in ranking])
        if route is None:
            route = ranking[current].key if current is not None else None

        if choice == "skip" or current is None:
            return _finish(dispatcher, tracker, ranking, [k for k in [s.key for s in ranking] if k in chosen])
        if choice == "more":
            score = next(s for s in ranking if s.key == route)
            dispatcher.utter_message(
                text=more_message(score), buttons=route_buttons(score.key, with_more=False)
            )
            return []
        if choice == "all":
            dispatcher.utter_message(text=all_routes_message(ranking))
            _present_route(dispatcher, ranking, current, goal, len(chosen))
            return []
        if choice not in ("fit", "not_fit"):
            dispatcher.utter_message(text=text("walk", "typed_unclear"))
            _present_route(dispatcher, ranking, current, goal, len(chosen))
            return []

        chosen = [k for k in chosen if k != route]
        rejected = [k for k in rejected if k != route]
        (chosen if choice == "fit" else rejected).append(route)
        events: List[EventType] = [SlotSet(CHOSEN, chosen), SlotSet(REJECTED, rejected)]
        following = _current_route(ranking, chosen + rejected)
        if following is None:
            return events + _finish(dispatcher, tracker, ranking, [s.key for s in ranking if s.key in chosen])
        _present_route(dispatcher, ranking, following, goal, len(chosen))
        return events


# --- interruptions, stop, resume ------------------------------------------------------------


class ActionCoachingOfferResume(Action):
    """After an answer to something else: offer to go on where the person was."""

    def name(self) -> Text:
        return "action_coaching_offer_resume"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        phase = tracker.get_slot(PHASE)
        if phase not in ("questions", "routes"):
            return _leave_form(tracker)
        if _latest_intent(tracker) == "human_handoff":
            dispatcher.utter_message(text=text("pause", "offer_after_handoff"))
            return _leave_form(tracker)
        if phase == "questions":
            missing = next((q for q in QUESTIONS if tracker.get_slot(q) is None), QUESTIONS[0])
            where = questions.question(missing)["topic"]
        else:
            ranking = _ranking(tracker)
            current = _current_route(ranking, _reviewed(tracker))
            title = ranking[current].title if current is not None else ranking[-1].title
            where = text("pause", "where_routes", route=title)
        dispatcher.utter_message(text=text("pause", "offer", where=where), buttons=_resume_buttons())
        return _leave_form(tracker)


class ActionCoachingResume(Action):
    """'Ga verder': back to the route the person was at, or the plan when it is done."""

    def name(self) -> Text:
        return "action_coaching_resume"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        phase = tracker.get_slot(PHASE)
        if phase == "questions":
            dispatcher.utter_message(text=text("pause", "resumed_questions"))  # the form asks next
            return [SlotSet(REQUESTED, None)]
        if phase == "routes":
            ranking = _ranking(tracker)
            current = _current_route(ranking, _reviewed(tracker))
            if current is None:
                return _finish(
                    dispatcher,
                    tracker,
                    ranking,
                    [s.key for s in ranking if s.key in (tracker.get_slot(CHOSEN) or [])],
                )
            dispatcher.utter_message(text=text("pause", "resumed_routes"))
            _present_route(dispatcher, ranking, current, _goal(tracker), len(tracker.get_slot(CHOSEN) or []))
            return []
        plan = _plan(tracker)
        if plan is not None:
            dispatcher.utter_message(text=text("resume", "plan_done"))
            _send_plan(dispatcher, plan)
            return []
        dispatcher.utter_message(text=text("resume", "no_session"), buttons=[_start_button()])
        return []


class ActionCoachingStop(Action):
    """'Stop': leave the coaching cleanly. A finished plan stays; a half-done run is dropped."""

    def name(self) -> Text:
        return "action_coaching_stop"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        in_progress = (
            tracker.get_slot(PHASE) in ("questions", "routes") or tracker.active_loop.get("name") == FORM
        )
        plan = _plan(tracker)
        if not in_progress:
            buttons = [_button("show_plan", "/show_plan")] if plan else [_start_button()]
            dispatcher.utter_message(text=text("stop", "nothing_to_stop"), buttons=buttons)
            return []
        if plan:
            dispatcher.utter_message(text=text("stop", "stopped_plan_kept"))
            phase = "done"
        else:
            dispatcher.utter_message(text=text("stop", "stopped"), buttons=[_start_button()])
            phase = None
        return _leave_form(tracker) + _reset_run() + [SlotSet(PHASE, phase)]


# --- the plan: show, change ----------------------------------------------------------------


class ActionCoachingShowPlan(Action):
    """'Wat was mijn plan?'"""

    def name(self) -> Text:
        return "action_coaching_show_plan"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        plan = _plan(tracker)
        if plan is not None:
            _send_plan(dispatcher, plan)
        elif tracker.get_slot(PHASE) in ("questions", "routes"):
            dispatcher.utter_message(text=text("plan", "none_yet_in_progress"))
        else:
            dispatcher.utter_message(text=text("plan", "none_yet"), buttons=[_start_button()])
        return []


class ActionCoachingChangePlan(Action):
    """'Pas mijn plan aan': which part?"""

    def name(self) -> Text:
        return "action_coaching_change_plan"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        buttons = [
            _button("change_goal", "/change_goal"),
            _button("change_preferences", "/change_preferences"),
        ]
        if _plan(tracker) is not None or tracker.get_slot(RANKING):
            buttons.append(_button("change_routes", "/change_routes"))
        buttons.append(_button("start_over", "/start_coaching"))
        key = "menu" if _plan(tracker) is not None else "menu_no_plan"
        dispatcher.utter_message(text=text("change", key), buttons=buttons)
        return _leave_form(tracker)


class ActionCoachingChangePart(Action):
    """Clears the part to change; the form asks it again (goal, preferences) or the walk restarts."""

    def name(self) -> Text:
        return "action_coaching_change_part"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        restored = _restore_from_plan(tracker)
        events: List[EventType] = [SlotSet(k, v) for k, v in restored.items()] + _leave_form(tracker)
        for key, value in restored.items():
            tracker.slots[key] = value
        has_plan = _plan(tracker) is not None
        intent = _latest_intent(tracker)

        if intent == "change_goal":
            return events + [
                SlotSet(GOAL, None),
                SlotSet(ANALYSIS, None),
                SlotSet(REDO, "goal" if has_plan else None),
                SlotSet(PHASE, "questions"),
            ]
        if intent == "change_preferences":
            return (
                events
                + [SlotSet(f, None) for f in ANSWER_FACTORS]
                + [
                    SlotSet(REDO, "preferences" if has_plan else None),
                    SlotSet(PHASE, "questions"),
                ]
            )
        # change_routes: walk through the routes again with the same answers
        if all(tracker.get_slot(q) for q in QUESTIONS):
            return events + _start_walk(dispatcher, tracker, text("change", "routes_again"))
        dispatcher.utter_message(text=text("change", "routes_not_ranked"), buttons=_resume_buttons())
        return events
