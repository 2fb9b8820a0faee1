"""Tracker fixtures for action tests (financial-demo style: Tracker.from_dict)."""

from typing import Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

# The review app's database, migrated by Django, for the hulpvraag actions.
from tests.leercoach.handoff.conftest import migrated_sqlite, review_sqlite  # noqa: F401


def make_tracker(
    intent: str,
    text: str = "",
    slots: Optional[Dict] = None,
    ranking: Optional[List[dict]] = None,
    channel: str = "rest",
) -> Tracker:
    confidence = ranking[0]["confidence"] if ranking else 1.0
    latest = {
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": 1.0}],
        "entities": [],
        "text": text,
    }
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": {"last_list": None, "last_topic": None, **(slots or {})},
            "latest_message": latest,
            # "rest": the intranet widget's channel, as Leercoach's own REST channel names it
            "events": [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def slot_events(events: List[dict]) -> Dict[str, object]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def payloads(message: dict) -> List[str]:
    return [b["payload"] for b in message.get("buttons", [])]
