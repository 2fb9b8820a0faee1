"""The coaching conversation as a state machine: the state read from the slots, one pure function
per step, each returning what to say and which slots change (an ``Outcome``). No Rasa here: the
actions (actions/coaching.py) read the tracker, call one function and send the outcome.

Phases: none -> QUESTIONS (the coaching form asks six questions) -> ROUTES (the walk through the
routes, one per turn) -> DONE (the plan is in its slot). Stop, change and resume move between
them; see data/rules/coaching.yml for which message runs which step.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from leercoach import catalogue
from leercoach.answering import Reply, render_topic
from leercoach.coaching import questions
from leercoach.coaching.data import load, text
from leercoach.coaching.goal import GoalAnalysis, analyse_goal, goal_in_first_message, tidy
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
from leercoach.dialogue import slots
from leercoach.privacy.redaction import redact


class Phase(str, Enum):
    """The value of the coaching_phase slot; no value: no coaching under way."""

    QUESTIONS = "questions"
    ROUTES = "routes"
    DONE = "done"

    @classmethod
    def of(cls, value: Any) -> Optional[Phase]:
        return cls(value) if isinstance(value, str) and value in cls._value2member_map_ else None


IN_PROGRESS = (Phase.QUESTIONS, Phase.ROUTES)


class Redo(str, Enum):
    """The coaching_redo slot: which part of a finished plan the questions are changing."""

    GOAL = "goal"
    PREFERENCES = "preferences"


QUESTIONS = questions.question_order()  # coaching_goal, time_per_week, social, ...
RUN_SLOTS = (
    slots.COACHING_GOAL,
    slots.GOAL_ANALYSIS,
    *ANSWER_FACTORS,
    slots.ROUTE_RANKING,
    slots.ROUTES_CHOSEN,
    slots.ROUTES_REJECTED,
    slots.COACHING_REDO,
)
WALK_INTENTS = {"affirm": "fit", "deny": "not_fit", "tell_more": "more", "next_item": "not_fit"}


@dataclass(frozen=True)
class CoachingState:
    """What the slots say about this person's coaching."""

    phase: Optional[Phase] = None
    goal: Optional[str] = None
    analysis: Optional[Dict[str, Any]] = None
    answers: Mapping[str, Optional[str]] = field(default_factory=dict)
    ranking: Tuple[str, ...] = ()  # the routes in the order shown
    chosen: Tuple[str, ...] = ()
    rejected: Tuple[str, ...] = ()
    redo: Optional[Redo] = None
    plan: Optional[Dict[str, Any]] = None  # only a usable plan
    form_running: bool = False  # the coaching form asks its questions

    @classmethod
    def from_slots(cls, values: Mapping[str, Any], active_form: Optional[str] = None) -> CoachingState:
        plan = values.get(slots.COACHING_PLAN)
        redo = values.get(slots.COACHING_REDO)
        return cls(
            phase=Phase.of(values.get(slots.COACHING_PHASE)),
            goal=values.get(slots.COACHING_GOAL),
            analysis=values.get(slots.GOAL_ANALYSIS),
            answers={factor: values.get(factor) for factor in ANSWER_FACTORS},
            ranking=tuple(values.get(slots.ROUTE_RANKING) or ()),
            chosen=tuple(values.get(slots.ROUTES_CHOSEN) or ()),
            rejected=tuple(values.get(slots.ROUTES_REJECTED) or ()),
            redo=Redo(redo) if isinstance(redo, str) and redo in Redo._value2member_map_ else None,
            plan=plan if is_plan(plan) else None,
            form_running=active_form == FORM,
        )

    @property
    def in_progress(self) -> bool:
        return self.phase in IN_PROGRESS

    def value(self, question: str) -> Optional[str]:
        """The answer to one of the form's questions so far."""
        return self.goal if question == slots.COACHING_GOAL else self.answers.get(question)

    def goal_analysis(self) -> GoalAnalysis:
        return GoalAnalysis.from_slot(self.analysis, self.goal or "")

    def routes(self) -> List[RouteScore]:
        """The routes in the order shown to this person (kept in a slot), with fresh reasons."""
        scores = {s.key: s for s in rank_routes(self.answers, self.goal_analysis())}
        order = [k for k in self.ranking if k in scores]
        if len(order) != len(scores):
            return list(scores.values())
        return [scores[k] for k in order]

    def current_route(self, ranking: Sequence[RouteScore]) -> Optional[int]:
        return _first_open(ranking, [*self.chosen, *self.rejected])


