"""Reading a development goal: usable or not, and what it is about (with and without spaCy)."""

import pytest

from leercoach.coaching.goal import GoalAnalysis, analyse_goal, goal_problem, lemma_candidates, pipeline


@pytest.mark.parametrize(
    "answer, problem",
    [
        ("", "goal_empty"),
        ("   ", "goal_empty"),
        ("...", "goal_empty"),
        ("ab", "goal_too_short"),
        ("AI", "goal_too_short"),  # the issue asks for 3 to 300 characters
        ("x" * 301, "goal_too_long"),
        ("asdfgh", "goal_nonsense"),
        ("hmm", "goal_not_a_goal"),  # a sound, no goal: help to find one
        ("1234", "goal_nonsense"),
        ("hahaha", "goal_nonsense"),
        ("kkkkkkkk", "goal_nonsense"),
        ("!!!???", "goal_empty"),
        ("weet ik niet", "goal_not_a_goal"),
        ("Geen idee.", "goal_not_a_goal"),
        ("ja", "goal_not_a_goal"),
        ("hoi", "goal_not_a_goal"),
    ],
)
def test_unusable_answers_get_a_reason_for_a_friendly_reask(answer, problem):
    assert goal_problem(answer) == problem


@pytest.mark.parametrize(
    "answer",
    [
        "presenteren",
        "Excel",
        "beter feedback geven",
        "SQL",
        "rustig blijven in lastige gesprekken",
        ("beter plannen en overzicht houden " * 10)[:300],
        "Ik wil graag teamleider worden.",
        "angstschreeuw beheersen",
        "timemanagement",
    ],
)
def test_real_goals_are_accepted(answer):
    assert goal_problem(answer) is None


# goal -> (kind, subject), the rules alone (no spaCy)
RULE_CASES = [
    ("presenteren", "skill", "presenteren"),
    ("Presenteren", "skill", "presenteren"),
    ("Excel", "topic", "Excel"),
    ("excel", "topic", "Excel"),
    ("beter feedback geven", "skill", "feedback geven"),
    ("Ik wil beter leren presenteren", "skill", "presenteren"),
    ("hoe ik beter kan presenteren", "skill", "presenteren"),
    ("ik wil beter worden in Excel", "topic", "Excel"),
    ("meer weten over AI", "topic", "AI"),
    ("Python leren", "topic", "Python"),
    ("mijn Engels verbeteren", "topic", "Engels"),
    ("teamleider worden", "role", "teamleider"),
    ("Ik wil graag een goede leidinggevende worden", "role", "leidinggevende"),
    ("doorgroeien naar senior consultant", "role", "senior consultant"),
    ("met mijn team samenwerken", "skill", "samenwerken met je team"),
    ("klanten beter helpen", "skill", "klanten helpen"),
    ("ik wil leren programmeren in Python", "skill", "programmeren in Python"),
    ("rustig blijven in lastige gesprekken", "skill", "rustig blijven in lastige gesprekken"),
    ("get better at Excel", "topic", "Excel"),
    ("zelfverzekerder worden", "general", None),
    ("beter worden", "general", None),
]


@pytest.mark.parametrize("goal, kind, subject", RULE_CASES)
def test_rules_find_what_the_goal_is_about(goal, kind, subject):
    analysis = analyse_goal(goal, use_spacy=False)
    assert (analysis.kind, analysis.subject) == (kind, subject)
    assert analysis.analysed_by == "rules"


def test_a_goal_too_long_to_quote_is_general():
    long_goal = "ik wil leren hoe ik op een rustige manier met heel veel verschillende mensen in gesprek ga"
    analysis = analyse_goal(long_goal, use_spacy=False)
    assert analysis.kind == "general" and analysis.subject is None
    assert analysis.text == long_goal


@pytest.mark.parametrize(
    "odd", ["", "   ", "?", "🙂🙂", '/inform{"x":1}', "a" * 500, "123 456", "\n\t", "één", "de de de"]
)
def test_odd_goals_never_crash(odd):
    analysis = analyse_goal(odd, use_spacy=False)
    assert analysis.kind in ("skill", "topic", "role", "general")
    assert analysis.subject is None or analysis.subject.strip() == analysis.subject


def test_analysis_survives_a_slot_round_trip():
    analysis = analyse_goal("beter feedback geven", use_spacy=False)
    assert GoalAnalysis.from_slot(analysis.to_slot()) == analysis


def test_a_missing_or_broken_slot_falls_back_to_the_goal_text():
    assert GoalAnalysis.from_slot(None, "Excel").subject == "Excel"
    assert GoalAnalysis.from_slot({"kind": "nonsense"}, "").kind == "general"


def test_lemma_candidates_find_plain_forms():
    analysis = analyse_goal("betere presentaties geven", use_spacy=False)
    assert "presentatie" in lemma_candidates(analysis)


needs_spacy = pytest.mark.skipif(pipeline() is None, reason="Dutch spaCy pipeline not installed")


@needs_spacy
@pytest.mark.parametrize("goal, kind, subject", RULE_CASES)
def test_spacy_agrees_on_the_common_goals(goal, kind, subject):
    analysis = analyse_goal(goal)
    assert analysis.analysed_by == "spacy"
    assert (analysis.kind, analysis.subject) == (kind, subject)
    assert analysis.lemmas  # the pipeline's lemmas are kept for the route weights


@needs_spacy
def test_spacy_noun_chunks_shorten_a_long_topic():
    analysis = analyse_goal(
        "Ik wil meer weten over hoe je als organisatie omgaat met de nieuwe privacywetgeving in Europa"
    )
    assert analysis.kind == "topic"
    assert analysis.subject and "privacywetgeving" in analysis.subject
    assert len(analysis.subject.split()) <= 6


def test_without_spacy_the_analysis_still_works(monkeypatch):
    import leercoach.coaching.goal as goal_module

    monkeypatch.setattr(goal_module, "pipeline", lambda: None)
    analysis = goal_module.analyse_goal("beter feedback geven")
    assert (analysis.kind, analysis.subject, analysis.analysed_by) == ("skill", "feedback geven", "rules")


def test_a_pipeline_that_fails_on_a_text_falls_back_to_the_rules(monkeypatch):
    import leercoach.coaching.goal as goal_module

    def broken(_text):
        raise RuntimeError("model cannot read this")

    monkeypatch.setattr(goal_module, "pipeline", lambda: broken)
    assert goal_module.analyse_goal("Excel").analysed_by == "rules"


@pytest.mark.parametrize(
    "goal, shown",
    [
        ("ik wil teamleider worden", "teamleider worden"),
        ("Ik wil graag beter leren presenteren", "beter leren presenteren"),
        ("Excel", "Excel"),
        ("ik wil", "ik wil"),
    ],
)
def test_the_plan_shows_the_goal_without_ik_wil(goal, shown):
    assert analyse_goal(goal, use_spacy=False).display == shown
