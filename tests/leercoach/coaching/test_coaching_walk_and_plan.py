"""Route messages and the plan: personal, short, complete, and safe to keep in a slot."""

import json
import re
from datetime import date

import pytest
import yaml

from leercoach import catalogue
from leercoach.coaching import questions
from leercoach.coaching.data import load
from leercoach.coaching.goal import analyse_goal
from leercoach.coaching.plan import build_plan, is_plan, no_route_message, plan_message, quoted_titles
from leercoach.coaching.ranking import rank_routes
from leercoach.coaching.walk import (
    all_routes_message,
    more_message,
    route_buttons,
    route_edit,
    route_message,
    typed_choice,
)
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.coaching.personas import TOGETHER as ANSWERS

ROUTES = [t.key for t in catalogue.topics_in("route")]
TODAY = date(2025, 11, 26)
MAX_WORDS = 120
MAX_PLAN_WORDS = 230  # the plan is one card: summary and steps together


def words(text):
    return len(text.split())


@pytest.mark.parametrize("goal", ["presenteren", "Excel", "teamleider worden", "zelfverzekerder worden"])
def test_each_route_message_explains_gives_an_example_for_this_goal_and_says_why(goal):
    analysis = analyse_goal(goal, use_spacy=False)
    ranking = rank_routes(ANSWERS, analysis)
    for position, score in enumerate(ranking, start=1):
        message = route_message(score, position, 8, analysis)
        assert message.startswith(f"**Route {position} van 8: {score.title}**\n\n")  # a card title
        assert ("Waarom dit bij jou past:" in message) or ("past minder goed" in message)
        assert "{" not in message and words(message) <= MAX_WORDS, (score.key, words(message))
        if analysis.subject:
            assert analysis.subject in message
        assert words(more_message(score)) <= MAX_WORDS


def test_why_it_fits_uses_this_persons_answers():
    ranking = rank_routes(ANSWERS, analyse_goal("presenteren", use_spacy=False))
    top = route_message(ranking[0], 1, 8, analyse_goal("presenteren", use_spacy=False))
    assert "je leert graag door te doen" in top
    lonely = rank_routes({**ANSWERS, "social": "alone", "learning_style": "reading"})
    zelfstudie = next(s for s in lonely if s.key == "route_zelfstudie")
    assert "je kunt het goed alleen doen" in route_message(
        zelfstudie, 1, 8, analyse_goal("Excel", use_spacy=False)
    )


def test_a_route_that_clearly_does_not_fit_says_let_op():
    ranking = rank_routes({**ANSWERS, "time_per_week": "lt1", "budget": "no"})
    formal = next(s for s in ranking if s.key == "route_formeel_onderwijs")
    assert "Let op:" in route_message(formal, 8, 8, analyse_goal("Excel", use_spacy=False))


def test_route_buttons_carry_the_choice_and_the_route():
    buttons = route_buttons("route_zelfstudie")
    assert [b["title"] for b in buttons] == [
        "Past bij mij",
        "Niet voor mij",
        "Vertel meer",
        "Sla de rest over",
        "Laat alle routes zien",
    ]
    assert json.loads(buttons[0]["payload"][len("/route_feedback") :]) == {
        "route_choice": "fit",
        "route": "route_zelfstudie",
    }
    assert "Vertel meer" not in [b["title"] for b in route_buttons("route_zelfstudie", with_more=False)]


def test_all_routes_overview_lists_eight_in_ranked_order():
    ranking = rank_routes(ANSWERS)
    lines = [line for line in all_routes_message(ranking).splitlines() if re.match(r"\d\. ", line)]
    assert len(lines) == 8  # a numbered list, so the widget shows it as one
    assert [line.split(". ", 1)[1].split(":")[0] for line in lines] == [s.title for s in ranking]


@pytest.mark.parametrize(
    "typed, choice",
    [
        ("past bij mij", "fit"),
        ("die lijkt me wat", "fit"),
        ("niks voor mij", "not_fit"),
        ("sla de rest over", "skip"),
        ("laat alle routes zien", "all"),
        ("vertel meer", "more"),
        ("banaan", None),
        # the ways people type the buttons (issue 12)
        ("sla de rest maar over", "skip"),
        ("ik ben klaar", "skip"),
        ("nee dank je, ik heb genoeg", "skip"),
        ("maak mijn plan maar", "skip"),
        ("doe maar de volgende", "not_fit"),
        ("nee, de volgende", "not_fit"),
        ("deze niet", "not_fit"),
        ("die niet", "not_fit"),
        ("sla deze over", "not_fit"),
        ("ja, deze wel", "fit"),
        ("doe maar", "fit"),
        ("vertel eens meer", "more"),
        ("wat houdt dat in?", "more"),
        ("hmm tja", None),
    ],
)
def test_typed_route_answers(typed, choice):
    assert typed_choice(typed) == choice


