"""The fallbacks fit the message: not understood, unsure on topic, English, off-topic, complaint."""

import pytest

from actions.fallback import ActionComplaint, ActionFallback, ActionOffTopic
from leercoach import catalogue, content, settings
from leercoach.privacy.boundary import incoming
from tests.actions.conftest import make_tracker, payloads

SERVICE_DESK_WORDS = ("servicedesk", settings.servicedesk_contact())


def ranking(*pairs):
    return [{"name": "nlu_fallback", "confidence": settings.fallback_thresholds().threshold}] + [
        {"name": n, "confidence": c} for n, c in pairs
    ]


def after(tracker, bot_text):
    """The tracker as if Leercoach had said ``bot_text`` in answer to an earlier message."""
    latest = tracker.events[-1]
    tracker.events[-1:] = [{"event": "user", "text": "eerder"}, {"event": "bot", "text": bot_text}, latest]
    return tracker


def fallback(dispatcher, text, *pairs, said=None):
    tracker = make_tracker("nlu_fallback", text, ranking=ranking(*pairs))
    if said:
        after(tracker, said)
    events = ActionFallback().run(dispatcher, tracker, {})
    return events, dispatcher.messages


def test_two_close_topics_are_offered_as_a_choice(dispatcher):
    thresholds = settings.fallback_thresholds()
    top = thresholds.threshold + 0.01
    _, messages = fallback(
        dispatcher,
        "feedback",
        ("kenmerk_feedback_reflectie", top),
        # Closer than the ambiguity threshold (config.yml), whatever it is tuned to.
        ("route_reflectie_zelfevaluatie", top - thresholds.ambiguity_threshold / 2),
    )
    assert catalogue.topic("kenmerk_feedback_reflectie").title in messages[0]["text"]
    assert payloads(messages[0])[:2] == ["/kenmerk_feedback_reflectie", "/route_reflectie_zelfevaluatie"]


@pytest.mark.parametrize("text", ["asdfgh jkl", "qwpoeiru zxmcnv", "?!?!", "🙃🙃"])
def test_gibberish_is_not_understood_and_offers_the_main_topics(dispatcher, text):
    _, messages = fallback(dispatcher, text, ("greet", 0.2), ("thanks", 0.19))
    assert messages[0]["text"] in content.variants("not_understood")
    assert "/start_coaching" in payloads(messages[0])


def test_a_sincere_question_on_topic_gets_the_closest_topics_never_the_service_desk(dispatcher):
    text = "ik ben 61 en vraag me af of het voor mij nog zin heeft om nieuwe dingen te leren"
    _, messages = fallback(
        dispatcher,
        text,
        ("belang_leercultuur", 0.25),
        ("goodbye", 0.2),
        ("kenmerk_persoonlijke_groei", 0.15),
        ("werknemer_ontwikkelen", 0.1),
    )
    assert messages[0]["text"] in content.variants("unsure")
    assert payloads(messages[0])[:3] == [
        "/belang_leercultuur",
        "/kenmerk_persoonlijke_groei",
        "/werknemer_ontwikkelen",
    ]
    assert not any(word in messages[0]["text"].lower() for word in SERVICE_DESK_WORDS)


def test_the_same_fallback_text_is_never_sent_twice_in_a_row(dispatcher):
    first = content.variants("not_understood")[0]
    _, messages = fallback(dispatcher, "xkcdqwz vbnmrt", ("greet", 0.2), said=first)
    assert messages[0]["text"] in content.variants("not_understood")
    assert messages[0]["text"] != first


def test_english_gets_one_english_sentence_then_help_in_dutch(dispatcher):
    _, messages = fallback(dispatcher, "How can I improve the learning culture in my team?", ("greet", 0.2))
    assert messages[0]["text"] in content.variants("english")
    assert messages[1]["text"] == content.conversation("english_help")
    assert "/wat_is_leercultuur" in payloads(messages[1])


