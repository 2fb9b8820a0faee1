"""Ranking the eight routes: deterministic, complete for every answer, tunable in one table."""

import itertools

import pytest

from leercoach import catalogue
from leercoach.coaching import questions, ranking
from leercoach.coaching.data import load
from leercoach.coaching.goal import GoalAnalysis, analyse_goal
from leercoach.coaching.ranking import ANSWER_FACTORS, rank_routes, route_keys

ROUTES = [t.key for t in catalogue.topics_in("route")]
KINDS = ["skill", "topic", "role", "general"]


def goal_of(kind, subject="iets"):
    return GoalAnalysis(text=subject, kind=kind, subject=subject if kind != "general" else None)


def all_combinations(with_missing=False):
    values = [questions.option_values(f) + ([None] if with_missing else []) for f in ANSWER_FACTORS]
    for combo in itertools.product(*values):
        yield dict(zip(ANSWER_FACTORS, combo, strict=True))


def test_every_preference_combination_ranks_all_eight_routes_deterministically():
    count = 0
    for answers in all_combinations(with_missing=True):
        for kind in KINDS:
            first = rank_routes(answers, goal_of(kind))
            keys = [s.key for s in first]
            assert sorted(keys) == sorted(ROUTES), answers
            assert [s.key for s in rank_routes(answers, goal_of(kind))] == keys
            scores = [s.score for s in first]
            assert scores == sorted(scores, reverse=True)
            for a, b in itertools.pairwise(first):  # equal scores keep the catalogue order
                if a.score == b.score:
                    assert ROUTES.index(a.key) < ROUTES.index(b.key)
            count += 1
    assert count == 4 * 4 * 4 * 4 * 3 * 4  # each answer, or no answer at all


def test_each_route_comes_first_for_somebody():
    firsts = {rank_routes(a, goal_of(k))[0].key for a in all_combinations() for k in KINDS}
    assert firsts == set(ROUTES)


def test_a_score_is_the_base_plus_its_contributions():
    table = ranking.weights()
    answers = {
        "time_per_week": "lt1",
        "social": "alone",
        "learning_style": "reading",
        "certificate": "no",
        "budget": "no",
    }
    for score in rank_routes(answers, analyse_goal("beter feedback geven", use_spacy=False)):
        assert score.score == table["base"][score.key] + sum(c.weight for c in score.contributions)


PERSONAS = [
    # (who, answers, goal, route that must come first, routes that must be in the top three)
    (
        "busy doer without budget",
        {
            "time_per_week": "lt1",
            "social": "either",
            "learning_style": "doing",
            "certificate": "no",
            "budget": "no",
        },
        "klanten beter helpen",
        "route_werkplekleren",
        ["route_reflectie_zelfevaluatie"],
    ),
    (
        "wants a diploma, has time and budget",
        {
            "time_per_week": "gt3",
            "social": "either",
            "learning_style": "reading",
            "certificate": "yes",
            "budget": "yes",
        },
        "projectmanagement",
        "route_formeel_onderwijs",
        ["route_zelfstudie"],
    ),
    (
        "future team lead who learns by talking",
        {
            "time_per_week": "1_3",
            "social": "together",
            "learning_style": "talking",
            "certificate": "no",
            "budget": "unknown",
        },
        "teamleider worden",
        "route_mentorschap_coaching",
        ["route_samen_leren"],
    ),
    (
        "reader on their own",
        {
            "time_per_week": "1_3",
            "social": "alone",
            "learning_style": "reading",
            "certificate": "no",
            "budget": "no",
        },
        "Excel",
        "route_zelfstudie",
        ["route_reflectie_zelfevaluatie"],
    ),
    (
        "sociable doer with lots of time",
        {
            "time_per_week": "gt3",
            "social": "together",
            "learning_style": "doing",
            "certificate": "no",
            "budget": "no",
        },
        "organiseren",
        "route_vrijwilligerswerk",
        ["route_werkplekleren"],
    ),
    (
        "networker with a budget",
        {
            "time_per_week": "1_3",
            "social": "together",
            "learning_style": "talking",
            "certificate": "no",
            "budget": "yes",
        },
        "de nieuwste trends in mijn vakgebied",
        "route_events",
        ["route_mentorschap_coaching"],
    ),
    (
        "wants to give feedback, little time, alone",
        {
            "time_per_week": "lt1",
            "social": "alone",
            "learning_style": "reading",
            "certificate": "no",
            "budget": "unknown",
        },
        "beter feedback geven",
        "route_reflectie_zelfevaluatie",
        ["route_zelfstudie"],
    ),
]


