"""Coaching actions on Tracker.from_dict fixtures (financial-demo style), without a Rasa server."""

import re
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import coaching
from leercoach import catalogue
from leercoach.coaching import questions
from leercoach.coaching.data import load
from leercoach.coaching.data import text as load_text
from leercoach.coaching.goal import analyse_goal
from leercoach.coaching.plan import build_plan
from leercoach.coaching.ranking import ANSWER_FACTORS, rank_routes
from leercoach.content import answer
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.coaching.personas import TOGETHER as ANSWERS

DOMAIN: Dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
ROUTES = [t.key for t in catalogue.topics_in("route")]


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    intent: str = "inform",
    text: str = "",
    entities: Optional[List[Dict[str, Any]]] = None,
    confidence: float = 1.0,
    form_active: bool = False,
    after_user: Optional[List[str]] = None,
) -> Tracker:
    """A tracker right after the person's latest message (and the actions named in after_user)."""
    latest = {
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
        "entities": entities or [],
        "text": text,
    }
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update({"requested_slot": None, **(slots or {})})
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
        {"event": "action", "name": "action_extract_slots"},
    ] + [{"event": "action", "name": name} for name in (after_user or [])]
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": all_slots,
            "latest_message": latest,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": "coaching_form"} if form_active else {},
            "latest_action_name": events[-1]["name"],
        }
    )


def run(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, DOMAIN)
    if hasattr(events, "__await__"):
        raise AssertionError("use run_async for async actions")
    return dispatcher.messages, events


