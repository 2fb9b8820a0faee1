import pytest

from actions.context import ActionResolveReference
from leercoach import catalogue, content
from tests.actions.conftest import make_tracker, payloads, slot_events

AFTER_KENMERKEN = {"last_list": "kenmerk", "last_topic": "goede_leercultuur"}


def resolve(dispatcher, intent, text, slots):
    events = ActionResolveReference().run(dispatcher, make_tracker(intent, text, slots), {})
    return events, dispatcher.messages


@pytest.mark.parametrize(
    "text, expected_topic",
    [
        ("de tweede", "kenmerk_kennis_delen"),
        ("nummer 3", "kenmerk_ontwikkelmogelijkheden"),
        ("die laatste", "kenmerk_persoonlijke_groei"),
        ("de eerste graag", "kenmerk_openheid_vertrouwen"),
        ("optie 5 aub", "kenmerk_feedback_reflectie"),
    ],
)
def test_a_position_answers_that_item_of_the_last_list(dispatcher, text, expected_topic):
    events, messages = resolve(dispatcher, "refer_list_item", text, AFTER_KENMERKEN)
    assert slot_events(events)["last_topic"] == expected_topic
    assert messages[0]["text"].startswith(f"**{catalogue.topic(expected_topic).title}**")
    assert content.answer(expected_topic)["text"].strip()[:40] in messages[0]["text"]


def test_next_after_an_item_is_the_following_item(dispatcher):
    slots = {"last_list": "route", "last_topic": "route_zelfstudie"}
    events, _ = resolve(dispatcher, "next_item", "en de volgende?", slots)
    assert slot_events(events)["last_topic"] == "route_events"


def test_next_after_the_overview_is_the_first_item(dispatcher):
    slots = {"last_list": "drager", "last_topic": "leercultuur_stimuleren"}
    events, _ = resolve(dispatcher, "next_item", "volgende", slots)
    assert slot_events(events)["last_topic"] == "drager_inhoud_werk"


def test_next_after_the_last_item_says_the_list_ended(dispatcher):
    slots = {"last_list": "drager", "last_topic": "drager_externe_omgeving"}
    events, messages = resolve(dispatcher, "next_item", "volgende", slots)
    assert events == []
    assert messages[0]["text"] == content.message("end_of_list")
    assert "/drager_inhoud_werk" in payloads(messages[0])


def test_position_beyond_the_list_is_explained(dispatcher):
    events, messages = resolve(dispatcher, "refer_list_item", "nummer 9", AFTER_KENMERKEN)
    assert events == []
    assert messages[0]["text"] == content.message("out_of_range", count=7)


def test_tell_more_gives_the_deeper_text_of_the_last_topic(dispatcher):
    slots = {"last_list": "route", "last_topic": "route_samen_leren"}
    _, messages = resolve(dispatcher, "tell_more", "vertel meer", slots)
    assert messages[0]["text"] == content.answer("route_samen_leren")["more"].strip()


def test_reference_without_a_list_asks_what_to_talk_about(dispatcher):
    events, messages = resolve(dispatcher, "refer_list_item", "de tweede", {})
    assert events == []
    assert messages[0]["text"] == content.message("no_list")
    assert "/start_coaching" in payloads(messages[0])


def test_tell_more_twice_says_there_is_no_more_and_offers_the_next_item(dispatcher):
    slots = {"last_list": "route", "last_topic": "route_samen_leren", "more_shown": "route_samen_leren"}
    _, messages = resolve(dispatcher, "tell_more", "nog meer?", slots)
    title = catalogue.topic("route_samen_leren").title
    assert messages[0]["text"] == content.message("no_more", title=title)
    assert payloads(messages[0])[0] == "/route_zelfstudie"  # the next route
    assert content.answer("route_samen_leren")["more"].strip() not in messages[0]["text"]


def test_tell_more_records_that_the_more_text_was_shown(dispatcher):
    slots = {"last_list": "route", "last_topic": "route_samen_leren"}
    events, _ = resolve(dispatcher, "tell_more", "vertel meer", slots)
    assert slot_events(events)["more_shown"] == "route_samen_leren"


def test_tell_more_twice_after_a_faq_offers_the_next_questions(dispatcher):
    slots = {"last_topic": "wat_is_leercultuur", "more_shown": "wat_is_leercultuur"}
    _, messages = resolve(dispatcher, "tell_more", "vertel meer", slots)
    assert messages[0]["text"] == content.message(
        "no_more", title=catalogue.topic("wat_is_leercultuur").title
    )
    assert payloads(messages[0]) == ["/goede_leercultuur", "/belang_leercultuur"]


def test_a_manager_who_picks_an_item_gets_the_manager_version(dispatcher):
    slots = {"last_list": "drager", "last_topic": "leercultuur_stimuleren", "audience": "manager"}
    _, messages = resolve(dispatcher, "refer_list_item", "de vierde", slots)
    assert content.answer("drager_leiderschap")["manager"]["tip"] in messages[0]["text"]
