"""Reading a message: who is asking, English or not language at all, which word, where to go."""

import pytest

from leercoach.answering.audience import audience_in
from leercoach.answering.fallback import closest_topics, fresh_variant, off_topic_destination
from leercoach.answering.language import is_english, is_gibberish
from leercoach.answering.terms import term_in


@pytest.mark.parametrize(
    "text, audience",
    [
        ("ik ben leidinggevende", "manager"),
        ("Als manager wil ik dat mijn team meer leert", "manager"),
        ("hoe zorg ik dat mijn team feedback geeft?", "manager"),
        ("wat kan ik doen voor mijn medewerkers", "manager"),
        ("ik ben geen leidinggevende", "employee"),
        ("ik ben zelf geen leidinggevende, maar wil wel groeien", "employee"),
        ("mijn team deelt nooit iets", None),  # employees say "mijn team" too
        ("mijn leidinggevende geeft geen feedback", None),
        ("wat is een leercultuur", None),
    ],
)
def test_the_audience_is_read_from_what_people_say(text, audience):
    assert audience_in(text) == audience


@pytest.mark.parametrize(
    "text, english",
    [
        ("How can I improve the learning culture in my team?", True),
        ("do you speak english", True),
        ("what is a learning culture", True),
        ("hoe kan ik leren in mijn team verbeteren", False),
        ("ik wil een workshop over presenteren volgen", False),
        ("thanks!", False),
        ("hi", False),
    ],
)
def test_english_is_recognised(text, english):
    assert is_english(text) is english


@pytest.mark.parametrize(
    "text, gibberish",
    [
        ("asdfgh jkl", True),
        ("qwpoeiru zxmcnv", True),
        ("???", True),
        ("🙃", True),
        ("wat is een leercultur", False),  # a typo is not gibberish
        ("ik ben 61 en vraag me af of leren nog zin heeft", False),
        ("hoeveel verlof heb ik nog", False),
    ],
)
def test_gibberish_is_told_apart_from_real_words(text, gibberish):
    assert is_gibberish(text) is gibberish


@pytest.mark.parametrize(
    "text, term",
    [
        ("wat is het mkb", "mkb"),
        ("wat bedoel je met dragers?", "drager"),
        ("hoe werkt intervisie", "intervisie"),
        ("wat is cocreatie", "co_creatie"),
        ("wat betekent dat woord", None),
    ],
)
def test_the_word_asked_about_is_found(text, term):
    assert term_in(text) == term


@pytest.mark.parametrize(
    "text, destination",
    [
        ("waar vind ik mijn loonstrook", "hr"),
        ("hoe meld ik me ziek", "hr"),
        ("mijn laptop doet het niet", "servicedesk"),
        ("wat voor weer wordt het", "other"),
    ],
)
def test_off_topic_questions_have_a_destination(text, destination):
    assert off_topic_destination(text) == destination


def test_a_variant_is_never_what_was_just_said():
    assert fresh_variant(["a", "b"], set()) == "a"
    assert fresh_variant(["a", "b"], {"a"}) == "b"
    assert fresh_variant(["a", "b"], {"x", "b "}) == "a"


def test_closest_topics_are_knowledge_topics_or_coaching():
    ranking = [
        {"name": "goodbye", "confidence": 0.3},
        {"name": "kenmerk_kennis_delen", "confidence": 0.2},
        {"name": "start_coaching", "confidence": 0.1},
        {"name": "refer_list_item", "confidence": 0.1},
        {"name": "route_events", "confidence": 0.05},
        {"name": "drager_organisatie", "confidence": 0.04},
    ]
    assert closest_topics(ranking) == ["kenmerk_kennis_delen", "start_coaching", "route_events"]
