"""A turn that does not get slower as the conversation grows (docs/decisions/0008-incremental-applied-events-and-fewer-copies.md).

`make profile` showed two parts of Rasa 3.6's turn that replay the whole conversation, several
times per turn, and so grew with every message (turns 161–200 of one conversation: 13.5 ms and
5.6 ms, against 1.3 ms and 1.0 ms at turns 1–40):

- `DialogueStateTracker.applied_events()` (the events not undone by a rewind, a restart or a
  form's unhappy path) walks every event, and for every form step walks back again. Rasa asks
  for it at each session check, each action-limit check and each rule lookup. Here a tracker
  remembers how far it got and walks only the events added since; the same answer, checked
  against Rasa's own code event by event in the tests.
- `MessageProcessor._run_action` copies the tracker (replaying every event) before each
  action, so that the events a policy predicted can be dropped if the action rejects itself.
  When the policy predicted no events and the action cannot change the tracker it is given
  (a reply from the domain, listening, a call to the action server), the copy would be the
  same tracker: it is not made.

Rasa's processor also deep-copies every action's events (and the parse data, the slots) for its
debug log lines, at any log level: DEBUG_LOG_COPY, the processor's `copy` module in their place,
copies only when debug logging is on (its only use of `copy` are those log lines).

leercoach.rasa_overrides puts these in place at the start of every process that loads the model.
"""

from __future__ import annotations

import contextvars
import copy
import itertools
import logging
import types
from typing import Any, List, Optional, Set

from rasa.core import processor
from rasa.core.actions.action import ActionBotResponse, ActionListen, RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

_rasa_applied_events = DialogueStateTracker.applied_events
_rasa_copy = DialogueStateTracker.copy
_rasa_run_action = processor.MessageProcessor._run_action

# Actions whose run() only reads the tracker it is given (forms do change it: not listed).
READ_ONLY_ACTIONS = (ActionBotResponse, ActionListen, RemoteAction)

_CACHE = "_leercoach_applied"


class _Applied:
    """How far applied_events got in one tracker's event deque."""

    def __init__(self, events: Any, loop_names: Set[str]) -> None:
        self.events = events  # the deque itself: a tracker that replaces it starts over
        self.loop_names = loop_names
        self.count = 0
        self.last: Optional[Event] = None
        self.applied: List[Event] = []

    def still_valid(self, events: Any) -> bool:
        if events is not self.events or len(events) < self.count:
            return False
        return self.count == 0 or events[self.count - 1] is self.last


def _apply(tracker: DialogueStateTracker, state: _Applied, new_events: List[Event]) -> None:
    """Rasa's applied_events loop body (rasa/shared/core/trackers.py), one event at a time."""
    applied = state.applied
    for event in new_events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied.clear()
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in state.loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    state.count += len(new_events)
    if new_events:
        state.last = new_events[-1]


def _loop_names(events: Any) -> Set[str]:
    return {event.name for event in events if isinstance(event, ActiveLoop) and event.name}


def applied_events(self: DialogueStateTracker) -> List[Event]:
    """Rasa's applied_events, walking only the events added since the last call."""
    events = self.events
    if events.maxlen is not None:  # a bounded history drops events at the front
        return _rasa_applied_events(self)
    state: Optional[_Applied] = self.__dict__.get(_CACHE)
    new_events: List[Event] = []
    if state is not None and state.still_valid(events):
        new_events = list(itertools.islice(events, state.count, None))
        # Rasa treats a form step by whether that form appears ANYWHERE in the conversation,
        # so a form seen for the first time changes how earlier events count: start over.
        if not _loop_names(new_events) <= state.loop_names:
            state = None
    else:
        state = None
    if state is None:
        state = _Applied(events, _loop_names(events))
        new_events = list(events)
        self.__dict__[_CACHE] = state
    _apply(self, state, new_events)
    return list(state.applied)  # callers may change the list they get


# The tracker _run_action may hand to the action as it is, in this task only.
_share_instead_of_copy: contextvars.ContextVar[Optional[DialogueStateTracker]] = contextvars.ContextVar(
    "leercoach_share_tracker", default=None
)


def tracker_copy(self: DialogueStateTracker) -> DialogueStateTracker:
    if _share_instead_of_copy.get() is self:
        _share_instead_of_copy.set(None)  # one copy spared, no more
        return self
    return _rasa_copy(self)


async def _run_action(
    self: processor.MessageProcessor,
    action: Any,
    tracker: DialogueStateTracker,
    output_channel: Any,
    nlg: Any,
    prediction: Any,
) -> bool:
    spare = not prediction.events and type(action) in READ_ONLY_ACTIONS
    token = _share_instead_of_copy.set(tracker if spare else None)
    try:
        return await _rasa_run_action(self, action, tracker, output_channel, nlg, prediction)
    finally:
        _share_instead_of_copy.reset(token)


def _deepcopy_if_debug(value: Any, *args: Any) -> Any:
    """Rasa's processor deep-copies values only to pass them to a debug log line."""
    if logging.getLogger("rasa").isEnabledFor(logging.DEBUG):
        return copy.deepcopy(value, *args)
    return value


# rasa.core.processor's `copy`: it calls only copy.deepcopy, and only for structlogger.debug.
DEBUG_LOG_COPY = types.SimpleNamespace(deepcopy=_deepcopy_if_debug)
