"""RecentRulePolicy sees exactly the last states of a conversation, however long it is."""

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from leercoach.dialogue.policies import _RecentPast, recent_states
from leercoach.settings import PROJECT_ROOT

DOMAIN = Domain.load(PROJECT_ROOT / "domain.yml")


def _turn(intent, action, *events):
    return [
        UserUttered(intent, {"name": intent, "confidence": 1.0}),
        ActionExecuted(action),
        *events,
        ActionExecuted("action_listen"),
    ]


def conversation(turns):
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    script = [
        _turn("goede_leercultuur", "action_answer_topic", SlotSet("last_list", "kenmerk")),
        _turn("refer_list_item", "action_resolve_reference", SlotSet("last_topic", "kenmerk_kennis_delen")),
        _turn(
            "start_coaching",
            "action_coaching_start",
            SlotSet("coaching_phase", "questions"),
            ActionExecuted("coaching_form"),
            ActiveLoop("coaching_form"),
        ),
        _turn("inform", "coaching_form", ActiveLoop(None), SlotSet("coaching_phase", "routes")),
    ]
    for number in range(turns):
        events.extend(script[number % len(script)])
    return DialogueStateTracker.from_events("someone", events, DOMAIN.slots)


@pytest.mark.parametrize("turns", [0, 1, 3, 40])
@pytest.mark.parametrize("window", [1, 5, 12])
def test_recent_states_are_the_tail_of_all_states(turns, window):
    tracker = conversation(turns)
    assert recent_states(tracker, DOMAIN, window) == tracker.past_states(DOMAIN)[-window:]


def test_the_featurizer_sees_only_the_window_but_everything_else_of_the_tracker():
    tracker = conversation(40)
    recent = _RecentPast(tracker, 6)
    assert len(recent.past_states(DOMAIN)) == 6
    assert recent.sender_id == "someone" and recent.get_slot("coaching_phase") == "routes"


def test_states_stay_right_while_the_conversation_grows_and_is_rewound():
    from rasa.shared.core.events import UserUtteranceReverted

    tracker = conversation(0)
    for number, event in enumerate(list(conversation(12).events)[3:]):
        tracker.update(event)
        if number == 20:
            tracker.update(UserUtteranceReverted())  # e.g. a button that undoes the last message
        assert recent_states(tracker, DOMAIN, 4) == tracker.past_states(DOMAIN)[-4:]
