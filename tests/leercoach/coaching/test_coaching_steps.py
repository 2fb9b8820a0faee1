"""The wording of the next steps: concrete (what, by when, with whom) and grammatical for any goal."""

import itertools
import re
from datetime import date

import pytest

from leercoach import catalogue
from leercoach.coaching.data import load
from leercoach.coaching.goal import analyse_goal
from leercoach.coaching.steps import build_steps, due_date, dutch_date, reflection_question, render_step

ROUTES = [t.key for t in catalogue.topics_in("route")]
TODAY = date(2025, 11, 26)  # a Wednesday
ANSWERS = {
    "time_per_week": "1_3",
    "social": "together",
    "learning_style": "doing",
    "certificate": "no",
    "budget": "no",
}
GOALS = [
    "presenteren",
    "Excel",
    "beter feedback geven",
    "teamleider worden",
    "met mijn team samenwerken",
    "Ik wil meer weten over AI",
    "zelfverzekerder worden",
    "rustig blijven in lastige gesprekken",
    "get better at Excel",
    "asdf",
    "",
    "een heel lang doel dat over veel verschillende dingen tegelijk gaat en nooit ophoudt",
]
SEAMS = re.compile(r"\{|\}|\s{2,}|\s[,.?]|\b(\w+) \1\b|^\W|met met|over over")


@pytest.mark.parametrize(
    "goal, route, expected",
    [
        (
            "presenteren",
            "route_werkplekleren",
            "Kies een taak in je werk waarin je kunt oefenen met presenteren, en spreek af wanneer je die doet.",
        ),
        (
            "Excel",
            "route_zelfstudie",
            "Kies één boek, online cursus of uitlegvideo over Excel, en zet elke week een uur in je agenda.",
        ),
        (
            "beter feedback geven",
            "route_samen_leren",
            "Vraag twee collega's om samen te oefenen met feedback geven, en plan een eerste afspraak.",
        ),
        (
            "teamleider worden",
            "route_mentorschap_coaching",
            "Vraag een ervaren teamleider om een paar keer met je te praten over het werk.",
        ),
        (
            "Excel",
            "route_werkplekleren",
            "Kies een klus in je werk waarvoor je Excel nodig hebt, en spreek af wanneer je die doet.",
        ),
        (
            "met mijn team samenwerken",
            "route_vrijwilligerswerk",
            "Zoek een vrijwilligersklus waarin je kunt oefenen met samenwerken met je team.",
        ),
        (
            "zelfverzekerder worden",
            "route_formeel_onderwijs",
            "Zoek twee of drie cursussen die bij je doel passen, en vergelijk tijd, kosten en inhoud.",
        ),
    ],
)
def test_first_step_wording_per_goal_and_route(goal, route, expected):
    steps = build_steps(analyse_goal(goal, use_spacy=False), [route], ANSWERS, TODAY)
    assert steps[0].what == expected


@pytest.mark.parametrize("goal", GOALS)
def test_every_goal_and_route_pair_gives_four_clean_concrete_steps(goal):
    analysis = analyse_goal(goal, use_spacy=False)
    for routes in itertools.chain(([r] for r in ROUTES), itertools.permutations(ROUTES, 2)):
        for time in ("lt1", "1_3", "gt3"):
            steps = build_steps(analysis, list(routes), {**ANSWERS, "time_per_week": time}, TODAY)
            assert len(steps) >= 3
            whens = [date.fromisoformat(s.when) for s in steps]
            assert whens == sorted(whens) and all(d > TODAY and d.weekday() < 5 for d in whens)
            for step in steps:
                assert step.title and step.who
                assert step.what[0].isupper() and step.what[-1] in ".?", step.what
                assert not SEAMS.search(step.what), step.what
                assert not SEAMS.search(render_step(1, step)), step.what
            if analysis.subject:
                assert analysis.subject in steps[0].what


