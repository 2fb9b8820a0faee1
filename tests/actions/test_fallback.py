from actions.fallback import ActionFallback
from leercoach import catalogue, content, settings
from tests.actions.conftest import make_tracker, payloads


def ranking(*pairs):
    return [{"name": "nlu_fallback", "confidence": settings.fallback_thresholds().threshold}] + [
        {"name": n, "confidence": c} for n, c in pairs
    ]


def test_two_close_topics_are_offered_as_a_choice(dispatcher):
    top = settings.fallback_thresholds().threshold + 0.01
    tracker = make_tracker(
        "nlu_fallback",
        "feedback",
        ranking=ranking(("kenmerk_feedback_reflectie", top), ("route_reflectie_zelfevaluatie", top - 0.01)),
    )
    ActionFallback().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert catalogue.topic("kenmerk_feedback_reflectie").title in message["text"]
    assert payloads(message)[:2] == ["/kenmerk_feedback_reflectie", "/route_reflectie_zelfevaluatie"]


def test_low_confidence_offers_main_topics_and_hr(dispatcher):
    tracker = make_tracker("nlu_fallback", "blabla", ranking=ranking(("greet", 0.2), ("thanks", 0.19)))
    ActionFallback().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert message["text"] == content.message("fallback")
    assert "/human_handoff" in payloads(message) and "/start_coaching" in payloads(message)


def test_core_fallback_ends_the_turn_instead_of_looping(dispatcher):
    # The policies found no rule for this message (intent understood, conversation state not).
    tracker = make_tracker("affirm", "ja", ranking=[{"name": "affirm", "confidence": 0.99}])
    events = ActionFallback().run(dispatcher, tracker, {})
    assert events == [{"event": "rewind", "timestamp": None}]
    assert dispatcher.messages[0]["text"] == content.message("fallback")
