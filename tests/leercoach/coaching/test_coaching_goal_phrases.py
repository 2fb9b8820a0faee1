"""Any goal, in any wording, gives a short goal phrase and grammatical steps (issue 12, item 3).

Sixty goals as people type them: short, long, "ik wil ...", with reasons, with typos, with a
name the redaction replaced. For each: every step of every route reads as a sentence of its
own — the raw goal sentence, its reason, first-person words or a redaction token never show.
"""

import re
from datetime import date

import pytest

from leercoach import catalogue
from leercoach.coaching.goal import analyse_goal, goal_clause, tidy
from leercoach.coaching.plan import build_plan, plan_message
from leercoach.coaching.ranking import rank_routes
from leercoach.coaching.steps import build_steps, render_step
from tests.leercoach.coaching.personas import ALONE as ANSWERS

ROUTES = [t.key for t in catalogue.topics_in("route")]
TODAY = date(2026, 12, 1)

GOALS = [
    # short
    "presenteren",
    "Excel",
    "SQL",
    "leidinggeven",
    "timemanagment",
    "gesprekstechnieken",
    "Agile werken",
    "projectmanagement",
    "omgaan met stress",
    "Duits leren",
    "klantgerichter werken",
    # "ik wil ..."
    "ik wil teamleider worden",
    "Ik wil graag leren programmeren in JavaScript",
    "ik wil coach worden",
    "ik zou graag meer willen weten over AI",
    "ik wil sneller typen",
    "ik wil groeien",
    "ik wil beter leren delegeren aan mijn teamleden",
    "ik wil de stap maken naar projectleider",
    "ik wil mijn presentatievaardigheden verbeteren",
    "Ik wil SQL leren.",
    "ik zou graag Scrum master worden",
    "ik wil leren lesgeven",
    "ik wil me verdiepen in kunstmatige intelligentie",
    "mijn doel is beter communiceren",
    "ik wil leren om beter te plannen",
    "ik wil assertiever worden",
    "ik wil mijn kennis over de AVG bijspijkeren",
    "ik wil beter voor mezelf opkomen in vergaderingen",
    "ik wil graag een opleiding tot verpleegkundige volgen",
    # long, with reasons
    "ik wil beter leren presenteren voor grote groepen",
    "Ik wil graag beter worden in Excel omdat ik veel met cijfers werk",
    "ik wil teamleider worden want dat lijkt me leuk",
    "ik wil leren plannen zodat ik minder stress heb",
    "ik wil Python leren om rapporten te automatiseren",
    "Ik wil graag leren hoe ik een goede presentatie geef aan het management, want ik moet volgend kwartaal de cijfers presenteren",
    "ik wil beter schrijven, vooral rapporten en adviezen",
    "ik wil leren coachen, omdat ik sinds kort mensen begeleid",
    "ik wil mijn werk beter organiseren want ik vergeet vaak dingen",
    "ik wil beter worden in het voeren van moeilijke gesprekken met klanten die boos zijn",
    "Ik wil meer weten over hoe je als organisatie omgaat met de nieuwe privacywetgeving in Europa",
    "ik wil beter kunnen onderhandelen met leveranciers zodat we minder betalen",
    "ik wil beter omgaan met verandering in de organisatie, dat vind ik lastig",
    "ik wil meer leren over duurzaamheid in de bouw omdat onze klanten daar steeds vaker om vragen",
    "ik wil leren hoe je een team motiveert",
    # with typos
    "beter pressenteren",
    "ik wil mijn excel skils verbeteren",
    "beter feedbak geven",
    "ik wil leiding leren geven",
    "exel beter leren",
    "ik wil beter plannnen",
    "projectleidr worden",
    # other shapes
    "beter feedback geven",
    "beter samenwerken met mijn collega's",
    "conflicten oplossen in mijn team",
    "mijn netwerk uitbreiden",
    "feedback vragen aan collega's",
    "beter met excel kunnen werken",
    "meer zelfvertrouwen krijgen",
    "stoppen met uitstellen",
    # a name the redaction replaced
    "Ik wil graag beter leren samenwerken met [NAAM] en de rest van het team",
    "ik wil beter overleggen met [NAAM] over planning",
]

FIRST_PERSON = re.compile(r"\b(?:ik|mijn|m'n|mij|mezelf|wil graag)\b", re.IGNORECASE)
REASONS = re.compile(r"\b(?:want|omdat|zodat|aangezien)\b", re.IGNORECASE)
SEAMS = re.compile(r"\{|\}|\s{2,}|\s[,.?]|\b(\w+) \1\b|\.\.|\bte te\b|\bom om\b")
TOKEN = re.compile(r"\[[A-Z-]+\]")


def test_there_are_at_least_fifty_varied_goals():
    assert len(set(GOALS)) >= 50