FORM = "coaching_form"


@dataclass(frozen=True)
class Heard:
    """The person's latest message, as far as the coaching reads it."""

    text: str = ""
    intent: Optional[str] = None
    entities: Tuple[Mapping[str, Any], ...] = ()
    offered: Tuple[str, ...] = ()  # the route choices on the buttons of the coach's last message

    def entity(self, name: str, allowed: Sequence[str]) -> Optional[str]:
        """A payload's entity, only when it is one of the values the buttons offer."""
        return entity_value(list(self.entities), name, allowed)


@dataclass(frozen=True)
class Utterance:
    text: Optional[str] = None
    buttons: Tuple[Dict[str, str], ...] = ()
    custom: Optional[Dict[str, Any]] = None  # a custom payload for the widget


Said = Utterance | Reply  # a Reply: a knowledge answer, sent as the other answers are


@dataclass(frozen=True)
class Outcome:
    """What one step says and changes: messages in order, slot values, and whether the coaching
    form stops asking (its answers so far stay)."""

    say: Tuple[Said, ...] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    leave_form: bool = False

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(
            self.say + other.say, {**self.slots, **other.slots}, self.leave_form or other.leave_form
        )


def says(message: Optional[str] = None, buttons: Sequence[Dict[str, str]] = ()) -> Outcome:
    return Outcome(say=(Utterance(message, tuple(buttons)),))


def _slots(values: Mapping[str, Any]) -> Outcome:
    return Outcome(slots=dict(values))


LEAVE_FORM = Outcome(leave_form=True)


# --- buttons and shared messages ---------------------------------------------------------


def button(label_key: str, payload: str) -> Dict[str, str]:
    return {"title": load("texts")["buttons"][label_key], "payload": payload}


def _start_button() -> Dict[str, str]:
    return button("start", "/start_coaching")


def _plan_buttons() -> List[Dict[str, str]]:
    return [button("change_plan", "/change_plan"), button("start_over", "/start_coaching")]


def _resume_buttons() -> List[Dict[str, str]]:
    return [button("continue", "/continue_coaching"), button("no_stop", "/stop_coaching")]


def _show_plan(plan: Dict[str, Any]) -> Outcome:
    """The plan once, as text with its buttons, and beside it the payload for the widget's
    plan buttons (agenda, print, copy, mail); other channels show only the text."""
    return says(plan_message(plan), _plan_buttons()) + Outcome(say=(Utterance(custom=widget_payload(plan)),))


def _present_route(ranking: Sequence[RouteScore], index: int, goal: GoalAnalysis) -> Outcome:
    score = ranking[index]
    return says(route_message(score, index + 1, len(ranking), goal), route_buttons(score.key))


def _answer(topic: str) -> Outcome:
    return Outcome(say=(render_topic(topic),))


def _first_open(ranking: Sequence[RouteScore], reviewed: Sequence[str]) -> Optional[int]:
    """Index of the first route the person has not answered yet."""
    return next((i for i, score in enumerate(ranking) if score.key not in reviewed), None)


def _reset_run() -> Outcome:
    return _slots({slot: None for slot in RUN_SLOTS})


def _phase(phase: Optional[Phase]) -> Outcome:
    return _slots({slots.COACHING_PHASE: phase.value if phase else None})


def _number_word(number: int) -> str:
    words = load("texts")["start"]["number_words"]
    return str(words[number]) if number < len(words) else str(number)


# --- start and questions --------------------------------------------------------------------


def start(state: CoachingState, message: str) -> Outcome:
    """Says what will happen (the form asks the first question right after). A goal in the same
    message ("help me een plan maken, ik wil Excel leren") is kept, so the form does not ask it."""
    outcome = says(text("start", "intro", question_count=_number_word(len(QUESTIONS))))
    if state.plan:
        outcome += says(text("start", "restart"))
    outcome += _reset_run() + _slots({slots.REQUESTED: None}) + _phase(Phase.QUESTIONS)
    goal = goal_in_first_message(redact(message).text) if not message.startswith("/") else None
    if goal:
        analysis = analyse_goal(goal)
        outcome += says(text("start", "goal_taken", goal=analysis.display))
        outcome += _slots({slots.COACHING_GOAL: tidy(goal), slots.GOAL_ANALYSIS: analysis.to_slot()})
    return outcome


