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


# --- Finding the applicable rules -------------------------------------------------------------

ACTIONS = ["action_listen", "action_answer_topic", "coaching_form", "action_coaching_offer_resume"]
INTENTS = ["goede_leercultuur", "affirm", "deny", "start_coaching"]


def _random_state(rng, for_rule):
    """A state as RulePolicy keeps it in a rule (for_rule) or builds it from a conversation."""
    state = {}
    prev_action = rng.choice(
        [{}, {"action_name": rng.choice(ACTIONS)}, {"action_text": "Hoi"}]
        + [{"action_name": rng.choice(ACTIONS)}] * 3
    )
    if prev_action:
        state["prev_action"] = prev_action
    intent = rng.choice([None, *INTENTS, *(["should_not_be_set"] if for_rule else [])])
    if intent:
        state["user"] = {"intent": intent}
    if rng.random() < 0.3:
        state["active_loop"] = {"name": rng.choice(["coaching_form", "should_not_be_set"])}
    if rng.random() < 0.3:
        state["slots"] = {"coaching_phase": rng.choice([(1.0,), (0.0,), "should_not_be_set"])}
    return state


def _policy_with_rules(tmp_path, rules):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from leercoach.dialogue.policies import RecentRulePolicy

    return RecentRulePolicy(
        RecentRulePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
        lookup={"rules": rules, "rules_for_loop_unhappy_path": {}},
    )


@pytest.mark.parametrize("seed", range(20))
def test_the_rules_found_are_rulepolicys_for_every_state(tmp_path, seed):
    import json
    import random

    from rasa.core.policies.rule_policy import RulePolicy

    rng = random.Random(seed)
    rules = {
        json.dumps([_random_state(rng, for_rule=True) for _ in range(rng.randint(1, 3))], sort_keys=True): "x"
        for _ in range(300)
    }
    policy = _policy_with_rules(tmp_path, rules)
    found = 0
    for _ in range(200):
        states = [_random_state(rng, for_rule=False) for _ in range(rng.randint(1, 5))]
        ours = policy._get_possible_keys(rules, states)
        assert ours == RulePolicy._get_possible_keys(policy, rules, states)
        found += len(ours)
    assert found > 0  # the states did match rules, not only nothing against nothing
