"""The coaching state machine without Rasa: for each step a person notices, what is said and which
slots change (leercoach.coaching.flow)."""

import subprocess
import sys
from datetime import date

import pytest

from leercoach import catalogue
from leercoach.answering import Reply
from leercoach.coaching import flow, questions
from leercoach.coaching.data import text
from leercoach.coaching.flow import CoachingState, Heard, Phase
from leercoach.coaching.goal import analyse_goal
from leercoach.coaching.plan import build_plan, is_plan, no_route_message
from leercoach.coaching.ranking import ANSWER_FACTORS, rank_routes
from leercoach.coaching.walk import payload, payload_choice
from leercoach.dialogue import slots
from leercoach.review.reading import coaching_step
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.coaching.personas import TOGETHER

TODAY = date(2025, 11, 26)
GOAL = "beter feedback geven"
ANALYSIS = analyse_goal(GOAL, use_spacy=False)
RANKING = [s.key for s in rank_routes(TOGETHER, ANALYSIS)]


def a_plan(chosen=None):
    ranking = rank_routes(TOGETHER, ANALYSIS)
    return build_plan(ANALYSIS, TOGETHER, ranking, chosen if chosen is not None else [RANKING[0]], TODAY)


def state(**values) -> CoachingState:
    return CoachingState.from_slots(values, values.pop("active_form", None))


def walking(chosen=(), rejected=(), **more) -> CoachingState:
    values = {
        **TOGETHER,
        "coaching_goal": GOAL,
        "goal_analysis": ANALYSIS.to_slot(),
        "coaching_phase": "routes",
        "route_ranking": RANKING,
        "routes_chosen": list(chosen),
        "routes_rejected": list(rejected),
    }
    return state(**{**values, **more})


def texts(outcome: flow.Outcome) -> list:
    return [said.text for said in outcome.say if isinstance(said, flow.Utterance)]


def payloads(outcome: flow.Outcome) -> list:
    return [b["payload"] for said in outcome.say if isinstance(said, flow.Utterance) for b in said.buttons]


def route_card_of(outcome: flow.Outcome, position: int) -> bool:
    title = catalogue.topic(RANKING[position - 1]).title
    return any(t and t.startswith(f"**Route {position} van 8: {title}**") for t in texts(outcome))


def shows_a_plan(outcome: flow.Outcome) -> bool:
    header = f"**{text('plan', 'summary_header')}**"
    cards = [t for t in texts(outcome) if t and t.startswith(header)]
    widget = [s.custom for s in outcome.say if isinstance(s, flow.Utterance) and s.custom]
    return len(cards) == 1 and len(widget) == 1


# --- the state from the slots ----------------------------------------------------------------


def test_the_state_reads_only_what_the_slots_can_mean():
    read = state(coaching_phase="elsewhere", coaching_plan={"routes": []}, coaching_redo="x")
    assert read.phase is None and read.plan is None and read.redo is None and not read.in_progress
    running = state(coaching_phase="questions", active_form="coaching_form", coaching_plan=a_plan())
    assert running.phase is Phase.QUESTIONS and running.in_progress and running.form_running
    assert is_plan(running.plan)


def test_the_phases_are_the_slot_values_hr_reads():
    assert [p.value for p in Phase] == ["questions", "routes", "done"]
    assert coaching_step({"name": slots.COACHING_PHASE, "value": Phase.QUESTIONS.value}).started
    assert coaching_step({"name": slots.COACHING_PHASE, "value": Phase.ROUTES.value}).questions_done
    assert coaching_step({"name": slots.COACHING_PHASE, "value": Phase.DONE.value}).plan_made
    assert coaching_step({"name": slots.COACHING_PHASE, "value": None}) is None


def test_the_flow_imports_no_rasa():
    check = "import sys, leercoach.coaching.flow; sys.exit(any(m.split('.')[0] in ('rasa', 'rasa_sdk') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", check], cwd=PROJECT_ROOT).returncode == 0


def test_a_route_choice_is_read_from_the_payload_not_found_in_it():
    assert payload_choice(payload("continue", "route_events")) == "continue"
    assert payload_choice('/inform{"route_choice":"continue"}') is None
    assert payload_choice("/route_feedback{broken") is None
    assert payload_choice("/route_feedback") is None


# --- start and questions ------------------------------------------------------------------------


def test_start_clears_the_run_and_opens_the_questions():
    outcome = flow.start(state(**TOGETHER, coaching_goal="Excel"), "/start_coaching")
    assert texts(outcome)[0].startswith(text("start", "intro", question_count="zes")[:20])
    assert outcome.slots[slots.COACHING_PHASE] == "questions"
    assert all(outcome.slots[s] is None for s in flow.RUN_SLOTS)
    assert outcome.slots[slots.REQUESTED] is None and not outcome.leave_form


