import pytest

from actions.answers import ActionAnswerTopic, ActionExplainTerm
from leercoach import catalogue, content
from tests.actions.conftest import make_tracker, payloads, slot_events

KNOWLEDGE_KEYS = [t.key for g in ("faq", "kenmerk", "drager", "route") for t in catalogue.topics_in(g)]


@pytest.mark.parametrize("key", KNOWLEDGE_KEYS)
def test_every_knowledge_topic_gets_a_dutch_answer(key, dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker(key), {})
    assert dispatcher.messages, key
    assert all(m["text"] and "{" not in m["text"] for m in dispatcher.messages), "unfilled placeholder"


def test_overview_of_routes_offers_all_eight_and_personal_advice(dispatcher):
    events = ActionAnswerTopic().run(dispatcher, make_tracker("werknemer_ontwikkelen"), {})
    buttons = payloads(dispatcher.messages[0])
    assert buttons[:8] == [f"/{t.key}" for t in catalogue.topics_in("route")]
    assert "/start_coaching" in buttons
    assert slot_events(events) == {
        "last_list": "route",
        "last_topic": "werknemer_ontwikkelen",
        "more_shown": None,
    }


def test_drill_down_leads_onward_and_back(dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker("kenmerk_kennis_delen"), {})
    buttons = payloads(dispatcher.messages[0])
    assert buttons[0] == "/kenmerk_ontwikkelmogelijkheden"  # the next kenmerk
    assert "/goede_leercultuur" in buttons  # back to the overview


def test_last_item_of_a_list_has_no_next_button(dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker("drager_externe_omgeving"), {})
    assert payloads(dispatcher.messages[0]) == ["/leercultuur_stimuleren"]


def test_sources_are_named_where_the_faq_names_them(dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker("wat_is_leercultuur"), {})
    assert content.answer("wat_is_leercultuur")["source"] in dispatcher.messages[0]["text"]


def test_handoff_uses_the_configured_hr_contact(dispatcher, monkeypatch):
    monkeypatch.setenv("LEERCOACH_HR_CONTACT", "Team Mens & Werk, mensenwerk@acme.nl")
    ActionAnswerTopic().run(dispatcher, make_tracker("human_handoff"), {})
    assert "mensenwerk@acme.nl" in dispatcher.messages[0]["text"]


def test_privacy_answer_contains_the_privacy_text(dispatcher, monkeypatch):
    monkeypatch.setenv("LEERCOACH_RETENTION_DAYS", "90")
    ActionAnswerTopic().run(dispatcher, make_tracker("privacy_info"), {})
    assert "90" in dispatcher.messages[0]["text"]


def test_small_talk_keeps_the_list_context(dispatcher):
    tracker = make_tracker("privacy_info", slots={"last_list": "kenmerk", "last_topic": "goede_leercultuur"})
    assert ActionAnswerTopic().run(dispatcher, tracker, {}) == []


@pytest.mark.parametrize(
    "text, term",
    [
        ("wat is mkb?", "mkb"),
        ("wat bedoel je met een drager", "drager"),
        ("Intervisie, wat is dat?", "intervisie"),
    ],
)
def test_words_the_answers_use_are_explained(dispatcher, text, term):
    ActionExplainTerm().run(dispatcher, make_tracker("explain_term", text), {})
    assert dispatcher.messages[0]["text"] == content.terms()[term]["text"].strip()
    assert payloads(dispatcher.messages[0]) == [f"/{content.terms()[term]['topic']}"]


def test_an_unknown_word_says_which_words_it_can_explain(dispatcher):
    ActionExplainTerm().run(dispatcher, make_tracker("explain_term", "wat betekent dat woord"), {})
    assert dispatcher.messages[0]["text"] in content.variants("term_unknown")


def test_an_english_question_answered_gets_the_english_sentence_first(dispatcher):
    tracker = make_tracker("wat_is_leercultuur", "what is a learning culture?")
    ActionAnswerTopic().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] in content.variants("english")
    assert content.answer("wat_is_leercultuur")["text"].strip() in dispatcher.messages[1]["text"]
