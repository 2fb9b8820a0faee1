"""Coaching actions: from a development goal to a personal plan, one step per turn.

All state lives in slots (the tracker store), so any action server can answer any turn.
The logic and every Dutch text sit in ``leercoach.coaching``; these classes only read the
tracker, call those functions and turn the result into messages and events.

Flow: action_coaching_start -> coaching_form (six questions, validate_coaching_form)
-> action_coaching_questions_done (ranks the routes, shows the best) -> action_route_feedback
(one route per turn) -> the plan. Interruptions: see data/rules/coaching.yml.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions._direct import refused_where_others_read
from actions._replies import send
from leercoach import catalogue
from leercoach.answering import render_topic
from leercoach.coaching import questions
from leercoach.coaching.data import load, text
from leercoach.coaching.goal import GoalAnalysis, analyse_goal, goal_in_first_message, goal_problem, tidy
from leercoach.coaching.goal import pipeline as goal_pipeline
from leercoach.coaching.payload import entity_value
from leercoach.coaching.plan import build_plan, is_plan, no_route_message, plan_message
from leercoach.coaching.ranking import ANSWER_FACTORS, RouteScore, rank_routes
from leercoach.coaching.takeaway import widget_payload
from leercoach.coaching.walk import (
    CHOICES,
    all_routes_message,
    more_message,
    named_route,
    offers_the_plan,
    plan_offer_buttons,
    route_buttons,
    route_edit,
    route_message,
    typed_choice,
)
from leercoach.privacy.redaction import redact

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

CONTEXT_SLOTS = ("last_list", "last_topic")  # set by a knowledge answer (actions/_replies.py)
QUESTIONS = questions.question_order()  # coaching_goal, time_per_week, social, ...
RUN_SLOTS = [GOAL, ANALYSIS, *ANSWER_FACTORS, RANKING, CHOSEN, REJECTED, REDO]
# Actions that may run between a person's message and the form's reading of it.
FORM_MACHINERY = {"action_listen", "action_extract_slots", FORM, f"validate_{FORM}", "action_session_start"}


# Load the Dutch pipeline when the action server starts, not inside the first person's turn
# (reading a goal uses it; loading takes seconds).
goal_pipeline()


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
    dispatcher: CollectingDispatcher, ranking: List[RouteScore], index: int, goal: GoalAnalysis
) -> None:
    score = ranking[index]
    dispatcher.utter_message(
        text=route_message(score, index + 1, len(ranking), goal), buttons=route_buttons(score.key)
    )


def _send_plan(dispatcher: CollectingDispatcher, plan: Dict[str, Any]) -> None:
    """The plan once, as text with its buttons, and beside it the payload for the widget's
    plan buttons (agenda, print, copy, mail); other channels show only the text."""
    dispatcher.utter_message(text=plan_message(plan), buttons=_plan_buttons())
    dispatcher.utter_message(json_message=widget_payload(plan))


def _last_bot_payloads(tracker: Tracker) -> List[str]:
    """The button payloads of the last message the coach sent."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return [b.get("payload", "") for b in (event.get("data") or {}).get("buttons") or []]
    return []


def _text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _restore_from_plan(tracker: Tracker) -> Dict[str, Any]:
    """The run slots of the saved plan, for changing one part of it after a stop or a new session."""
    plan = _plan(tracker)
    if plan is None or tracker.get_slot(GOAL):
        return {}
    values: Dict[str, Any] = {GOAL: plan["goal"], ANALYSIS: plan.get("goal_analysis")}
    values.update({k: v for k, v in (plan.get("answers") or {}).items() if k in ANSWER_FACTORS})
    return values


# In a channel or group chat, where others read along, the plan is not made, shown or changed
# (actions/_direct.py). The rules run the questions form after the start and after a change:
# listening instead keeps it from asking the first question.
def _no_questions_here() -> List[EventType]:
    return [FollowupAction("action_listen")]


# --- start and questions ------------------------------------------------------------


def _number_word(number: int) -> str:
    words = load("texts")["start"]["number_words"]
    return str(words[number]) if number < len(words) else str(number)


class ActionCoachingStart(Action):
    """Says what will happen; the form asks the first question right after.

    A goal in the same message ("help me een plan maken, ik wil Excel leren") is kept, so the
    form does not ask for it again."""

    def name(self) -> Text:
        return "action_coaching_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if refused_where_others_read(dispatcher, tracker):
            return _no_questions_here()
        dispatcher.utter_message(text=text("start", "intro", question_count=_number_word(len(QUESTIONS))))
        if _plan(tracker):
            dispatcher.utter_message(text=text("start", "restart"))
        events = _reset_run() + [SlotSet(REQUESTED, None), SlotSet(PHASE, "questions")]
        message = _text(tracker)
        goal = goal_in_first_message(redact(message).text) if not message.startswith("/") else None
        if goal:
            analysis = analyse_goal(goal)
            dispatcher.utter_message(text=text("start", "goal_taken", goal=analysis.display))
            events += [SlotSet(GOAL, tidy(goal)), SlotSet(ANALYSIS, analysis.to_slot())]
        return events


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
        buttons.append(_button("stop", "/stop_coaching"))
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