def questions_done(state: CoachingState, today: date) -> Outcome:
    """All answers are in: rank the routes and show the best, or redo a changed plan."""
    if state.redo == Redo.GOAL and state.plan is not None:
        # Only the goal changed: keep the routes the person chose, renew the steps.
        ranking = rank_routes(state.answers, state.goal_analysis())
        chosen = [] if state.plan.get("suggested") else list(state.plan["routes"])
        return (
            says(text("plan", "goal_updated"))
            + _slots({slots.ROUTE_RANKING: [s.key for s in ranking]})
            + finish(state, ranking, chosen, today, after_walk=False)
        )
    return _start_walk(state, text("walk", "intro")) + _slots({slots.COACHING_REDO: None})


# --- the walk through the routes --------------------------------------------------------------


def _start_walk(state: CoachingState, intro: str) -> Outcome:
    ranking = rank_routes(state.answers, state.goal_analysis())
    return (
        says(intro)
        + _present_route(ranking, 0, state.goal_analysis())
        + _slots(
            {
                slots.ROUTE_RANKING: [s.key for s in ranking],
                slots.ROUTES_CHOSEN: [],
                slots.ROUTES_REJECTED: [],
            }
        )
        + _phase(Phase.ROUTES)
    )


def finish(
    state: CoachingState,
    ranking: Sequence[RouteScore],
    chosen: Sequence[str],
    today: date,
    after_walk: bool = True,
) -> Outcome:
    """Makes the plan. Nothing chosen while changing a plan: the plan keeps its routes (minus
    the ones just turned down), so "klaar" never throws an edit or a plan away."""
    previous = state.plan
    if not chosen and previous and not previous.get("suggested"):
        chosen = [k for k in previous["routes"] if k not in set(state.rejected)]
    chosen = [s.key for s in ranking if s.key in chosen]
    plan = build_plan(state.goal_analysis(), state.answers, list(ranking), chosen, today)
    outcome = says(no_route_message(plan)) if plan["suggested"] and after_walk else Outcome()
    return (
        outcome
        + _show_plan(plan)
        + _slots({slots.COACHING_PLAN: plan})
        + _phase(Phase.DONE)
        + _slots({slots.COACHING_REDO: None})
    )


def finish_walk(state: CoachingState, today: date) -> Outcome:
    return finish(state, state.routes(), list(state.chosen), today)


def asks_for_the_plan(state: CoachingState, heard: Heard) -> bool:
    """During the walk, 'ik ben klaar' or 'maak mijn plan' (whatever NLU called it)."""
    return state.phase == Phase.ROUTES and typed_choice(heard.text) == "skip"


def walk_choice(heard: Heard) -> Optional[str]:
    """What a message during the walk means: a button's choice, else the typed words, else the
    intent (affirm, deny, ...). After the offer to make the plan, "ja" means: make it."""
    chosen = heard.entity("route_choice", (*CHOICES, "continue"))
    if chosen:
        return chosen
    choice = typed_choice(heard.text) or WALK_INTENTS.get(heard.intent or "")
    if "continue" in heard.offered and choice in ("fit", "not_fit"):
        return "skip" if choice == "fit" else "continue"
    return choice


def walk_step(state: CoachingState, heard: Heard, today: date) -> Outcome:
    """One message during the walk: bij mij / niet voor mij / vertel meer / sla de rest over /
    alle routes, also typed; a named route with a choice word ("werkplekleren niet") is about
    that route; a question about a route is answered and the walk goes on where it was."""
    ranking = state.routes()
    keys = [s.key for s in ranking]
    goal = state.goal_analysis()
    current = state.current_route(ranking)
    choice = walk_choice(heard)
    route = heard.entity("route", keys)
    if route is None and (choice is None or heard.intent in keys or named_route(heard.text)):
        edit = route_edit(heard.text, heard.intent)
        if edit is not None:
            choice, route = ("fit" if edit[0] == "add" else "not_fit"), edit[1]
        elif heard.intent in keys:
            # a question about a route: the answer, then on with the walk where it was
            answer = _answer(heard.intent)
            return answer if current is None else answer + _present_route(ranking, current, goal)
    if route not in keys:
        route = keys[current] if current is not None else None

    if choice == "skip" or current is None:
        return finish(state, ranking, list(state.chosen), today)
    if choice == "more":
        score = ranking[keys.index(route)]
        return says(more_message(score), route_buttons(score.key, with_more=False))
    if choice in ("all", "continue"):
        lead = all_routes_message(ranking) if choice == "all" else text("walk", "resumed")
        return says(lead) + _present_route(ranking, current, goal)
    if choice not in ("fit", "not_fit"):
        return says(text("walk", "typed_unclear")) + _present_route(ranking, current, goal)
    return _judge(state, ranking, route, choice == "fit", today)


