"""Calls to the action server carry the recent turns only and are checked by a validator built
once, with the same outcome for the actions and for a broken response as Rasa's own."""

import asyncio
import collections

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa_sdk.executor import ActionExecutor

from leercoach.dialogue import action_calls
from tests.leercoach.dialogue.test_policies import DOMAIN, conversation


def _user(number):
    return UserUttered(f"vraag {number}", {"name": "goede_leercultuur", "confidence": 1.0})


def test_recent_events_start_at_the_tenth_last_user_message():
    events = collections.deque()
    for number in range(25):
        events.extend(
            [_user(number), ActionExecuted("action_answer_topic"), BotUttered(f"antwoord {number}")]
        )
    recent = action_calls.recent_events(events)
    assert recent[0].text == "vraag 15"
    assert recent[-1].text == "antwoord 24"
    assert len(recent) == 30


def test_a_short_conversation_travels_whole():
    events = collections.deque([ActionExecuted("action_listen"), _user(1), BotUttered("hoi")])
    assert action_calls.recent_events(events) == list(events)


def test_the_call_differs_from_rasas_only_by_the_older_events():
    tracker = conversation(60)
    ours = RemoteAction("action_answer_topic", None)._action_call_format(tracker, DOMAIN)
    rasas = action_calls._rasa_call_format(RemoteAction("action_answer_topic", None), tracker, DOMAIN)
    our_events, all_events = ours["tracker"].pop("events"), rasas["tracker"].pop("events")
    assert ours == rasas  # slots, latest message, active form, domain: as Rasa sends them
    assert len(our_events) < len(all_events) / 4
    assert all_events[-len(our_events) :] == our_events


@pytest.mark.parametrize(
    "action",
    [
        "action_answer_topic",
        "action_resolve_reference",
        "action_fallback",
        "action_coaching_stop",
        "action_coaching_show_plan",
    ],
)
def test_the_actions_answer_the_same_with_the_recent_turns_as_with_the_whole_conversation(action):
    executor = ActionExecutor()
    executor.register_package("actions")
    tracker = conversation(41)
    remote = RemoteAction(action, None)
    ours = remote._action_call_format(tracker, DOMAIN)
    rasas = action_calls._rasa_call_format(remote, tracker, DOMAIN)
    ours_reply = asyncio.run(executor.run(ours))
    rasas_reply = asyncio.run(executor.run(rasas))
    assert ours_reply == rasas_reply
    assert ours_reply["responses"] or ours_reply["events"]


VALID = {
    "events": [{"event": "slot", "name": "last_topic", "value": "kenmerk_kennis_delen"}],
    "responses": [{"text": "Hoi", "buttons": [{"title": "Meer", "payload": "/meer"}]}],
}
BROKEN = [
    {"events": [{"event": "slot", "name": 3}]},
    {"events": "geen lijst"},
    {"responses": [1, 2]},
    {"events": [{"event": "onbekend"}]},
]


def test_a_valid_response_passes():
    assert RemoteAction("x", None)._validate_action_result(VALID)


@pytest.mark.parametrize("response", BROKEN)
def test_a_broken_response_is_refused_with_rasas_message(response):
    with pytest.raises(ValidationError) as ours:
        RemoteAction("x", None)._validate_action_result(response)
    with pytest.raises(ValidationError) as rasas:
        action_calls._rasa_validate(RemoteAction("x", None), response)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message
