"""'Had je hier iets aan?': which answers offer 👍 / 👎, and the reply to a click (or to anything else)."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerTopic
from actions.audience import ActionSetAudience
from actions.context import ActionResolveReference
from actions.feedback import ActionAnswerFeedback
from leercoach import catalogue, content, settings
from leercoach.answering import feedback
from leercoach.review import reading
from tests.actions.conftest import make_tracker

HUGE = "x" * 100_000
KNOWLEDGE = [t.key for g in ("faq", "kenmerk", "drager", "route") for t in catalogue.topics_in(g)]
NOT_ANSWERS = ["greet", "goodbye", "thanks", "capabilities", "bot_challenge", "human_handoff", "privacy_info"]


def offers(messages):
    return [
        m for m in messages if (m.get("custom") or {}).get("leercoach", {}).get("type") == "feedback_offer"
    ]


def click(value, earlier_bot_texts=(), text=None, slots=None):
    """The message the widget's button sends, after a conversation whose bot said ``earlier_bot_texts``."""
    text = text if text is not None else f'/answer_feedback{{"feedback":"{value}"}}'
    latest = {
        "intent": {"name": "answer_feedback", "confidence": 1.0},
        "entities": [{"entity": "feedback", "value": value}] if value is not None else [],
        "text": text,
    }
    events = [{"event": "bot", "text": said} for said in earlier_bot_texts]
    events.append({"event": "user", "text": text, "parse_data": latest})
    tracker = Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": {"last_list": "kenmerk", "last_topic": "kenmerk_kennis_delen", **(slots or {})},
            "latest_message": latest,
            "events": events,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
    dispatcher = CollectingDispatcher()
    return dispatcher.messages, ActionAnswerFeedback().run(dispatcher, tracker, {})


@pytest.mark.parametrize("key", KNOWLEDGE)
def test_every_knowledge_answer_offers_feedback_once_with_its_text(key, dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker(key), {})
    found = offers(dispatcher.messages)
    assert len(found) == 1, key
    # The offer rides on the answer itself (the same message), so the widget knows which answer.
    assert found[0]["text"] and found[0] is dispatcher.messages[0]


@pytest.mark.parametrize("key", NOT_ANSWERS)
def test_greetings_small_talk_and_hr_texts_offer_no_feedback(key, dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker(key), {})
    assert not offers(dispatcher.messages)


def test_the_audience_question_after_an_answer_has_no_buttons_of_its_own(dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker("drager_leiderschap"), {})
    assert len(dispatcher.messages) == 2  # the answer, then "Ben je zelf leidinggevende?"
    assert offers(dispatcher.messages) == [dispatcher.messages[0]]


def test_de_tweede_and_vertel_meer_are_answers_too_but_no_more_is_not(dispatcher):
    slots = {"last_list": "kenmerk", "last_topic": "goede_leercultuur"}
    ActionResolveReference().run(dispatcher, make_tracker("refer_list_item", "de tweede", slots), {})
    assert len(offers(dispatcher.messages)) == 1
    more = CollectingDispatcher()
    slots = {"last_list": "route", "last_topic": "route_samen_leren"}
    ActionResolveReference().run(more, make_tracker("tell_more", "vertel meer", slots), {})
    assert len(offers(more.messages)) == 1
    no_more = CollectingDispatcher()
    slots = {**slots, "more_shown": "route_samen_leren"}
    ActionResolveReference().run(no_more, make_tracker("tell_more", "nog meer?", slots), {})
    assert no_more.messages and not offers(no_more.messages)


def test_the_manager_version_of_the_last_answer_offers_feedback(dispatcher):
    tracker = make_tracker("i_am_manager", "ik ben leidinggevende", {"last_topic": "drager_leiderschap"})
    ActionSetAudience().run(dispatcher, tracker, {})
    assert len(offers(dispatcher.messages)) == 1


@pytest.mark.parametrize("channel", ["slack", "botframework", "cmdline"])
def test_only_the_widget_gets_the_offer_not_slack_teams_or_the_shell(channel, dispatcher):
    ActionAnswerTopic().run(dispatcher, make_tracker("route_zelfstudie", channel=channel), {})
    assert dispatcher.messages and not offers(dispatcher.messages)
    assert not any(m.get("custom") for m in dispatcher.messages)


def test_fallbacks_offer_no_feedback(dispatcher):
    ActionResolveReference().run(dispatcher, make_tracker("refer_list_item", "de tweede", {}), {})
    assert dispatcher.messages and not offers(dispatcher.messages)


def test_thumbs_up_is_thanked_and_the_widget_is_told_it_was_received():
    messages, events = click("up")
    assert events == []  # no slot changes: "de tweede" afterwards still refers to the same list
    assert [m["text"] for m in messages] == [content.conversation("feedback_up")]
    assert messages[0]["custom"] == {
        "leercoach": {"type": "feedback_received", "version": 1, "feedback": "up"}
    }
    assert not messages[0]["buttons"]


def test_thumbs_down_says_sorry_offers_to_rephrase_and_names_hr(monkeypatch):
    monkeypatch.setenv("LEERCOACH_HR_CONTACT", "Team Mens & Werk, mensenwerk@acme.nl")
    messages, events = click("down")
    assert events == []
    text = messages[0]["text"]
    assert text.startswith("Sorry") and "mensenwerk@acme.nl" in text and "andere manier" in text
    assert messages[0]["custom"]["leercoach"]["feedback"] == "down"


def test_a_second_thumbs_down_gets_the_other_sorry_and_a_third_the_first_again():
    first = click("down")[0][0]["text"]
    second = click("down", ["antwoord A", first, "antwoord B"])[0][0]["text"]
    third = click("down", ["antwoord A", first, "antwoord B", second, "antwoord C"])[0][0]["text"]
    assert first != second and third == first
    variants = content.variants("feedback_down", **settings.text_values())
    assert {first, second} == set(variants)


@pytest.mark.parametrize("value", ["meh", "UP", ["up"], 1, {"up": True}, HUGE, None])
def test_a_made_up_or_typed_value_gets_a_normal_answer_not_an_error(value):
    messages, events = click(value, text='/answer_feedback{"feedback": ' + repr(value)[:40] + "}")
    assert events == []
    assert [m["text"] for m in messages] == [content.conversation("feedback_unclear")]
    assert not messages[0].get("custom")  # nothing for the widget to answer in place of
    assert "/start_coaching" in [b["payload"] for b in messages[0]["buttons"]]  # a way on


def test_typed_rating_without_entity_gets_the_neutral_answer():
    messages, _ = click(None, text="duim omlaag")
    assert messages[0]["text"] == content.conversation("feedback_unclear")


def test_the_widget_and_the_review_app_speak_the_same_values():
    assert feedback.INTENT == reading.FEEDBACK_INTENT
    assert feedback.VALUES == reading.FEEDBACK_VALUES
    assert feedback.offers_feedback("route_zelfstudie") and not feedback.offers_feedback("greet")
    assert not feedback.offers_feedback(None) and not feedback.offers_feedback("bestaat_niet")
