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
active form travel in full, as before).

Two more changes to RemoteAction.run, for safety rather than speed:
- every call carries the shared secret (LEERCOACH_ACTION_SECRET) in the X-Leercoach-Action-Secret
  header, which the action server (leercoach.run.action_server) requires;
- a call that fails (the action raised, the action server is down or refused the call, the
  response is invalid) gives the user the friendly Dutch line, and the log says which action and
  why in a few words. Rasa's own run raises instead, and its processor logs the exception with
  the action server's response in it (with rasa-sdk's own server: the whole request, slots and
  metadata included) and goes on without a word to the user. A rejection (the form's "this slot
  is not mine") stays Rasa's: the policies choose another action.

The three functions take the place of RemoteAction's own through leercoach.rasa_overrides, which
every process that loads the model installs at its start.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Sequence, Text

import jsonschema
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from leercoach import content, settings

logger = logging.getLogger(__name__)

# The actions read at most two user turns back (the previous reply, the question just asked,
# the buttons last shown) and the tracker's slots; ten turns leave a wide margin. An action
# that needs older history reads the tracker store, as the conversation export does.
RECENT_USER_TURNS = 10

_rasa_call_format = RemoteAction._action_call_format
_rasa_validate = RemoteAction._validate_action_result
_rasa_run = RemoteAction.run


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


def _with_secret(endpoint: Any) -> Any:
    """The action endpoint with the secret header, when this server has a secret."""
    secret = settings.action_secret()
    if endpoint is None or not secret or endpoint.headers.get(settings.ACTION_SECRET_HEADER) == secret:
        return endpoint
    signed = endpoint.copy()
    signed.headers = {**endpoint.headers, settings.ACTION_SECRET_HEADER: secret}
    return signed


def _why(problem: BaseException) -> str:
    """A few words on a failed call: the exception's type and an HTTP status, never a message
    (Rasa's carry the action server's response)."""
    status = getattr(problem, "status", None) or getattr(problem.__cause__, "status", None)
    cause = problem.__cause__
    words = type(problem).__name__ + (f" from {type(cause).__name__}" if cause is not None else "")
    return f"{words}, HTTP {status}" if status else words


async def _run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
    self.action_endpoint = _with_secret(self.action_endpoint)
    try:
        return await _rasa_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception as problem:
        logger.error("Action %s failed (%s); the user got the error line.", self.name(), _why(problem))
        return _error_line(tracker)


def _error_line(tracker: DialogueStateTracker) -> List[Event]:
    """The friendly line, once a turn (with the action server down, a form's validation and its
    next question fail one after the other)."""
    text = content.message("server_error")
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered) and event.text == text:
            return []
    return [create_bot_utterance({"text": text})]