@pytest.mark.parametrize("goal", GOALS)
def test_every_step_for_any_goal_is_clean(goal):
    analysis = analyse_goal(goal)
    raw = tidy(goal)
    for route in ROUTES:
        for second in (r for r in ROUTES if r != route):
            for number, step in enumerate(build_steps(analysis, [route, second], ANSWERS, TODAY), start=1):
                line = render_step(number, step)
                if raw.lower() != (analysis.subject or "").lower():
                    assert raw.lower() not in line.lower(), line  # never the raw sentence
                assert not FIRST_PERSON.search(step.what), step.what
                assert not REASONS.search(step.what), step.what
                assert not TOKEN.search(line), line
                assert not SEAMS.search(line), line
                assert step.what[0].isupper() and step.what[-1] in ".?", step.what


@pytest.mark.parametrize("goal", GOALS)
def test_the_subject_fits_inside_a_sentence(goal):
    analysis = analyse_goal(goal)
    if analysis.subject is None:
        assert analysis.kind == "general"
        return
    words = analysis.subject.split()
    assert len(words) <= 7
    assert words[0].lower() not in {"ik", "mijn", "hoe", "wat", "om", "te", "en", "met", "voor", "in", "op"}
    assert not REASONS.search(analysis.subject) and not TOKEN.search(analysis.subject)
    if analysis.kind == "topic":
        # a topic goes after "over": no verb of wanting or improving left at its end
        assert not re.search(r"\b(?:leren|verbeteren|worden|willen|kunnen)$", analysis.subject)


@pytest.mark.parametrize("goal", GOALS)
def test_the_plan_shows_a_short_phrase_not_the_sentence(goal):
    analysis = analyse_goal(goal)
    phrase = analysis.display
    assert phrase and len(phrase.strip("'").split()) <= 11
    assert not REASONS.search(phrase) and not TOKEN.search(phrase)
    if not phrase.startswith("'"):  # the person's own words, quoted, may say "ik"
        assert not FIRST_PERSON.search(phrase), phrase
    plan = build_plan(analysis, ANSWERS, rank_routes(ANSWERS, analysis), [ROUTES[0]], TODAY)
    assert f"Doel: {phrase}" in plan_message(plan)


@pytest.mark.parametrize(
    "goal, kind, subject, phrase",
    [
        (
            "ik wil beter leren presenteren voor grote groepen",
            "skill",
            "presenteren voor grote groepen",
            None,
        ),
        (
            "Ik wil graag beter worden in Excel omdat ik veel met cijfers werk",
            "topic",
            "Excel",
            "beter worden in Excel",
        ),
        ("ik wil teamleider worden want dat lijkt me leuk", "role", "teamleider", "teamleider worden"),
        ("ik zou graag meer willen weten over AI", "topic", "AI", "meer weten over AI"),
        ("ik wil Python leren om rapporten te automatiseren", "topic", "Python", "Python leren"),
        ("ik wil leren om beter te plannen", "skill", "plannen", "beter plannen"),
        ("ik wil leren plannen zodat ik minder stress heb", "skill", "plannen", "leren plannen"),
        ("mijn doel is beter communiceren", "skill", "communiceren", "beter communiceren"),
        ("ik wil me verdiepen in kunstmatige intelligentie", "topic", "kunstmatige intelligentie", None),
        ("ik zou graag Scrum master worden", "role", "Scrum master", "Scrum master worden"),
        ("beter met excel kunnen werken", "skill", "werken met Excel", None),
        ("ik wil graag een opleiding tot verpleegkundige volgen", "role", "verpleegkundige", None),
        ("ik wil beter schrijven, vooral rapporten en adviezen", "skill", "schrijven", "beter schrijven"),
        ("ik wil leren hoe je een team motiveert", "general", None, "leren hoe je een team motiveert"),
        (
            "Ik wil graag beter leren samenwerken met [NAAM] en de rest van het team",
            "skill",
            "samenwerken met de rest van het team",
            "beter leren samenwerken met de rest van het team",
        ),
    ],
)
def test_what_the_goal_is_reduced_to(goal, kind, subject, phrase):
    analysis = analyse_goal(goal)
    assert (analysis.kind, analysis.subject) == (kind, subject)
    if phrase is not None:
        assert analysis.display == phrase


@pytest.mark.parametrize(
    "sentence, clause",
    [
        ("ik wil Excel leren want ik werk veel met cijfers", "Excel leren"),
        ("ik wil leren om beter te plannen, dat is lastig", "beter plannen"),
        ("beter overleggen met [NAAM] over planning", "beter overleggen over planning"),
        ("presenteren", "presenteren"),
    ],
)
def test_the_goal_clause_drops_reasons_and_personal_data(sentence, clause):
    assert goal_clause(sentence) == clause