def test_start_with_a_plan_says_it_starts_again_and_keeps_a_goal_from_the_message():
    outcome = flow.start(state(coaching_plan=a_plan()), "help me een plan maken, ik wil Excel leren")
    assert text("start", "restart") in texts(outcome)
    assert outcome.slots[slots.COACHING_GOAL] and outcome.slots[slots.GOAL_ANALYSIS]
    assert slots.COACHING_PLAN not in outcome.slots  # the old plan stays until the new one


def test_questions_done_starts_the_walk_at_the_best_route():
    answered = state(
        **TOGETHER, coaching_goal=GOAL, goal_analysis=ANALYSIS.to_slot(), coaching_phase="questions"
    )
    outcome = flow.questions_done(answered, TODAY)
    assert texts(outcome)[0] == text("walk", "intro") and route_card_of(outcome, 1)
    assert outcome.slots[slots.COACHING_PHASE] == "routes"
    assert outcome.slots[slots.ROUTE_RANKING] == RANKING
    assert outcome.slots[slots.ROUTES_CHOSEN] == [] and outcome.slots[slots.ROUTES_REJECTED] == []


def test_a_changed_goal_renews_the_plan_with_the_same_routes():
    plan = a_plan([RANKING[2]])
    changed = state(
        **TOGETHER,
        coaching_goal="Excel",
        coaching_redo="goal",
        coaching_plan=plan,
        coaching_phase="questions",
    )
    outcome = flow.questions_done(changed, TODAY)
    assert texts(outcome)[0] == text("plan", "goal_updated") and shows_a_plan(outcome)
    assert outcome.slots[slots.COACHING_PLAN]["routes"] == [RANKING[2]]
    assert outcome.slots[slots.COACHING_PHASE] == "done" and outcome.slots[slots.COACHING_REDO] is None


# --- the walk -------------------------------------------------------------------------------------


def test_past_bij_mij_keeps_the_route_and_shows_the_next():
    outcome = flow.walk_step(walking(), Heard("past bij mij", "affirm"), TODAY)
    assert outcome.slots == {slots.ROUTES_CHOSEN: [RANKING[0]], slots.ROUTES_REJECTED: []}
    assert route_card_of(outcome, 2)


def test_the_third_route_chosen_offers_the_plan_and_ja_then_makes_it():
    outcome = flow.walk_step(walking(chosen=RANKING[:2]), Heard("past bij mij", "affirm"), TODAY)
    assert texts(outcome) == [text("walk", "enough_offer", count=3)]
    assert [payload_choice(p) for p in payloads(outcome)] == ["skip", "continue"]
    offered = Heard("ja", "affirm", offered=("skip", "continue"))
    plan = flow.walk_step(walking(chosen=RANKING[:3]), offered, TODAY)
    assert shows_a_plan(plan) and plan.slots[slots.COACHING_PLAN]["routes"] == RANKING[:3]
    assert plan.slots[slots.COACHING_PHASE] == "done"


def test_nee_after_the_offer_looks_further():
    offered = Heard("nee", "deny", offered=("skip", "continue"))
    outcome = flow.walk_step(walking(chosen=RANKING[:3]), offered, TODAY)
    assert texts(outcome)[0] == text("walk", "resumed") and route_card_of(outcome, 4)
    assert not outcome.slots


def test_vertel_meer_alle_routes_and_unclear_words_change_nothing():
    more = flow.walk_step(walking(), Heard("vertel meer", "tell_more"), TODAY)
    assert texts(more)[0].startswith(f"**{catalogue.topic(RANKING[0]).title}**") and not more.slots
    every = flow.walk_step(
        walking(),
        Heard("/route_feedback", "route_feedback", ({"entity": "route_choice", "value": "all"},)),
        TODAY,
    )
    assert len(texts(every)) == 2 and route_card_of(every, 1) and not every.slots
    unclear = flow.walk_step(walking(), Heard("banaan", "inform"), TODAY)
    assert texts(unclear)[0] == text("walk", "typed_unclear") and not unclear.slots


def test_the_last_route_answered_makes_the_plan():
    outcome = flow.walk_step(
        walking(chosen=RANKING[:1], rejected=RANKING[1:-1]), Heard("niet voor mij", "deny"), TODAY
    )
    assert outcome.slots[slots.ROUTES_REJECTED] == RANKING[1:]
    assert shows_a_plan(outcome) and outcome.slots[slots.COACHING_PLAN]["routes"] == RANKING[:1]