def test_the_subject_of_the_goal_shows_in_the_steps_and_the_rhythm_follows_the_time():
    analysis = analyse_goal("Excel", use_spacy=False)
    little = build_steps(analysis, ["route_zelfstudie"], {**ANSWERS, "time_per_week": "lt1"}, TODAY)
    lots = build_steps(analysis, ["route_zelfstudie"], {**ANSWERS, "time_per_week": "gt3"}, TODAY)
    assert "elke week twintig minuten" in little[0].what
    assert "twee keer per week een uur" in lots[0].what


SUPPORT = load("steps")["support"]


@pytest.mark.parametrize(
    "routes, budget, talk",
    [
        (["route_formeel_onderwijs"], "unknown", "costs"),
        (["route_zelfstudie"], "unknown", "costs"),
        (["route_formeel_onderwijs"], "yes", "costs_known"),
        (["route_events"], "no", "costs_none"),
        (["route_zelfstudie"], "no", "share"),
        (["route_zelfstudie"], "yes", "share"),
    ],
)
def test_the_talk_with_the_manager_fits_the_budget_answer(routes, budget, talk):
    steps = build_steps(analyse_goal("Excel", use_spacy=False), routes, {**ANSWERS, "budget": budget}, TODAY)
    assert SUPPORT[talk]["title"] in [s.title for s in steps]


@pytest.mark.parametrize("budget", ["yes", "no"])
def test_no_step_asks_about_a_budget_the_person_already_answered(budget):
    for route in ROUTES:
        for second in ROUTES:
            steps = build_steps(
                analyse_goal("Excel", use_spacy=False), [route, second], {**ANSWERS, "budget": budget}, TODAY
            )
            for step in steps:
                assert not re.search(r"(?:vraag|bespreek)\w*\b.*\bof er\b.*\bbudget", step.what, re.I), step
                assert "voor tijd en budget" not in step.who, step


def test_a_certificate_that_matters_shows_in_the_course_step():
    goal = analyse_goal("Excel", use_spacy=False)
    wanted = build_steps(goal, ["route_formeel_onderwijs"], {**ANSWERS, "certificate": "yes"}, TODAY)
    not_needed = build_steps(goal, ["route_formeel_onderwijs"], {**ANSWERS, "certificate": "no"}, TODAY)
    assert "certificaat" in wanted[0].what and "certificaat" not in not_needed[0].what


def test_a_step_done_alone_never_reads_met_wie_jijzelf():
    goal = analyse_goal("Excel", use_spacy=False)
    for route in ROUTES:
        for social in ("alone", "together", "either"):
            for number, step in enumerate(
                build_steps(goal, [route], {**ANSWERS, "social": social}, TODAY), 1
            ):
                line = render_step(number, step)
                assert "Met wie: jijzelf" not in line and "{" not in line


def test_who_follows_alone_or_together():
    analysis = analyse_goal("Excel", use_spacy=False)
    alone = build_steps(analysis, ["route_events"], {**ANSWERS, "social": "alone"}, TODAY)
    together = build_steps(analysis, ["route_events"], {**ANSWERS, "social": "together"}, TODAY)
    assert alone[0].who == "jijzelf" and "collega" in together[0].who


def test_deadlines_skip_weekends_and_holidays_and_read_as_dutch_dates():
    assert due_date(date(2025, 11, 26), 3) == date(2025, 12, 1)  # Saturday -> Monday
    assert due_date(date(2025, 12, 19), 6) == date(2025, 12, 29)  # Christmas -> Monday after
    assert dutch_date(date(2025, 12, 29)) == "maandag 29 december"


def test_a_plan_without_routes_is_refused_and_missing_answers_fall_back():
    analysis = analyse_goal("Excel", use_spacy=False)
    with pytest.raises(ValueError):
        build_steps(analysis, [], ANSWERS, TODAY)
    assert len(build_steps(analysis, ["route_events"], {}, TODAY)) == 4


def test_each_route_has_a_reflection_question():
    for route in ROUTES:
        assert reflection_question([route]).endswith("?")
