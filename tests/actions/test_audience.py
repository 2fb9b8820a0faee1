"""Employee or manager: the answer fits who is asking, and team questions get an honest answer."""

import pytest

from actions.answers import ActionAnswerTopic
from actions.audience import ActionSetAudience, ActionTeamPlan, ActionTeamStarters
from leercoach import catalogue, content
from tests.actions.conftest import make_tracker, payloads, slot_events

MANAGER_TOPICS = [
    *(t.key for t in catalogue.topics_in("drager")),
    "kenmerk_leidinggevenden",
    "kenmerk_feedback_reflectie",
]


def answer(dispatcher, key, text="", **slots):
    events = ActionAnswerTopic().run(dispatcher, make_tracker(key, text, slots), {})
    return slot_events(events), dispatcher.messages


@pytest.mark.parametrize("key", MANAGER_TOPICS)
def test_a_manager_gets_the_manager_version_of_answer_and_tip(dispatcher, key):
    _, messages = answer(dispatcher, key, audience="manager")
    version = content.answer(key)["manager"]
    assert version["text"].strip() in messages[0]["text"]
    assert version["tip"] in messages[0]["text"]
    assert content.answer(key)["tip"] not in messages[0]["text"]


def test_saying_you_lead_a_team_in_the_question_is_enough(dispatcher):
    slots, messages = answer(
        dispatcher, "leercultuur_stimuleren", "ik ben teamleider, hoe verbeter ik het leren in mijn team?"
    )
    assert slots["audience"] == "manager"
    assert messages[0]["text"] == content.answer("leercultuur_stimuleren")["manager"]["text"].strip()
    assert len(messages) == 1  # no "ben je leidinggevende?" when they just said so


def test_unknown_audience_is_asked_once_where_the_answer_differs(dispatcher):
    slots, messages = answer(dispatcher, "drager_leiderschap", "wat is leiderschap als drager")
    assert content.answer("drager_leiderschap")["tip"] in messages[0]["text"]  # the employee version
    assert messages[1]["text"] == content.message("audience_question")
    assert payloads(messages[1]) == ["/i_am_manager", "/i_am_employee"]
    assert slots["audience_asked"] is True


def test_the_audience_question_is_not_repeated(dispatcher):
    _, messages = answer(dispatcher, "drager_organisatie", audience_asked=True)
    assert len(messages) == 1


def test_topics_that_do_not_differ_never_ask(dispatcher):
    slots, messages = answer(dispatcher, "route_zelfstudie")
    assert len(messages) == 1 and "audience_asked" not in slots


def test_an_employee_keeps_the_employee_version(dispatcher):
    _, messages = answer(dispatcher, "kenmerk_leidinggevenden", audience="employee")
    assert content.answer("kenmerk_leidinggevenden")["tip"] in messages[0]["text"]
    assert len(messages) == 1


def test_i_am_the_manager_gives_the_last_answer_again_for_managers(dispatcher):
    # The case: told to talk to their manager, they say they *are* the manager.
    tracker = make_tracker(
        "i_am_manager",
        "maar ik ben zelf de leidinggevende",
        {"last_list": "kenmerk", "last_topic": "kenmerk_leidinggevenden"},
    )
    events = ActionSetAudience().run(dispatcher, tracker, {})
    assert slot_events(events)["audience"] == "manager"
    assert dispatcher.messages[0]["text"] == content.conversation("manager_noted")
    assert content.answer("kenmerk_leidinggevenden")["manager"]["tip"] in dispatcher.messages[1]["text"]


def test_i_am_the_manager_without_a_topic_says_what_there_is_for_managers(dispatcher):
    events = ActionSetAudience().run(dispatcher, make_tracker("i_am_manager", "ik ben manager"), {})
    assert slot_events(events)["audience"] == "manager"
    assert dispatcher.messages[1]["text"] == content.conversation("manager_offer")
    assert payloads(dispatcher.messages[1]) == [
        "/team_starters",
        "/leercultuur_stimuleren",
        "/start_coaching",
    ]


def test_i_am_an_employee_is_remembered(dispatcher):
    events = ActionSetAudience().run(dispatcher, make_tracker("i_am_employee", "ik ben medewerker"), {})
    assert slot_events(events) == {"audience": "employee", "audience_asked": True}
    assert dispatcher.messages[0]["text"] == content.conversation("employee_noted")


def test_a_plan_for_the_team_is_answered_honestly(dispatcher):
    events = ActionTeamPlan().run(
        dispatcher, make_tracker("team_plan", "kun je een plan voor mijn team maken?"), {}
    )
    assert slot_events(events)["audience"] == "manager"
    assert dispatcher.messages[0]["text"] == content.conversation("team_plan")
    assert payloads(dispatcher.messages[0]) == [
        "/team_starters",
        "/leercultuur_stimuleren",
        "/start_coaching",
    ]


def test_conversation_starters_for_the_team(dispatcher):
    ActionTeamStarters().run(dispatcher, make_tracker("team_starters", "gespreksstarters"), {})
    assert dispatcher.messages[0]["text"] == content.conversation("team_starters")
    assert "/team_starters" not in payloads(dispatcher.messages[0])