def test_sla_de_rest_over_without_a_choice_suggests_two_routes():
    outcome = flow.walk_step(walking(), Heard("sla de rest over", "inform"), TODAY)
    plan = outcome.slots[slots.COACHING_PLAN]
    assert plan["suggested"] and len(plan["routes"]) == 2 and shows_a_plan(outcome)
    assert texts(outcome)[0] == no_route_message(plan)
    assert outcome.slots[slots.COACHING_PHASE] == "done"


def test_a_question_about_a_route_is_answered_and_the_walk_goes_on():
    outcome = flow.walk_step(walking(), Heard("wat is zelfstudie?", "route_zelfstudie"), TODAY)
    assert isinstance(outcome.say[0], Reply) and route_card_of(outcome, 1) and not outcome.slots


def test_a_named_route_with_a_choice_word_is_about_that_route():
    route = RANKING[3]
    title = catalogue.topic(route).title.lower()
    outcome = flow.walk_step(walking(), Heard(f"{title} niet", "inform"), TODAY)
    assert outcome.slots[slots.ROUTES_REJECTED] == [route] and route_card_of(outcome, 1)


# --- after the walk: editing the plan ---------------------------------------------------------------


def test_edit_plan_drops_a_route_but_never_the_last():
    plan = a_plan(RANKING[:2])
    outcome = flow.edit_plan(plan, "drop", RANKING[0], TODAY)
    assert outcome.slots[slots.COACHING_PLAN]["routes"] == [RANKING[1]] and shows_a_plan(outcome)
    assert texts(outcome)[0] == text("walk", "edited_drop", route=catalogue.topic(RANKING[0]).title)
    kept = flow.edit_plan(a_plan([RANKING[0]]), "drop", RANKING[0], TODAY)
    assert kept.slots[slots.COACHING_PLAN]["routes"] == [RANKING[0]]


def test_route_feedback_after_the_plan_and_without_a_walk():
    done = state(coaching_phase="done", coaching_plan=a_plan())
    assert isinstance(
        flow.route_feedback(done, Heard("wat is zelfstudie?", "route_zelfstudie"), TODAY).say[0], Reply
    )
    nothing = flow.route_feedback(done, Heard("past bij mij", "inform"), TODAY)
    assert texts(nothing) == [text("walk", "plan_already_done")] and "/change_routes" in payloads(nothing)
    assert texts(flow.route_feedback(state(), Heard("ja", "inform"), TODAY)) == [text("walk", "no_walk")]


# --- interruptions, stop, resume ----------------------------------------------------------------------


def test_offer_resume_during_the_questions_leaves_the_form_and_names_the_open_question():
    asking = state(coaching_phase="questions", coaching_goal="Excel", active_form="coaching_form")
    outcome = flow.offer_resume(asking, "route_zelfstudie")
    where = questions.question(slots.TIME_PER_WEEK)["topic"]
    assert texts(outcome) == [text("pause", "offer", where=where)]
    assert outcome.leave_form and "/continue_coaching" in payloads(outcome)
    handoff = flow.offer_resume(asking, "human_handoff")
    assert texts(handoff) == [text("pause", "offer_after_handoff")] and handoff.leave_form
    assert flow.offer_resume(state(), "greet") == flow.Outcome(leave_form=True)


def test_offer_resume_during_the_walk_shows_the_route_again():
    outcome = flow.offer_resume(walking(chosen=RANKING[:1]), "greet")
    assert texts(outcome)[0] == text("walk", "resumed") and route_card_of(outcome, 2)
    assert not outcome.leave_form and not outcome.slots


def test_resume_goes_back_to_where_the_person_was():
    questions = flow.resume(state(coaching_phase="questions"), TODAY)
    assert texts(questions) == [text("pause", "resumed_questions")]
    assert questions.slots == {slots.REQUESTED: None}
    routes = flow.resume(walking(rejected=RANKING[:2]), TODAY)
    assert texts(routes)[0] == text("pause", "resumed_routes") and route_card_of(routes, 3)
    every = flow.resume(walking(chosen=RANKING[:1], rejected=RANKING[1:]), TODAY)
    assert shows_a_plan(every) and every.slots[slots.COACHING_PHASE] == "done"
    done = flow.resume(state(coaching_phase="done", coaching_plan=a_plan()), TODAY)
    assert texts(done)[0] == text("resume", "plan_done") and shows_a_plan(done) and not done.slots
    assert texts(flow.resume(state(), TODAY)) == [text("resume", "no_session")]