@pytest.mark.parametrize(
    "typed, edit",
    [
        ("werkplekleren niet", ("drop", "route_werkplekleren")),
        ("haal zelfstudie eruit", ("drop", "route_zelfstudie")),
        ("geen events", ("drop", "route_events")),
        ("vrijwilligerswerk hoeft niet", ("drop", "route_vrijwilligerswerk")),
        ("zonder de opleiding", ("drop", "route_formeel_onderwijs")),
        ("mentor wel", ("add", "route_mentorschap_coaching")),
        ("samen leren erbij", ("add", "route_samen_leren")),
        ("wat is zelfstudie?", None),  # a question about the route, not an edit
        ("wat is werkplekleren ook alweer", None),
        ("leg uit hoe zelfstudie werkt", None),
        ("geen idee wat events zijn?", None),
        ("vertel meer over samen leren", None),
        ("ik ben klaar", None),
    ],
)
def test_a_named_route_with_a_choice_word_is_an_edit(typed, edit):
    assert route_edit(typed) == edit


def test_plan_holds_chosen_routes_in_ranking_order_and_survives_json():
    analysis = analyse_goal("beter feedback geven", use_spacy=False)
    ranking = rank_routes(ANSWERS, analysis)
    chosen = [ranking[3].key, ranking[0].key]
    plan = build_plan(analysis, ANSWERS, ranking, chosen, TODAY)
    assert plan["routes"] == [ranking[0].key, ranking[3].key] and not plan["suggested"]
    assert json.loads(json.dumps(plan)) == plan and is_plan(plan)
    card = plan_message(plan)
    assert card.startswith("**Jouw ontwikkelplan**\n\n") and "Doel: beter feedback geven" in card
    assert len(re.findall(r"^\d\. ", card, flags=re.M)) >= 3 and card.count("Uiterlijk ") >= 3
    assert "Om over na te denken:" in card and "wat was mijn plan?" in card
    assert all(catalogue.topic(k).title in card for k in plan["routes"])
    assert words(card) <= MAX_PLAN_WORDS


def test_the_plan_lists_each_step_once():
    analysis = analyse_goal("beter feedback geven", use_spacy=False)
    ranking = rank_routes(ANSWERS, analysis)
    plan = build_plan(analysis, ANSWERS, ranking, [ranking[0].key, ranking[1].key], TODAY)
    card = plan_message(plan)
    for step in plan["steps"]:
        assert card.count(step["title"]) == 1 and card.count(step["what"]) == 1


def test_no_chosen_route_gives_the_two_best_with_a_kind_word():
    analysis = analyse_goal("Excel", use_spacy=False)
    ranking = rank_routes(ANSWERS, analysis)
    plan = build_plan(analysis, ANSWERS, ranking, [], TODAY)
    assert plan["routes"] == [ranking[0].key, ranking[1].key] and plan["suggested"]
    message = no_route_message(plan)
    assert "helemaal oké" in message and f"'{ranking[0].title}'" in message


@pytest.mark.parametrize(
    "goal", ["presenteren", "Excel", "teamleider worden", "rustig blijven in lastige gesprekken"]
)
def test_the_steps_stay_short_for_every_pair_of_routes(goal):
    analysis = analyse_goal(goal, use_spacy=False)
    for time in ("lt1", "1_3", "gt3"):
        answers = {**ANSWERS, "time_per_week": time}
        ranking = rank_routes(answers, analysis)
        for first in ROUTES:
            for second in ROUTES:
                if first != second:
                    plan = build_plan(analysis, answers, ranking, [first, second], TODAY)
                    assert words(plan_message(plan)) <= MAX_PLAN_WORDS, (first, second)


def test_titles_with_en_are_quoted_apart():
    assert (
        quoted_titles(["route_werkplekleren", "route_mentorschap_coaching"])
        == "'Werkplekleren' en 'Mentorschap en coaching'"
    )


def test_every_route_has_all_texts_in_b1_length():
    data = load("routes")["routes"]
    assert set(data) == set(ROUTES)
    for key, entry in data.items():
        assert words(entry["explanation"]) <= 60 and words(entry["more"]) <= 80, key
        assert set(entry["example"]) == {"skill", "topic", "role", "general"}
        assert "{subject}" not in entry["example"]["general"]
        assert entry["reflection"].endswith("?")
    steps = load("steps")["routes"]
    assert set(steps) == set(ROUTES)


def test_the_rules_answer_every_interruption_the_form_can_reject():
    rules = [
        rule
        for path in sorted((PROJECT_ROOT / "data" / "rules").glob("*.yml"))
        for rule in yaml.safe_load(path.read_text())["rules"]
    ]
    during_form = {
        step["intent"]
        for rule in rules
        if {"active_loop": "coaching_form"} in (rule.get("condition") or [])
        for listed in rule["steps"]
        for step in (listed, *listed.get("or", []))  # a step `or:` lists alternatives
        if "intent" in step
    }
    assert set(questions.interrupting_intents()) <= during_form
    knowledge = [k for k, kind in questions.interrupting_intents().items() if kind == "knowledge"]
    assert len(knowledge) == 26
    for phase in ("questions", "routes"):
        paused = {
            step["intent"]
            for rule in rules
            if {"slot_was_set": [{"coaching_phase": phase}]} in (rule.get("condition") or [])
            for listed in rule["steps"]
            for step in (listed, *listed.get("or", []))
            if "intent" in step
        }
        topics = set(load("texts")["interruptions"]["other_topics"])
        assert set(knowledge) | topics <= paused, phase