def _judge(
    state: CoachingState, ranking: Sequence[RouteScore], route: str, fits: bool, today: date
) -> Outcome:
    """'Past bij mij' / 'niet voor mij' for one route: the next route, the offer to make the plan
    (right after the third route chosen), or the plan when every route is answered."""
    already_offered = len(state.chosen) >= int(load("texts")["walk"]["enough_count"])
    chosen = [k for k in state.chosen if k != route]
    rejected = [k for k in state.rejected if k != route]
    (chosen if fits else rejected).append(route)
    outcome = _slots({slots.ROUTES_CHOSEN: chosen, slots.ROUTES_REJECTED: rejected})
    following = _first_open(ranking, chosen + rejected)
    if following is None:
        return outcome + finish(state, ranking, chosen, today)
    if fits and offers_the_plan(len(chosen), already_offered):
        offer = text("walk", "enough_offer", count=len(chosen))
        return outcome + says(offer, plan_offer_buttons(ranking[following].key))
    return outcome + _present_route(ranking, following, state.goal_analysis())


def route_feedback(state: CoachingState, heard: Heard, today: date) -> Outcome:
    """A message about a route: a walk step during the walk; once the plan is done, "haal
    zelfstudie eruit" changes the plan and a plain question about a route gets its answer."""
    if state.phase == Phase.ROUTES:
        return walk_step(state, heard, today)
    intent = heard.intent or ""
    done = state.phase == Phase.DONE and state.plan is not None
    if done:
        edit = route_edit(heard.text, intent)
        if edit is not None:
            return edit_plan(state.plan, *edit, today)
    if catalogue.is_topic(intent):
        return _answer(intent)
    if done:
        buttons = [button("change_routes", "/change_routes"), button("show_plan", "/show_plan")]
        return says(text("walk", "plan_already_done"), buttons)
    return says(text("walk", "no_walk"), [_start_button()])


def edit_plan(plan: Dict[str, Any], action: str, route: str, today: date) -> Outcome:
    """'haal zelfstudie eruit' / 'mentorschap erbij' on a finished plan: the new plan at once.
    Dropping the last route leaves the plan as it is (a plan needs a route)."""
    routes = [k for k in plan["routes"] if k != route] + ([route] if action == "add" else [])
    if not routes:
        routes = list(plan["routes"])
    key = "edited_add" if action == "add" else "edited_drop"
    goal = GoalAnalysis.from_slot(plan.get("goal_analysis"), plan["goal"])
    answers = {f: (plan.get("answers") or {}).get(f) for f in ANSWER_FACTORS}
    ranking = rank_routes(answers, goal)
    new_plan = build_plan(goal, answers, ranking, [s.key for s in ranking if s.key in routes], today)
    return (
        says(text("walk", key, route=catalogue.topic(route).title))
        + _show_plan(new_plan)
        + _slots({slots.COACHING_PLAN: new_plan})
        + _phase(Phase.DONE)
    )


# --- interruptions, stop, resume ----------------------------------------------------------------


def offer_resume(state: CoachingState, intent: Optional[str]) -> Outcome:
    """After an answer to something else: offer to go on where the person was."""
    if not state.in_progress:
        return LEAVE_FORM
    if intent == "human_handoff":
        return says(text("pause", "offer_after_handoff")) + LEAVE_FORM
    if state.phase == Phase.ROUTES:
        # the walk simply goes on where it was: the route card again
        ranking = state.routes()
        current = state.current_route(ranking)
        if current is not None:
            return says(text("walk", "resumed")) + _present_route(ranking, current, state.goal_analysis())
    missing = next((q for q in QUESTIONS if state.value(q) is None), QUESTIONS[0])
    where = questions.question(missing)["topic"]
    return says(text("pause", "offer", where=where), _resume_buttons()) + LEAVE_FORM


