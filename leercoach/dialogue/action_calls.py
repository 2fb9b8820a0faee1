"""Calls to the action server that cost what the actions need, with the same contract.

Measured with `make profile`, Rasa 3.6's RemoteAction cost the Rasa server more than the
actions themselves, for two reasons that have nothing to do with the actions:
- it checks every response of the action server with `jsonschema.validate`, which first checks
  the schema itself against the JSON Schema meta-schema: 17 ms of the Rasa server's one core,
  per call;
- it sends the whole conversation with every call, every event since the first message
  (700 kB after 200 turns), which Rasa serialises and the action server parses each time: the
  part of a turn that grew with the conversation.
Here the response is checked against the same schema by a validator built once, and the request
carries the events of the last RECENT_USER_TURNS turns (the slots, the latest message and the
active form travel in full, as before). `install()` is called where Rasa imports the project's
dialogue code (leercoach.dialogue.policies), so every process that loads the model has it.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Sequence, Text

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

# The actions read at most two user turns back (the previous reply, the question just asked,
# the buttons last shown) and the tracker's slots; ten turns leave a wide margin. An action
# that needs older history reads the tracker store, as the conversation export does.
RECENT_USER_TURNS = 10

_rasa_call_format = RemoteAction._action_call_format
_rasa_validate = RemoteAction._validate_action_result


def recent_events(events: Sequence[Event], user_turns: int = RECENT_USER_TURNS) -> List[Event]:
    """The events from the `user_turns`-th last user message on (all of them if fewer)."""
    recent: List[Event] = []
    for event in reversed(events):  # a tracker's events are a deque: no slicing
        recent.append(event)
        if isinstance(event, UserUttered):
            user_turns -= 1
            if user_turns == 0:
                break
    recent.reverse()
    return recent


def _action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Any) -> Dict[Text, Any]:
    call = _rasa_call_format(self, _WithoutEvents(tracker), domain)
    call["tracker"]["events"] = [event.as_dict() for event in recent_events(tracker.events)]
    return call


class _WithoutEvents:
    """The tracker as Rasa's call format sees it, minus the cost of turning every event into a
    dict (the events are filled in afterwards, the recent ones only)."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self._tracker = tracker

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE) -> Dict[Text, Any]:
        return self._tracker.current_state(EventVerbosity.NONE)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)


@functools.cache
def _response_validator() -> jsonschema.protocols.Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every response
    return validator_class(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = jsonschema.exceptions.best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    # Rasa's own message and exception for an invalid response, from the same schema.
    return _rasa_validate(self, result)


def install() -> None:
    """Puts the two methods in place on Rasa's RemoteAction (once; later calls do nothing)."""
    RemoteAction._action_call_format = _action_call_format
    RemoteAction._validate_action_result = _validate_action_result


def installed() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result