# --- the walk through the routes ----------------------------------------------------------


def _finish(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    ranking: List[RouteScore],
    chosen: List[str],
    after_walk: bool = True,
) -> List[EventType]:
    """Makes the plan. Nothing chosen while changing a plan: the plan keeps its routes (minus
    the ones just turned down), so "klaar" never throws an edit or a plan away."""
    previous = _plan(tracker)
    if not chosen and previous and not previous.get("suggested"):
        rejected = set(tracker.get_slot(REJECTED) or [])
        chosen = [k for k in previous["routes"] if k not in rejected]
    chosen = [s.key for s in ranking if s.key in chosen]
    plan = build_plan(_goal(tracker), _answers(tracker), ranking, chosen, today())
    if plan["suggested"] and after_walk:
        dispatcher.utter_message(text=no_route_message(plan))
    _send_plan(dispatcher, plan)
    return [SlotSet(PLAN, plan), SlotSet(PHASE, "done"), SlotSet(REDO, None)]


def _asks_for_the_plan(tracker: Tracker) -> bool:
    """During the walk, 'ik ben klaar' or 'maak mijn plan' (whatever NLU called it)."""
    return tracker.get_slot(PHASE) == "routes" and typed_choice(_text(tracker)) == "skip"


def _finish_walk(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    return _finish(dispatcher, tracker, _ranking(tracker), list(tracker.get_slot(CHOSEN) or []))


def _start_walk(dispatcher: CollectingDispatcher, tracker: Tracker, intro: str) -> List[EventType]:
    ranking = rank_routes(_answers(tracker), _goal(tracker))
    dispatcher.utter_message(text=intro)
    _present_route(dispatcher, ranking, 0, _goal(tracker))
    return [
        SlotSet(RANKING, [s.key for s in ranking]),
        SlotSet(CHOSEN, []),
        SlotSet(REJECTED, []),
        SlotSet(PHASE, "routes"),
    ]


class ActionCoachingQuestionsDone(Action):
    """All answers are in: rank the routes and show the best, or redo a changed plan."""

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


def _walk_choice(tracker: Tracker) -> Optional[str]:
    """What a message during the walk means: a button's choice, else the typed words, else the
    intent (affirm, deny, ...). After the offer to make the plan, "ja" means: make it."""
    chosen = _entity(tracker, "route_choice", (*CHOICES, "continue"))
    if chosen:
        return chosen
    by_intent = {"affirm": "fit", "deny": "not_fit", "tell_more": "more", "next_item": "not_fit"}
    choice = typed_choice(_text(tracker)) or by_intent.get(_latest_intent(tracker) or "")
    offered = any('"route_choice":"continue"' in p for p in _last_bot_payloads(tracker))
    if offered and choice in ("fit", "not_fit"):
        return "skip" if choice == "fit" else "continue"
    return choice


class ActionRouteFeedback(Action):
    """A message during the walk (typed or a button), or a route named once the plan is done.

    Walk: past bij mij / niet voor mij / vertel meer / sla de rest over / alle routes, also
    typed ("doe maar de volgende", "ik ben klaar"); a named route with a choice word
    ("werkplekleren niet") is about that route; a question about a route is answered and the
    walk goes on where it was. Plan done: "haal zelfstudie eruit" changes the plan; a plain
    question about a route gets its answer."""

    def name(self) -> Text:
        return "action_route_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        phase = tracker.get_slot(PHASE)
        if phase == "routes":
            return self._walk(dispatcher, tracker)
        intent = _latest_intent(tracker) or ""
        plan = _plan(tracker)
        if phase == "done" and plan:
            edit = route_edit(_text(tracker), intent)
            if edit is not None:
                return _edit_plan(dispatcher, tracker, plan, *edit)
        if catalogue.is_topic(intent):
            return send(render_topic(intent), dispatcher)
        if phase == "done" and plan:
            dispatcher.utter_message(
                text=text("walk", "plan_already_done"),
                buttons=[_button("change_routes", "/change_routes"), _button("show_plan", "/show_plan")],
            )
        else:
            dispatcher.utter_message(text=text("walk", "no_walk"), buttons=[_start_button()])
        return []

    def _walk(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        ranking = _ranking(tracker)
        keys = [s.key for s in ranking]
        goal = _goal(tracker)
        chosen = list(tracker.get_slot(CHOSEN) or [])
        rejected = list(tracker.get_slot(REJECTED) or [])
        current = _current_route(ranking, chosen + rejected)
        intent = _latest_intent(tracker)
        choice = _walk_choice(tracker)
        route = _entity(tracker, "route", keys)
        if route is None and (choice is None or intent in keys or named_route(_text(tracker))):
            edit = route_edit(_text(tracker), intent)
            if edit is not None:
                choice, route = ("fit" if edit[0] == "add" else "not_fit"), edit[1]
            elif intent in keys:
                # a question about a route: the answer, then on with the walk where it was
                events = send(render_topic(intent), dispatcher)
                if current is not None:
                    _present_route(dispatcher, ranking, current, goal)
                return events
        if route not in keys:
            route = keys[current] if current is not None else None

        if choice == "skip" or current is None:
            return _finish(dispatcher, tracker, ranking, chosen)
        if choice == "more":
            score = ranking[keys.index(route)]
            dispatcher.utter_message(
                text=more_message(score), buttons=route_buttons(score.key, with_more=False)
            )
            return []
        if choice in ("all", "continue"):
            lead = all_routes_message(ranking) if choice == "all" else text("walk", "resumed")
            dispatcher.utter_message(text=lead)
            _present_route(dispatcher, ranking, current, goal)
            return []
        if choice not in ("fit", "not_fit"):
            dispatcher.utter_message(text=text("walk", "typed_unclear"))
            _present_route(dispatcher, ranking, current, goal)
            return []

        already_offered = len(chosen) >= int(load("texts")["walk"]["enough_count"])
        chosen = [k for k in chosen if k != route]
        rejected = [k for k in rejected if k != route]
        (chosen if choice == "fit" else rejected).append(route)
        events: List[EventType] = [SlotSet(CHOSEN, chosen), SlotSet(REJECTED, rejected)]
        following = _current_route(ranking, chosen + rejected)
        if following is None:
            return events + _finish(dispatcher, tracker, ranking, chosen)
        if choice == "fit" and offers_the_plan(len(chosen), already_offered):
            dispatcher.utter_message(
                text=text("walk", "enough_offer", count=len(chosen)),
                buttons=plan_offer_buttons(keys[following]),
            )
            return events
        _present_route(dispatcher, ranking, following, goal)
        return events


def _edit_plan(
    dispatcher: CollectingDispatcher, tracker: Tracker, plan: Dict[str, Any], action: str, route: str
) -> List[EventType]:
    """'haal zelfstudie eruit' / 'mentorschap erbij' on a finished plan: the new plan at once.
    Dropping the last route leaves the plan as it is (a plan needs a route)."""
    routes = [k for k in plan["routes"] if k != route] + ([route] if action == "add" else [])
    if not routes:
        routes = list(plan["routes"])
    key = "edited_add" if action == "add" else "edited_drop"
    dispatcher.utter_message(text=text("walk", key, route=catalogue.topic(route).title))
    goal = GoalAnalysis.from_slot(plan.get("goal_analysis"), plan["goal"])
    answers = {f: (plan.get("answers") or {}).get(f) for f in ANSWER_FACTORS}
    ranking = rank_routes(answers, goal)
    new_plan = build_plan(goal, answers, ranking, [s.key for s in ranking if s.key in routes], today())
    _send_plan(dispatcher, new_plan)
    return [SlotSet(PLAN, new_plan), SlotSet(PHASE, "done")]


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
        if phase == "routes":
            # the walk simply goes on where it was: the route card again
            ranking = _ranking(tracker)
            current = _current_route(ranking, _reviewed(tracker))
            if current is not None:
                dispatcher.utter_message(text=text("walk", "resumed"))
                _present_route(dispatcher, ranking, current, _goal(tracker))
                return []
        missing = next((q for q in QUESTIONS if tracker.get_slot(q) is None), QUESTIONS[0])
        where = questions.question(missing)["topic"]
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
                return _finish(dispatcher, tracker, ranking, list(tracker.get_slot(CHOSEN) or []))
            dispatcher.utter_message(text=text("pause", "resumed_routes"))
            _present_route(dispatcher, ranking, current, _goal(tracker))
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
        if _asks_for_the_plan(tracker):
            return _finish_walk(dispatcher, tracker)  # "ik ben klaar" during the walk: make the plan
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
        if refused_where_others_read(dispatcher, tracker):
            return []
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
        if refused_where_others_read(dispatcher, tracker):
            return _leave_form(tracker)
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
        if refused_where_others_read(dispatcher, tracker):
            return _leave_form(tracker) + _no_questions_here()
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


class ActionCoachingKeepPlan(Action):
    """'Hoe bewaar / print / mail ik mijn plan?': how, and the plan again (with its buttons)."""

    def name(self) -> Text:
        return "action_coaching_keep_plan"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if refused_where_others_read(dispatcher, tracker):
            return []
        plan = _plan(tracker)
        if plan is None:
            key = "none_yet_in_progress" if tracker.get_slot(PHASE) in ("questions", "routes") else "none_yet"
            buttons = [] if key == "none_yet_in_progress" else [_start_button()]
            dispatcher.utter_message(text=text("plan", key), buttons=buttons)
            return []
        dispatcher.utter_message(text=text("plan", "keep"))
        _send_plan(dispatcher, plan)
        return []