async def run_async(action, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return dispatcher.messages, events


def slot_sets(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def leaves_form(events) -> bool:
    return any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


PLAN_TITLE = f"**{load('texts')['plan']['summary_header']}**"


def plan_card(messages) -> dict:
    """The one message that shows the plan (there is exactly one)."""
    cards = [m for m in messages if (m.get("text") or "").startswith(PLAN_TITLE)]
    assert len(cards) == 1, texts(messages)
    return cards[0]


def plan_payload(messages) -> dict:
    """The widget's custom payload beside the plan text."""
    found = [m["custom"]["leercoach"] for m in messages if (m.get("custom") or {}).get("leercoach")]
    assert len(found) == 1
    return found[0]


def payloads(message) -> List[str]:
    return [b["payload"] for b in message.get("buttons") or []]


def a_plan(chosen=None, goal="beter feedback geven"):
    analysis = analyse_goal(goal, use_spacy=False)
    ranking = rank_routes(ANSWERS, analysis)
    from datetime import date

    return build_plan(
        analysis, ANSWERS, ranking, chosen if chosen is not None else [ranking[0].key], date(2025, 11, 26)
    )


def content_answer(key: str) -> str:
    """The first sentence of a topic's answer, as the content file has it."""
    return answer(key)["text"].split(".")[0]


def ranking_of_walk(goal="beter feedback geven"):
    return [s.key for s in rank_routes(ANSWERS, analyse_goal(goal, use_spacy=False))]


def walking(chosen=(), rejected=(), goal="beter feedback geven"):
    analysis = analyse_goal(goal, use_spacy=False)
    ranking = [s.key for s in rank_routes(ANSWERS, analysis)]
    return {
        **ANSWERS,
        "coaching_goal": goal,
        "goal_analysis": analysis.to_slot(),
        "coaching_phase": "routes",
        "route_ranking": ranking,
        "routes_chosen": list(chosen),
        "routes_rejected": list(rejected),
    }, ranking


# --- start and questions -----------------------------------------------------------------


def test_start_says_what_happens_how_long_and_how_to_stop():
    messages, events = run(coaching.ActionCoachingStart(), make_tracker(intent="start_coaching"))
    intro = texts(messages)
    assert "zes korte vragen" in intro and "paar minuten" in intro and "stop" in intro
    assert slot_sets(events)["coaching_phase"] == "questions"
    assert slot_sets(events)["coaching_goal"] is None


def test_starting_over_keeps_the_old_plan_until_the_new_one_is_ready():
    messages, events = run(
        coaching.ActionCoachingStart(), make_tracker({"coaching_plan": a_plan(), **ANSWERS})
    )
    assert "vorige plan blijft bewaard" in texts(messages)
    assert "coaching_plan" not in slot_sets(events)
    assert slot_sets(events)["time_per_week"] is None


def test_the_goal_question_is_free_text_with_only_a_stop_button():
    messages, _ = run(coaching.ASK_ACTIONS["coaching_goal"](), make_tracker())
    assert messages[0]["text"].startswith("Wat wil je leren, of waarin wil je beter worden?")
    assert payloads(messages[0]) == ["/stop_coaching"]


def test_choice_questions_have_a_button_per_option_and_stop():
    messages, _ = run(coaching.ASK_ACTIONS["time_per_week"](), make_tracker())
    assert payloads(messages[0]) == [
        '/inform{"time_per_week":"lt1"}',
        '/inform{"time_per_week":"1_3"}',
        '/inform{"time_per_week":"gt3"}',
        "/stop_coaching",
    ]
    messages, _ = run(coaching.ASK_ACTIONS["budget"](), make_tracker())
    assert [b["title"] for b in messages[0]["buttons"]] == ["Ja", "Nee", "Weet ik niet", "Stoppen"]


@pytest.mark.parametrize(
    "text, intent, confidence, expected",
    [
        ("beter feedback geven", "kenmerk_feedback_reflectie", 0.95, "beter feedback geven"),
        ("Excel", "nlu_fallback", 0.2, "Excel"),
        ("  presenteren. ", "nlu_fallback", 0.2, "presenteren"),
    ],
)
async def test_a_goal_is_taken_in_the_persons_own_words(text, intent, confidence, expected):
    tracker = make_tracker(
        {"requested_slot": "coaching_goal"}, intent, text, confidence=confidence, form_active=True
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    slots = slot_sets(events)
    assert slots["coaching_goal"] == expected and messages == []
    assert slots["goal_analysis"]["subject"]


@pytest.mark.parametrize(
    "text, says",
    [
        ("", "paar woorden"),
        ("asdfgh", "niet helemaal"),
        ("x y" * 200, "300 tekens"),
        ("weet ik niet", "bijvoorbeeld presenteren"),
        ('/inform{"social":"alone"}', "eigen woorden"),
    ],
)
async def test_an_unusable_goal_gets_a_friendly_reask_not_a_crash(text, says):
    tracker = make_tracker(
        {"requested_slot": "coaching_goal"}, "nlu_fallback", text, confidence=0.3, form_active=True
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert says in texts(messages)
    assert slot_sets(events)["coaching_goal"] is None


async def test_slots_cleared_by_a_restart_get_no_reask():
    # At activation the form validates every slot set since the message, also those set to None.
    tracker = make_tracker(
        {"coaching_phase": "questions"},
        "start_coaching",
        "ik wil een plan",
        after_user=["action_coaching_start"],
    )
    tracker.events.extend({"event": "slot", "name": s, "value": None} for s in coaching.RUN_SLOTS)
    messages, _events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert messages == []


async def test_a_question_during_the_goal_is_answered_and_the_goal_asked_again():
    tracker = make_tracker(
        {"requested_slot": "coaching_goal"},
        "kenmerk_feedback_reflectie",
        "hoe geef je constructieve feedback?",
        confidence=0.93,
        form_active=True,
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert catalogue.topic("kenmerk_feedback_reflectie").title in texts(messages)  # the answer
    # an empty goal, no rejection: the form stays and asks the goal again
    assert slot_sets(events)["coaching_goal"] is None
    assert slot_sets(events)["last_topic"] == "kenmerk_feedback_reflectie"  # "vertel meer" works after


async def test_stop_during_a_choice_question_is_left_to_the_rules():
    tracker = make_tracker(
        {"requested_slot": "social"}, "stop_coaching", "stop", confidence=0.97, form_active=True
    )
    _, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert "social" not in slot_sets(events)


@pytest.mark.parametrize(
    "slot, text, entities, value",
    [
        (
            "time_per_week",
            '/inform{"time_per_week":"1_3"}',
            [{"entity": "time_per_week", "value": "1_3"}],
            "1_3",
        ),
        ("time_per_week", "ongeveer 2 uur", [], "1_3"),
        ("social", "samen met collega's", [], "together"),
        ("learning_style", "door te doen", [], "doing"),
        ("certificate", "ja", [], "yes"),
        ("budget", "geen idee", [], "unknown"),
    ],
)
async def test_choice_answers_from_buttons_and_typed_text(slot, text, entities, value):
    tracker = make_tracker(
        {"requested_slot": slot, "coaching_goal": "Excel"}, "inform", text, entities, form_active=True
    )
    _, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert slot_sets(events)[slot] == value


async def test_a_typed_answer_about_samen_leren_is_still_an_answer():
    tracker = make_tracker(
        {"requested_slot": "social"},
        "route_samen_leren",
        "samen met anderen",
        confidence=0.9,
        form_active=True,
    )
    _, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert slot_sets(events)["social"] == "together"


async def test_an_unclear_choice_gets_a_reask_with_an_example():
    tracker = make_tracker(
        {"requested_slot": "time_per_week"}, "nlu_fallback", "banaan", confidence=0.2, form_active=True
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert "Kies een van de knoppen" in texts(messages) and "1 tot 3 uur" in texts(messages)
    assert slot_sets(events)["time_per_week"] is None


@pytest.mark.parametrize("slot", ["coaching_goal", "time_per_week"])
async def test_ga_verder_with_a_question_open_asks_it_again(slot):
    tracker = make_tracker(
        {"requested_slot": slot}, "continue_coaching", "ga verder", confidence=0.96, form_active=True
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert texts(messages) == "We gaan verder."
    assert (
        slot in slot_sets(events) and slot_sets(events)[slot] is None
    )  # a SlotSet: the form does not reject


async def test_a_message_already_answered_by_another_action_is_not_read_as_an_answer():
    tracker = make_tracker(
        {"requested_slot": "time_per_week"},
        "continue_coaching",
        "2 uur",
        form_active=True,
        after_user=["action_coaching_resume"],
    )
    _, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert "time_per_week" not in slot_sets(events)


# --- the walk through the routes -------------------------------------------------------------


def test_questions_done_ranks_the_routes_and_shows_the_best_first():
    goal = analyse_goal("beter feedback geven", use_spacy=False)
    tracker = make_tracker(
        {**ANSWERS, "coaching_goal": "beter feedback geven", "goal_analysis": goal.to_slot()}
    )
    messages, events = run(coaching.ActionCoachingQuestionsDone(), tracker)
    slots = slot_sets(events)
    assert slots["coaching_phase"] == "routes" and sorted(slots["route_ranking"]) == sorted(ROUTES)
    best = catalogue.topic(slots["route_ranking"][0]).title
    assert f"Route 1 van 8: {best}" in messages[-1]["text"]
    assert "feedback geven" in messages[-1]["text"]  # the example uses the goal
    assert [b["title"] for b in messages[-1]["buttons"]] == [
        "Past bij mij",
        "Niet voor mij",
        "Vertel meer",
        "Sla de rest over",
        "Laat alle routes zien",
    ]


def feedback(slots, choice=None, route=None, intent="route_feedback", text=""):
    entities = []
    if choice:
        entities.append({"entity": "route_choice", "value": choice})
    if route:
        entities.append({"entity": "route", "value": route})
    return run(coaching.ActionRouteFeedback(), make_tracker(slots, intent, text, entities))


def test_past_bij_mij_records_the_route_and_shows_the_next():
    slots, ranking = walking()
    messages, events = feedback(slots, "fit", ranking[0])
    assert slot_sets(events)["routes_chosen"] == [ranking[0]]
    assert f"Route 2 van 8: {catalogue.topic(ranking[1]).title}" in messages[0]["text"]


def test_typed_yes_counts_as_past_bij_mij():
    slots, ranking = walking()
    _, events = feedback(slots, intent="affirm", text="ja")
    assert slot_sets(events)["routes_chosen"] == [ranking[0]]


def test_niet_voor_mij_on_every_route_still_ends_with_a_plan_of_the_two_best():
    slots, ranking = walking(rejected=[])
    rejected: List[str] = []
    for route in ranking:
        messages, events = feedback({**slots, "routes_rejected": rejected}, "not_fit", route)
        rejected = slot_sets(events)["routes_rejected"]
    plan = slot_sets(events)["coaching_plan"]
    assert plan["suggested"] and plan["routes"] == ranking[:2]
    assert "geen route gekozen" in messages[0]["text"] and "helemaal oké" in messages[0]["text"]
    plan_card(messages)
    assert slot_sets(events)["coaching_phase"] == "done"


def test_skip_the_rest_makes_the_plan_with_at_least_three_concrete_steps():
    slots, _ranking = walking()
    slots["routes_chosen"] = [slots["route_ranking"][1]]
    messages, events = feedback(slots, "skip", slots["route_ranking"][2])
    plan = slot_sets(events)["coaching_plan"]
    assert plan["routes"] == [slots["route_ranking"][1]]
    card = plan_card(messages)
    assert card["text"].count("Uiterlijk") >= 3
    assert "{" not in card["text"] and "feedback geven" in card["text"]
    assert payloads(card) == ["/change_plan", "/start_coaching"]
    payload = plan_payload(messages)  # beside the text, for the widget's plan buttons
    assert payload["type"] == "plan" and len(payload["steps"]) == len(plan["steps"])
    assert payload["calendar"]["content"].count("BEGIN:VEVENT") == len(plan["steps"])


def test_vertel_meer_explains_the_route_without_moving_on():
    slots, ranking = walking()
    messages, events = feedback(slots, "more", ranking[0])
    assert events == [] and catalogue.topic(ranking[0]).title in messages[0]["text"]
    assert "Vertel meer" not in [b["title"] for b in messages[0]["buttons"]]


def test_laat_alle_routes_zien_lists_eight_then_goes_on_where_we_were():
    slots, ranking = walking(chosen=[])
    slots["routes_rejected"] = [ranking[0]]
    messages, events = feedback(slots, "all", ranking[1])
    assert events == [] and len(re.findall(r"^\d\. ", messages[0]["text"], flags=re.M)) == 8
    assert "Route 2 van 8" in messages[1]["text"]


def test_an_unclear_typed_answer_shows_the_buttons_again():
    slots, _ranking = walking()
    messages, events = feedback(slots, intent="route_feedback", text="hmm tja")
    assert events == [] and messages[0]["text"] == load_text("walk", "typed_unclear")
    assert "Route 1 van 8" in messages[1]["text"]


def test_an_old_route_button_after_the_plan_offers_to_change_routes():
    messages, events = feedback({"coaching_phase": "done", "coaching_plan": a_plan()}, "fit", ROUTES[0])
    assert events == [] and "/change_routes" in payloads(messages[0])


# --- interruptions, stop, resume ------------------------------------------------------------


def test_after_a_question_in_the_middle_the_coach_offers_to_go_on_where_we_were():
    tracker = make_tracker(
        {"coaching_phase": "questions", "coaching_goal": "Excel", "requested_slot": "time_per_week"},
        "belang_leercultuur",
        "waarom is leercultuur belangrijk",
        form_active=True,
    )
    messages, events = run(coaching.ActionCoachingOfferResume(), tracker)
    assert (
        "verder gaan met je ontwikkelplan" in messages[0]["text"]
        and "je tijd per week" in messages[0]["text"]
    )
    assert payloads(messages[0]) == ["/continue_coaching", "/stop_coaching"]
    assert leaves_form(events)


def test_after_a_question_during_the_walk_the_walk_goes_on_at_the_route_it_was():
    slots, ranking = walking(chosen=[])
    slots["routes_chosen"] = [ranking[0]]
    messages, events = run(
        coaching.ActionCoachingOfferResume(),
        make_tracker(slots, "kenmerk_kennis_delen", "wat is kennis delen?"),
    )
    assert f"Route 2 van 8: {catalogue.topic(ranking[1]).title}" in messages[-1]["text"] and events == []
    assert "/route_feedback" in payloads(messages[-1])[0]


def test_after_a_handoff_to_hr_the_coach_does_not_push():
    tracker = make_tracker(
        {"coaching_phase": "questions"}, "human_handoff", "ik wil iemand van HR spreken", form_active=True
    )
    messages, _ = run(coaching.ActionCoachingOfferResume(), tracker)
    assert "ga verder" in messages[0]["text"] and not messages[0].get("buttons")


def test_continue_during_the_walk_shows_the_route_we_were_at():
    slots, ranking = walking(chosen=[])
    slots["routes_rejected"] = [ranking[0], ranking[1]]
    messages, _ = run(coaching.ActionCoachingResume(), make_tracker(slots, "continue_coaching", "ga verder"))
    assert "Route 3 van 8" in messages[-1]["text"]


def test_continue_without_a_coaching_conversation_offers_to_start():
    messages, _ = run(coaching.ActionCoachingResume(), make_tracker({}, "continue_coaching", "ga verder"))
    assert payloads(messages[0]) == ["/start_coaching"]


def test_stop_leaves_the_questions_cleanly():
    tracker = make_tracker(
        {"coaching_phase": "questions", "coaching_goal": "Excel", "requested_slot": "time_per_week"},
        "stop_coaching",
        "stop",
        form_active=True,
    )
    messages, events = run(coaching.ActionCoachingStop(), tracker)
    slots = slot_sets(events)
    assert "we stoppen" in messages[0]["text"] and leaves_form(events)
    assert (
        slots["coaching_goal"] is None and slots["coaching_phase"] is None and slots["requested_slot"] is None
    )


def test_stop_keeps_a_finished_plan():
    slots, _ = walking()
    messages, events = run(
        coaching.ActionCoachingStop(),
        make_tracker({**slots, "coaching_plan": a_plan()}, "stop_coaching", "stop"),
    )
    assert "eerdere ontwikkelplan blijft bewaard" in messages[0]["text"]
    assert "coaching_plan" not in slot_sets(events) and slot_sets(events)["coaching_phase"] == "done"


def test_stop_with_nothing_running_says_so():
    messages, events = run(coaching.ActionCoachingStop(), make_tracker({}, "stop_coaching", "stop"))
    assert "geen coachgesprek" in messages[0]["text"] and events == []


# --- the plan: show, change --------------------------------------------------------------


def test_wat_was_mijn_plan_shows_the_steps_and_the_summary():
    messages, events = run(
        coaching.ActionCoachingShowPlan(), make_tracker({"coaching_plan": a_plan()}, "show_plan")
    )
    assert events == [] and "Doel: beter feedback geven" in plan_card(messages)["text"]
    assert plan_payload(messages)["mail"]["body"].endswith(plan_payload(messages)["text"])


def test_asking_for_a_plan_that_does_not_exist_offers_to_make_one():
    messages, _ = run(coaching.ActionCoachingShowPlan(), make_tracker({}, "show_plan"))
    assert "nog geen ontwikkelplan" in messages[0]["text"] and payloads(messages[0]) == ["/start_coaching"]


def test_change_plan_asks_which_part():
    messages, _ = run(
        coaching.ActionCoachingChangePlan(), make_tracker({"coaching_plan": a_plan()}, "change_plan")
    )
    assert payloads(messages[0]) == [
        "/change_goal",
        "/change_preferences",
        "/change_routes",
        "/start_coaching",
    ]


def test_changing_the_goal_after_a_stop_restores_the_plan_answers_and_asks_the_goal_again():
    tracker = make_tracker(
        {"coaching_plan": a_plan(), "coaching_phase": "done"}, "change_goal", "/change_goal"
    )
    _, events = run(coaching.ActionCoachingChangePart(), tracker)
    slots = slot_sets(events)
    assert (
        slots["coaching_goal"] is None
        and slots["coaching_redo"] == "goal"
        and slots["coaching_phase"] == "questions"
    )
    assert slots["time_per_week"] == ANSWERS["time_per_week"]  # restored from the plan


def test_a_new_goal_keeps_the_chosen_routes_and_renews_the_steps():
    old = a_plan(chosen=["route_zelfstudie"])
    goal = analyse_goal("Excel", use_spacy=False)
    tracker = make_tracker(
        {
            **ANSWERS,
            "coaching_plan": old,
            "coaching_redo": "goal",
            "coaching_goal": "Excel",
            "goal_analysis": goal.to_slot(),
            "coaching_phase": "questions",
        }
    )
    messages, events = run(coaching.ActionCoachingQuestionsDone(), tracker)
    plan = slot_sets(events)["coaching_plan"]
    assert plan["goal"] == "Excel" and plan["routes"] == ["route_zelfstudie"]
    assert "nieuwe doel" in messages[0]["text"] and "Excel" in plan_card(messages)["text"]
    assert "geen route gekozen" not in texts(messages)
    assert slot_sets(events)["coaching_phase"] == "done"


def test_a_new_goal_for_a_suggested_plan_does_not_say_no_route_was_chosen():
    goal = analyse_goal("Excel", use_spacy=False)
    tracker = make_tracker(
        {
            **ANSWERS,
            "coaching_plan": a_plan(chosen=[]),
            "coaching_redo": "goal",
            "coaching_goal": "Excel",
            "goal_analysis": goal.to_slot(),
            "coaching_phase": "questions",
        }
    )
    messages, events = run(coaching.ActionCoachingQuestionsDone(), tracker)
    assert "geen route gekozen" not in texts(messages) and slot_sets(events)["coaching_plan"]["suggested"]


def test_changing_preferences_clears_the_answers():
    tracker = make_tracker(
        {**ANSWERS, "coaching_goal": "Excel", "coaching_plan": a_plan()}, "change_preferences"
    )
    _, events = run(coaching.ActionCoachingChangePart(), tracker)
    slots = slot_sets(events)
    assert all(slots[f] is None for f in ANSWERS) and slots["coaching_redo"] == "preferences"


def test_changing_routes_walks_through_them_again():
    slots, _ranking = walking(chosen=["route_zelfstudie"])
    tracker = make_tracker({**slots, "coaching_phase": "done", "coaching_plan": a_plan()}, "change_routes")
    messages, events = run(coaching.ActionCoachingChangePart(), tracker)
    assert slot_sets(events)["routes_chosen"] == [] and slot_sets(events)["coaching_phase"] == "routes"
    assert "Route 1 van 8" in messages[-1]["text"]


# --- the whole flow, action by action ------------------------------------------------------------


async def test_a_whole_conversation_ends_with_a_plan_of_at_least_three_steps():
    state: Dict[str, Any] = {}

    def apply(events):
        state.update(slot_sets(events))

    apply(run(coaching.ActionCoachingStart(), make_tracker(state, "start_coaching"))[1])
    answers = [
        ("coaching_goal", "presenteren", []),
        ("time_per_week", "", [{"entity": "time_per_week", "value": "1_3"}]),
        ("social", "", [{"entity": "social", "value": "together"}]),
        ("learning_style", "door te doen", []),
        ("certificate", "nee", []),
        ("budget", "weet ik niet", []),
    ]
    for slot, text, entities in answers:
        state["requested_slot"] = slot
        _, events = await run_async(
            coaching.ValidateCoachingForm(), make_tracker(state, "inform", text, entities, form_active=True)
        )
        apply(events)
        assert state[slot] is not None, slot
    apply(run(coaching.ActionCoachingQuestionsDone(), make_tracker(state))[1])
    first, second = state["route_ranking"][:2]
    apply(feedback(state, "fit", first)[1])
    apply(feedback(state, "fit", second)[1])
    messages, events = feedback(state, "skip")
    apply(events)
    assert state["coaching_phase"] == "done" and state["coaching_plan"]["routes"] == [first, second]
    assert len(state["coaching_plan"]["steps"]) >= 3
    assert "presenteren" in plan_card(messages)["text"]


# --- issue 12: coaching that understands typing -----------------------------------------------


@pytest.mark.parametrize(
    "typed, intent",
    [
        ("sla de rest maar over", "nlu_fallback"),
        ("ik ben klaar", "route_feedback"),
        ("maak mijn plan maar", "route_feedback"),
    ],
)
def test_typed_ways_to_skip_the_rest_make_the_plan(typed, intent):
    slots, ranking = walking(chosen=[])
    slots["routes_chosen"] = [ranking[1]]
    messages, events = feedback(slots, intent=intent, text=typed)
    assert slot_sets(events)["coaching_plan"]["routes"] == [ranking[1]]
    plan_card(messages)


def test_ik_ben_klaar_read_as_stop_still_makes_the_plan():
    slots, ranking = walking(chosen=[])
    slots["routes_chosen"] = [ranking[0], ranking[2]]
    _messages, events = run(
        coaching.ActionCoachingStop(), make_tracker(slots, "stop_coaching", "ik ben klaar")
    )
    assert slot_sets(events)["coaching_plan"]["routes"] == [ranking[0], ranking[2]]
    assert slot_sets(events)["coaching_phase"] == "done"


@pytest.mark.parametrize("typed", ["doe maar de volgende", "deze niet", "nee, de volgende"])
def test_typed_ways_to_turn_a_route_down(typed):
    slots, ranking = walking()
    messages, events = feedback(slots, intent="next_item", text=typed)
    assert slot_sets(events)["routes_rejected"] == [ranking[0]]
    assert "Route 2 van 8" in messages[0]["text"]


def test_naming_another_route_with_niet_turns_that_route_down_without_its_faq_answer():
    slots, ranking = walking()
    other = ranking[3]
    title = catalogue.topic(other).title
    messages, events = feedback(slots, intent=other, text=f"{title.lower()} niet")
    assert slot_sets(events)["routes_rejected"] == [other]
    assert "Route 1 van 8" in messages[0]["text"]  # still at the first route
    assert content_answer(other) not in texts(messages)


def test_a_question_about_a_route_during_the_walk_is_answered_and_the_walk_goes_on():
    slots, ranking = walking()
    other = ranking[4]
    messages, events = feedback(slots, intent=other, text=f"wat is {catalogue.topic(other).title.lower()}?")
    assert content_answer(other) in texts(messages)
    assert "Route 1 van 8" in messages[-1]["text"]
    assert "routes_chosen" not in slot_sets(events) and "routes_rejected" not in slot_sets(events)


def test_after_three_chosen_routes_the_coach_offers_to_make_the_plan_once():
    slots, ranking = walking(chosen=ranking_of_walk()[:2])
    messages, events = feedback(slots, "fit", ranking[2])
    offer = messages[-1]
    assert offer["text"] == load_text("walk", "enough_offer", count=3)
    make, further = offer["buttons"]
    assert '"route_choice":"skip"' in make["payload"] and '"route_choice":"continue"' in further["payload"]
    # "ja" to the offer makes the plan; "nee" shows the next route, without a hint on its card
    state = {**slots, **slot_sets(events)}
    offered = make_tracker(state, "affirm", "ja graag")
    offered.events.insert(-1, {"event": "bot", "text": offer["text"], "data": {"buttons": offer["buttons"]}})
    _, events = run(coaching.ActionRouteFeedback(), offered)
    assert slot_sets(events)["coaching_plan"]["routes"] == ranking[:3]
    declined = make_tracker(state, "deny", "nee")
    declined.events.insert(-1, {"event": "bot", "text": offer["text"], "data": {"buttons": offer["buttons"]}})
    messages, events = run(coaching.ActionRouteFeedback(), declined)
    assert "Route 4 van 8" in messages[-1]["text"] and "routes_rejected" not in slot_sets(events)
    assert "gekozen" not in messages[-1]["text"]


def test_klaar_while_changing_the_routes_keeps_the_plan_routes_not_the_old_or_a_suggestion():
    old = a_plan(chosen=["route_zelfstudie", "route_events"])
    slots, _ranking = walking(chosen=["route_samen_leren"], rejected=["route_events"])
    _messages, events = feedback({**slots, "coaching_plan": old}, intent="stop_coaching", text="ik ben klaar")
    assert slot_sets(events)["coaching_plan"]["routes"] == ["route_samen_leren"]  # the edit is kept
    # nothing chosen yet in the edit: the plan keeps its routes minus the one turned down
    slots, _ = walking(chosen=[], rejected=["route_events"])
    _, events = feedback({**slots, "coaching_plan": old}, intent="route_feedback", text="klaar")
    assert slot_sets(events)["coaching_plan"]["routes"] == ["route_zelfstudie"]


def test_dropping_a_route_from_a_finished_plan_by_name_changes_the_plan():
    old = a_plan(chosen=["route_zelfstudie", "route_events"])
    tracker = make_tracker(
        {"coaching_plan": old, "coaching_phase": "done"}, "route_zelfstudie", "haal zelfstudie eruit"
    )
    messages, events = run(coaching.ActionRouteFeedback(), tracker)
    assert slot_sets(events)["coaching_plan"]["routes"] == ["route_events"]
    assert content_answer("route_zelfstudie") not in texts(messages)
    assert "Routes: Events" in plan_card(messages)["text"]


def test_a_plain_question_about_a_route_after_the_plan_gets_its_answer():
    tracker = make_tracker(
        {"coaching_plan": a_plan(), "coaching_phase": "done"}, "route_zelfstudie", "wat is zelfstudie?"
    )
    messages, events = run(coaching.ActionRouteFeedback(), tracker)
    assert content_answer("route_zelfstudie") in texts(messages) and "coaching_plan" not in slot_sets(events)


async def test_changing_an_earlier_answer_inside_the_questions():
    state = {
        "coaching_goal": "Excel",
        **{k: None for k in ANSWERS},
        "time_per_week": "1_3",
        "social": "alone",
    }
    tracker = make_tracker(
        {**state, "requested_slot": "learning_style"},
        "route_samen_leren",
        "eigenlijk liever samen met een collega",
        confidence=0.8,
        form_active=True,
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert slot_sets(events)["social"] == "together"
    assert slot_sets(events)["learning_style"] is None  # asked again, no error
    assert load_text("reask", "changed", summary="samen met anderen") == messages[0]["text"]


@pytest.mark.parametrize(
    "typed, kind",
    [("waarom vraag je dat?", "why"), ("wat bedoel je?", "meaning"), ("hoe lang duurt dit nog?", "how_long")],
)
async def test_a_side_question_inside_the_questions_is_answered_then_the_question_again(typed, kind):
    tracker = make_tracker(
        {"coaching_goal": "Excel", "requested_slot": "time_per_week"},
        "out_of_scope",
        typed,
        confidence=0.6,
        form_active=True,
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert "Kies een van de knoppen" not in texts(messages)
    assert messages[0]["text"] == questions.side_answer("time_per_week", kind, 5)
    assert slot_sets(events)["time_per_week"] is None


async def test_a_topic_question_inside_the_questions_is_answered_not_met_choose_a_button():
    tracker = make_tracker(
        {"coaching_goal": "Excel", "requested_slot": "social"},
        "route_werkplekleren",
        "wat is werkplekleren precies?",
        confidence=0.91,
        form_active=True,
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert content_answer("route_werkplekleren") in texts(messages) and slot_sets(events)["social"] is None


# --- issue 12: goals ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["geen idee eigenlijk", "tja, weet ik niet", "1 tot 3 uur"])
async def test_a_non_goal_is_not_taken_and_the_goal_is_asked_again_with_examples(typed):
    tracker = make_tracker(
        {"requested_slot": "coaching_goal"}, "nlu_fallback", typed, confidence=0.3, form_active=True
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert slot_sets(events)["coaching_goal"] is None and messages
    asked_before = make_tracker({"requested_slot": "coaching_goal"}, after_user=["action_ask_coaching_goal"])
    asked_before.events.insert(0, {"event": "action", "name": "action_ask_coaching_goal"})
    messages, _ = run(coaching.ASK_ACTIONS["coaching_goal"](), asked_before)
    examples = questions.question("coaching_goal")["examples"]
    assert [b["title"] for b in messages[0]["buttons"]] == examples + [load("texts")["buttons"]["stop"]]


async def test_an_example_goal_button_is_the_goal():
    payload = questions.option_payload("coaching_goal", "Beter presenteren")
    tracker = make_tracker(
        {"requested_slot": "coaching_goal"},
        "inform",
        payload,
        [{"entity": "coaching_goal", "value": "Beter presenteren"}],
        form_active=True,
    )
    _, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert slot_sets(events)["coaching_goal"] == "Beter presenteren"


@pytest.mark.parametrize(
    "first, goal",
    [
        ("Help me een ontwikkelplan te maken, ik wil beter worden in Excel", "ik wil beter worden in Excel"),
        ("ik wil beter leren presenteren", "ik wil beter leren presenteren"),
        ("help me een ontwikkelplan te maken", None),
    ],
)
def test_a_goal_in_the_first_message_is_used(first, goal):
    messages, events = run(coaching.ActionCoachingStart(), make_tracker({}, "start_coaching", first))
    if goal is None:
        assert "coaching_goal" not in slot_sets(events) or slot_sets(events)["coaching_goal"] is None
    else:
        assert slot_sets(events)["coaching_goal"] == goal
        assert analyse_goal(goal).display in messages[-1]["text"]


def test_keep_plan_explains_and_shows_the_plan_with_its_payload():
    messages, _ = run(
        coaching.ActionCoachingKeepPlan(), make_tracker({"coaching_plan": a_plan()}, "keep_plan")
    )
    assert messages[0]["text"] == load_text("plan", "keep")
    plan_card(messages)
    plan_payload(messages)
    messages, _ = run(coaching.ActionCoachingKeepPlan(), make_tracker({}, "keep_plan"))
    assert payloads(messages[0]) == ["/start_coaching"]


def test_the_question_order_has_one_source():
    order = questions.question_order()
    assert DOMAIN["forms"]["coaching_form"]["required_slots"] == order
    asks = [f"action_ask_{q}" for q in order]
    assert [a for a in DOMAIN["actions"] if a in asks] == asks
    assert list(coaching.ASK_ACTIONS) == order and order == coaching.QUESTIONS
    assert list(ANSWER_FACTORS) == [q for q in order if questions.is_choice(q)]
    assert load_text("start", "intro", question_count="X").count("X") == 1  # the count is filled in


async def test_the_goal_is_redacted_again_before_it_reaches_the_plan():
    # defence in depth: even a goal that reached the action unredacted shows no name or number
    tracker = make_tracker(
        {"requested_slot": "coaching_goal"},
        "nlu_fallback",
        "beter samenwerken met Jan de Vries, bel 06-12345678",
        confidence=0.3,
        form_active=True,
    )
    _, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    slots = slot_sets(events)
    assert "Jan" not in slots["coaching_goal"] and "0612" not in slots["coaching_goal"].replace("-", "")
    assert "Jan" not in slots["goal_analysis"]["phrase"] and "[" not in slots["goal_analysis"]["phrase"]
