"""Leaving a form: the one way every action stops the form that is asking its questions."""

from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet

from leercoach.dialogue import slots


def leave_form(tracker: Tracker, only: Optional[str] = None, unless: Optional[str] = None) -> List[EventType]:
    """Ends the running form (only that one, or any but ``unless``); the answers so far stay in
    their slots and the form asks its open question again when it runs next."""
    running = tracker.active_loop.get("name")
    if not running or (only is not None and running != only) or running == unless:
        return []
    return [ActiveLoop(None), SlotSet(slots.REQUESTED, None)]