def resume(state: CoachingState, today: date) -> Outcome:
    """'Ga verder': back to the question or route the person was at, or the plan when it is done."""
    if state.phase == Phase.QUESTIONS:
        # the form asks the open question next
        return says(text("pause", "resumed_questions")) + _slots({slots.REQUESTED: None})
    if state.phase == Phase.ROUTES:
        ranking = state.routes()
        current = state.current_route(ranking)
        if current is None:
            return finish(state, ranking, list(state.chosen), today)
        return says(text("pause", "resumed_routes")) + _present_route(ranking, current, state.goal_analysis())
    if state.plan is not None:
        return says(text("resume", "plan_done")) + _show_plan(state.plan)
    return says(text("resume", "no_session"), [_start_button()])


def stop(state: CoachingState, heard: Heard, today: date) -> Outcome:
    """'Stop': leave the coaching cleanly. A finished plan stays; a half-done run is dropped.
    'Ik ben klaar' during the walk makes the plan."""
    if asks_for_the_plan(state, heard):
        return finish_walk(state, today)
    if not (state.in_progress or state.form_running):
        buttons = [button("show_plan", "/show_plan")] if state.plan else [_start_button()]
        return says(text("stop", "nothing_to_stop"), buttons)
    if state.plan:
        said, phase = says(text("stop", "stopped_plan_kept")), Phase.DONE
    else:
        said, phase = says(text("stop", "stopped"), [_start_button()]), None
    return said + LEAVE_FORM + _reset_run() + _phase(phase)


# --- the plan: show, keep, change -----------------------------------------------------------------


def _no_plan_yet(state: CoachingState) -> Outcome:
    if state.in_progress:
        return says(text("plan", "none_yet_in_progress"))
    return says(text("plan", "none_yet"), [_start_button()])


def show_plan(state: CoachingState) -> Outcome:
    """'Wat was mijn plan?'"""
    return _no_plan_yet(state) if state.plan is None else _show_plan(state.plan)


def keep_plan(state: CoachingState) -> Outcome:
    """'Hoe bewaar / print / mail ik mijn plan?': how, and the plan again (with its buttons)."""
    if state.plan is None:
        return _no_plan_yet(state)
    return says(text("plan", "keep")) + _show_plan(state.plan)


def change_menu(state: CoachingState) -> Outcome:
    """'Pas mijn plan aan': which part?"""
    buttons = [button("change_goal", "/change_goal"), button("change_preferences", "/change_preferences")]
    if state.plan is not None or state.ranking:
        buttons.append(button("change_routes", "/change_routes"))
    buttons.append(button("start_over", "/start_coaching"))
    key = "menu" if state.plan is not None else "menu_no_plan"
    return says(text("change", key), buttons) + LEAVE_FORM


def _restored_from_plan(state: CoachingState) -> Dict[str, Any]:
    """The run slots of the saved plan, for changing one part of it after a stop or a new session."""
    if state.plan is None or state.goal:
        return {}
    values: Dict[str, Any] = {
        slots.COACHING_GOAL: state.plan["goal"],
        slots.GOAL_ANALYSIS: state.plan.get("goal_analysis"),
    }
    values.update({k: v for k, v in (state.plan.get("answers") or {}).items() if k in ANSWER_FACTORS})
    return values


def _with(state: CoachingState, values: Mapping[str, Any]) -> CoachingState:
    answers = {**state.answers, **{k: v for k, v in values.items() if k in ANSWER_FACTORS}}
    return replace(
        state,
        goal=values.get(slots.COACHING_GOAL, state.goal),
        analysis=values.get(slots.GOAL_ANALYSIS, state.analysis),
        answers=answers,
    )


def change_part(state: CoachingState, intent: Optional[str]) -> Outcome:
    """Clears the part to change (change_goal, change_preferences): the form asks it again; or
    (change_routes) the walk starts again with the same answers."""
    restored = _restored_from_plan(state)
    outcome = _slots(restored) + LEAVE_FORM
    state = _with(state, restored)
    redo = None
    if intent == "change_goal":
        redo = Redo.GOAL if state.plan is not None else None
        cleared = _slots({slots.COACHING_GOAL: None, slots.GOAL_ANALYSIS: None})
    elif intent == "change_preferences":
        redo = Redo.PREFERENCES if state.plan is not None else None
        cleared = _slots({factor: None for factor in ANSWER_FACTORS})
    elif all(state.value(q) for q in QUESTIONS):
        return outcome + _start_walk(state, text("change", "routes_again"))
    else:
        return outcome + says(text("change", "routes_not_ranked"), _resume_buttons())
    return (
        outcome
        + cleared
        + _slots({slots.COACHING_REDO: redo.value if redo else None})
        + _phase(Phase.QUESTIONS)
    )
