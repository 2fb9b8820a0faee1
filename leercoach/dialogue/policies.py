"""RulePolicy whose cost per prediction does not grow with the conversation.

Rasa's RulePolicy turns the WHOLE conversation into dialogue states for every prediction
(three or four per turn) and then checks every rule against every state, although a rule
can only look back as many states as it is long. Turn 160 of a conversation cost three times
turn 20 (docs/decisions/0004-recent-rule-policy-no-memoization.md). This subclass, used in config.yml, gives the rules exactly
the states they can see: the last `window` states, where `window` is one more than the
longest rule, and stops checking a rule once past its length. Same predictions, same
training (the window applies only to a loaded model).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, INTENT


class _Replay:
    """A conversation replayed up to some event, with the states of its last turns. Kept on the
    tracker, so the next prediction (and, with the tracker store's memory, the next turn)
    replays only the events added since."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.tracker = tracker.init_copy()
        self.replayed = 0  # applied events replayed so far
        self.last: Optional[Event] = None  # the last of them
        self.states: List[State] = []  # states before each of the last ActionExecuted


_REPLAYS = "_leercoach_replays"


def _pending(tracker: DialogueStateTracker, omit_unset_slots: bool) -> Tuple[_Replay, List[Event]]:
    """The replay of `tracker` and the applied events it has not replayed yet."""
    replays = tracker.__dict__.setdefault(_REPLAYS, {})
    replay = replays.get(omit_unset_slots) or _Replay(tracker)
    replays[omit_unset_slots] = replay
    # Cheap however long the conversation: applied_events walks only new events (trackers.py).
    applied = tracker.applied_events()
    # Still a prefix of the conversation? (Reverted or restarted events end it.)
    if replay.replayed > len(applied) or (
        replay.replayed and applied[replay.replayed - 1] is not replay.last
    ):
        replay = replays[omit_unset_slots] = _Replay(tracker)
    return replay, applied[replay.replayed :]


def recent_states(
    tracker: DialogueStateTracker, domain: Domain, window: int, omit_unset_slots: bool = False
) -> List[State]:
    """The last `window` entries of `tracker.past_states(domain)` (RulePolicy's arguments:
    no rule-only turns hidden), without building the states of the turns before them and
    without replaying the events that an earlier call already replayed."""

    def state(prior: DialogueStateTracker) -> State:
        return domain._clean_state(domain.get_active_state(prior, omit_unset_slots=omit_unset_slots))

    replay, pending = _pending(tracker, omit_unset_slots)
    actions_ahead = sum(isinstance(event, ActionExecuted) for event in pending)
    for event in pending:
        if isinstance(event, ActionExecuted):
            actions_ahead -= 1
            if actions_ahead < window:  # a state the window can still reach
                replay.states.append(state(replay.tracker))
        replay.tracker.update(event)
    del replay.states[:-window]
    replay.replayed += len(pending)
    replay.last = pending[-1] if pending else replay.last
    # Copies: the featurizer edits states in place.
    return copy.deepcopy([*replay.states, state(replay.tracker)][-window:])


class _RecentPast:
    """A tracker as the featurizer sees it: only its last `window` states."""

    def __init__(self, tracker: DialogueStateTracker, window: int) -> None:
        self._tracker, self._window = tracker, window

    def past_states(
        self,
        domain: Domain,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        if ignore_rule_only_turns:  # not RulePolicy's case; keep Rasa's full computation
            return self._tracker.past_states(domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        return recent_states(self._tracker, domain, self._window, omit_unset_slots)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)


def _required(sub_state: Dict[Text, Any], key: Text) -> Optional[Text]:
    """The value a rule's state demands for `key`, if it demands one (RulePolicy's
    _does_rule_match_state: a set value other than SHOULD_NOT_BE_SET must be equal)."""
    value = sub_state.get(key)
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


class _LastTurnIndex:
    """The rules that can match the current state, found without checking all of them.

    RulePolicy checks every rule against the latest state first. A rule whose last state names
    a previous action matches only a state with that previous action (and, if it names an
    intent, that intent); the others (conversation starts, a previous action given as text)
    are always checked. Only candidates are left out that RulePolicy's check would refuse."""

    def __init__(self) -> None:
        self.always: Set[Text] = set()
        self.by_action_and_intent: Dict[Tuple[Text, Optional[Text]], Set[Text]] = {}

    def add(self, key: Text, last_state: State) -> None:
        action = _required(last_state.get(PREVIOUS_ACTION, {}), ACTION_NAME)
        if action is None:
            self.always.add(key)
            return
        intent = _required(last_state.get(USER, {}), INTENT)
        self.by_action_and_intent.setdefault((action, intent), set()).add(key)

    def candidates(self, state: State) -> Set[Text]:
        action = state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
        if not action:  # a conversation start: a rule with a previous action never matches
            return set(self.always)
        intent = state.get(USER, {}).get(INTENT)
        return (
            self.always
            | self.by_action_and_intent.get((action, None), set())
            | self.by_action_and_intent.get((action, intent), set())
        )


def _index_by_last_turn(rule_states: Dict[Text, List[State]]) -> _LastTurnIndex:
    index = _LastTurnIndex()
    for key, states in rule_states.items():
        if states:
            index.add(key, states[-1])
        else:
            index.always.add(key)
    return index


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RecentRulePolicy(RulePolicy):
    """RulePolicy that only featurises the states its rules can see."""

    def __init__(self, *args: Any, lookup: Optional[Dict] = None, **kwargs: Any) -> None:
        super().__init__(*args, lookup=lookup, **kwargs)
        # Only a loaded model has its rules; while training, Rasa's own behaviour.
        self._rule_states: Dict[Text, List[State]] = {}
        self._window: Optional[int] = None
        if lookup:
            keys = [*self.lookup.get(RULES, {}), *self.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
            self._rule_states = {key: json.loads(key) for key in keys}
            self._window = 1 + max((len(states) for states in self._rule_states.values()), default=0)
            self._by_last_turn = _index_by_last_turn(self._rule_states)

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        if self._window is not None:
            tracker = _RecentPast(tracker, self._window)
        return super()._prediction_states(tracker, domain, use_text_for_last_user_input, rule_only_data)

    def _rule_key_to_state(self, rule_key: Text) -> List[State]:
        # Parsed once at load instead of once per rule, state and prediction.
        states = self._rule_states.get(rule_key)
        return json.loads(rule_key) if states is None else states

    def _get_possible_keys(self, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        if self._window is None:
            return super()._get_possible_keys(lookup, states)
        possible = self._by_last_turn.candidates(states[-1]) & lookup.keys() if states else set(lookup)
        # A rule is settled once the states checked are as many as it is long: stop there.
        for index, state in enumerate(reversed(states[-self._window :])):
            possible = {key for key in possible if self._is_rule_applicable(key, index, state)}
        return possible