@pytest.mark.parametrize("who, answers, goal, first, top3", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_personas_get_the_routes_that_suit_them(who, answers, goal, first, top3):
    ranked = [s.key for s in rank_routes(answers, analyse_goal(goal, use_spacy=False))]
    assert ranked[0] == first, ranked
    assert set(top3) <= set(ranked[:3]), ranked


def test_a_diploma_seeker_never_sees_formal_education_among_the_last_three_and_a_busy_person_without_need_for_one_not_first():
    for answers in all_combinations():
        ranked = [s.key for s in rank_routes(answers)]
        if answers["certificate"] == "yes":
            assert ranked.index("route_formeel_onderwijs") < 5, answers
        if answers["time_per_week"] == "lt1" and answers["certificate"] == "no":
            assert ranked[0] != "route_formeel_onderwijs", answers


def test_missing_answers_still_rank_all_routes():
    assert sorted(s.key for s in rank_routes({})) == sorted(ROUTES)
    assert sorted(s.key for s in rank_routes({"time_per_week": "nonsense"})) == sorted(ROUTES)


def test_the_weight_table_covers_every_answer_option_and_only_known_routes():
    raw = load("route_weights")
    assert sorted(raw["columns"].values()) == sorted(ROUTES) == sorted(route_keys())
    for factor in ANSWER_FACTORS:
        assert set(raw["answers"][factor]) == set(questions.option_values(factor)), factor
    assert set(raw["goal_kind"]) == set(KINDS)


def test_every_weight_has_wording_for_why_and_for_let_op():
    routes = load("routes")
    table = ranking.weights()
    for factor, values in table["answers"].items():
        for value, row in values.items():
            if any(w > 0 for w in row.values()):
                assert routes["reasons"][factor][value], (factor, value)
            if any(w <= ranking.CAVEAT_AT for w in row.values()):
                assert routes["caveats"][factor][value], (factor, value)
    for kind in table["goal_kind"]:
        assert routes["reasons"]["goal_kind"][kind]
    assert routes["reasons"]["goal_words"]


def test_hr_can_tune_the_table_in_one_place(monkeypatch):
    answers = {
        "time_per_week": "1_3",
        "social": "alone",
        "learning_style": "reading",
        "certificate": "no",
        "budget": "no",
    }
    assert rank_routes(answers)[0].key == "route_zelfstudie"
    tuned = {**load("route_weights")}
    tuned["base"] = {**tuned["base"], "events": 50}
    monkeypatch.setattr(ranking, "load", lambda name: tuned)
    ranking.weights.cache_clear()
    try:
        assert rank_routes(answers)[0].key == "route_events"
    finally:
        monkeypatch.undo()
        ranking.weights.cache_clear()


def test_a_broken_table_is_refused_on_load(monkeypatch):
    broken = {**load("route_weights"), "base": {"nonsense": 1}}
    monkeypatch.setattr(ranking, "load", lambda name: broken)
    ranking.weights.cache_clear()
    try:
        with pytest.raises(ValueError):
            ranking.weights()
    finally:
        monkeypatch.undo()
        ranking.weights.cache_clear()


def test_goal_words_count_by_lemma():
    answers = {
        "time_per_week": "1_3",
        "social": "either",
        "learning_style": "talking",
        "certificate": "no",
        "budget": "unknown",
    }
    plain = {s.key: s.score for s in rank_routes(answers, analyse_goal("timemanagement", use_spacy=False))}
    team = {
        s.key: s.score
        for s in rank_routes(answers, analyse_goal("vergaderingen met mijn team", use_spacy=False))
    }
    assert team["route_samen_leren"] > plain["route_samen_leren"]