def test_an_english_request_still_gets_the_english_sentence_after_the_channel_redacts_it(dispatcher):
    # Every channel passes the redacted text on (leercoach.privacy.boundary); "Can" is also a
    # first name, and "[NAAM] you help me in English?" no longer read as English (issue 17).
    text = incoming("rest", "employee-17", "Can you help me in English?").text
    assert text == "Can you help me in English?"
    _, messages = fallback(dispatcher, text, ("greet", 0.2))
    assert messages[0]["text"] in content.variants("english")
    assert messages[1]["text"] == content.conversation("english_help")


def test_core_fallback_ends_the_turn_instead_of_looping(dispatcher):
    # The policies found no rule for this message (intent understood, conversation state not).
    tracker = make_tracker("affirm", "ja", ranking=[{"name": "affirm", "confidence": 0.99}])
    events = ActionFallback().run(dispatcher, tracker, {})
    assert events == [{"event": "rewind", "timestamp": None}]
    assert dispatcher.messages[0]["text"] == content.message("fallback")


@pytest.mark.parametrize(
    "text, destination",
    [
        ("wanneer wordt mijn salaris gestort", "off_topic_hr"),
        ("hoeveel verlofuren heb ik nog", "off_topic_hr"),
        ("mijn laptop start niet op", "off_topic_servicedesk"),
        ("ik ben mijn wachtwoord vergeten", "off_topic_servicedesk"),
    ],
)
def test_off_topic_work_questions_say_where_to_go(dispatcher, monkeypatch, text, destination):
    monkeypatch.setenv("LEERCOACH_HR_CONTACT", "Team Mens & Werk, toestel 1234")
    monkeypatch.setenv("LEERCOACH_SERVICEDESK_CONTACT", "ICT-balie, toestel 4444")
    ActionOffTopic().run(dispatcher, make_tracker("out_of_scope", text), {})
    assert dispatcher.messages[0]["text"] in content.variants(destination, **settings.text_values())
    contact = "toestel 1234" if destination == "off_topic_hr" else "toestel 4444"
    assert contact in dispatcher.messages[0]["text"]


def test_other_off_topic_questions_get_a_short_answer_without_a_desk(dispatcher):
    ActionOffTopic().run(dispatcher, make_tracker("out_of_scope", "wordt het morgen mooi weer?"), {})
    text = dispatcher.messages[0]["text"]
    assert text == content.answer("out_of_scope")["text"].strip()
    assert not any(word in text.lower() for word in SERVICE_DESK_WORDS)
    assert len(text.split()) <= 40


def test_off_topic_twice_in_a_row_gets_another_text(dispatcher):
    tracker = after(
        make_tracker("out_of_scope", "en wie wint er vanavond?"), content.answer("out_of_scope")["text"]
    )
    ActionOffTopic().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] in content.variants("off_topic_other")


def test_a_complaint_is_acknowledged_and_offers_a_way_on(dispatcher):
    ActionComplaint().run(dispatcher, make_tracker("complaint", "dit slaat nergens op"), {})
    assert dispatcher.messages[0]["text"] in content.variants("complaint")
    assert "/human_handoff" in payloads(dispatcher.messages[0])


@pytest.mark.parametrize("text", ["asdfgh", "sdfkjhsdf", "🙈"])
def test_keyboard_mash_classified_as_out_of_scope_is_still_not_understood(dispatcher, text):
    ActionOffTopic().run(dispatcher, make_tracker("out_of_scope", text), {})
    assert dispatcher.messages[0]["text"] in content.variants("not_understood")


def test_an_english_off_topic_question_says_it_speaks_dutch(dispatcher):
    ActionOffTopic().run(dispatcher, make_tracker("out_of_scope", "how do I reset my password"), {})
    assert dispatcher.messages[0]["text"] in content.variants("english")
    assert dispatcher.messages[1]["text"] == content.conversation("english_help")