def test_stop_drops_a_half_done_run_and_keeps_a_plan():
    dropped = flow.stop(walking(chosen=RANKING[:1]), Heard("stop", "stop_coaching"), TODAY)
    assert texts(dropped) == [text("stop", "stopped")] and dropped.leave_form
    assert dropped.slots[slots.COACHING_PHASE] is None and all(
        dropped.slots[s] is None for s in flow.RUN_SLOTS
    )
    kept = flow.stop(
        state(coaching_phase="questions", coaching_plan=a_plan()), Heard("stop", "stop_coaching"), TODAY
    )
    assert texts(kept) == [text("stop", "stopped_plan_kept")] and kept.slots[slots.COACHING_PHASE] == "done"
    assert slots.COACHING_PLAN not in kept.slots
    idle = flow.stop(state(), Heard("stop", "stop_coaching"), TODAY)
    assert texts(idle) == [text("stop", "nothing_to_stop")] and not idle.slots and not idle.leave_form


def test_ik_ben_klaar_during_the_walk_makes_the_plan_instead_of_stopping():
    outcome = flow.stop(walking(chosen=RANKING[:2]), Heard("ik ben klaar", "stop_coaching"), TODAY)
    assert shows_a_plan(outcome) and outcome.slots[slots.COACHING_PLAN]["routes"] == RANKING[:2]


# --- the plan: show, keep, change ---------------------------------------------------------------------


def test_show_and_keep_the_plan():
    with_plan = state(coaching_phase="done", coaching_plan=a_plan())
    assert shows_a_plan(flow.show_plan(with_plan)) and not flow.show_plan(with_plan).slots
    keep = flow.keep_plan(with_plan)
    assert texts(keep)[0] == text("plan", "keep") and shows_a_plan(keep)
    busy = state(coaching_phase="routes")
    assert (
        texts(flow.show_plan(busy)) == texts(flow.keep_plan(busy)) == [text("plan", "none_yet_in_progress")]
    )
    assert payloads(flow.keep_plan(state())) == ["/start_coaching"]


def test_the_change_menu_offers_the_routes_once_there_are_any():
    with_plan = flow.change_menu(state(coaching_plan=a_plan()))
    assert texts(with_plan) == [text("change", "menu")] and "/change_routes" in payloads(with_plan)
    assert with_plan.leave_form
    fresh = flow.change_menu(state())
    assert texts(fresh) == [text("change", "menu_no_plan")] and "/change_routes" not in payloads(fresh)


def test_changing_the_goal_after_a_stop_restores_the_plans_answers():
    outcome = flow.change_part(state(coaching_plan=a_plan()), "change_goal")
    assert outcome.leave_form and outcome.slots[slots.COACHING_GOAL] is None
    assert {f: outcome.slots[f] for f in ANSWER_FACTORS} == TOGETHER
    assert outcome.slots[slots.COACHING_REDO] == "goal" and outcome.slots[slots.COACHING_PHASE] == "questions"


def test_changing_the_preferences_clears_them_and_keeps_the_goal():
    outcome = flow.change_part(state(coaching_plan=a_plan()), "change_preferences")
    assert outcome.slots[slots.COACHING_GOAL] == GOAL
    assert all(outcome.slots[f] is None for f in ANSWER_FACTORS)
    assert outcome.slots[slots.COACHING_REDO] == "preferences"
    without_plan = flow.change_part(state(coaching_goal="Excel", **TOGETHER), "change_preferences")
    assert without_plan.slots[slots.COACHING_REDO] is None


def test_changing_the_routes_walks_again_with_the_same_answers():
    outcome = flow.change_part(state(coaching_plan=a_plan()), "change_routes")
    assert texts(outcome)[0] == text("change", "routes_again") and route_card_of(outcome, 1)
    assert outcome.slots[slots.COACHING_PHASE] == "routes" and outcome.slots[slots.ROUTES_CHOSEN] == []
    unanswered = flow.change_part(state(coaching_goal="Excel"), "change_routes")
    assert (
        texts(unanswered) == [text("change", "routes_not_ranked")]
        and slots.COACHING_PHASE not in unanswered.slots
    )


@pytest.mark.parametrize("phase", [None, "questions", "routes", "done"])
def test_every_step_sets_only_slots_of_the_domain(phase):
    from tests.leercoach.dialogue.test_slots import domain_slots

    known = set(domain_slots()) | {slots.REQUESTED}
    current = walking(coaching_phase=phase, coaching_plan=a_plan()) if phase else state()
    for outcome in (
        flow.start(current, "hoi"),
        flow.resume(current, TODAY),
        flow.stop(current, Heard("stop"), TODAY),
        flow.change_part(current, "change_goal"),
        flow.route_feedback(current, Heard("past bij mij", "affirm"), TODAY),
    ):
        assert set(outcome.slots) <= known
