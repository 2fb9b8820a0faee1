"""Events in the form Rasa 3.6's SQLTrackerStore stores them (table `events`), for the tests and
the benchmark's seeding command. Nothing here runs in the app itself."""

from __future__ import annotations

import json
import random
import uuid
from typing import Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from leercoach import catalogue
from leercoach.privacy.store import events as events_table


def user(
    text: str,
    intent: str,
    confidence: float,
    at: float,
    *,
    channel: str = "rest",
    ranking: Optional[Sequence[Tuple[str, float]]] = None,
    entities: Sequence[dict] = (),
) -> dict:
    ranking = ranking or [(intent, confidence)]
    message_id = uuid.uuid4().hex
    return {
        "event": "user",
        "timestamp": at,
        "metadata": {},
        "text": text,
        "input_channel": channel,
        "message_id": message_id,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "entities": list(entities),
            "text": text,
            "message_id": message_id,
            "metadata": {},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        },
    }


def feedback(value: str, at: float) -> dict:
    """What the widget's 👍 / 👎 sends: /answer_feedback{"feedback":"up"}."""
    return user(
        f'/answer_feedback{{"feedback":"{value}"}}',
        "answer_feedback",
        1.0,
        at,
        entities=[{"entity": "feedback", "value": value, "start": 0, "end": 0}],
    )


def bot(text: str, at: float, buttons: Sequence[Tuple[str, str]] = ()) -> dict:
    return {
        "event": "bot",
        "timestamp": at,
        "metadata": {"utter_action": "action_answer_topic"},
        "text": text,
        "data": {"buttons": [{"title": t, "payload": p} for t, p in buttons] or None},
    }


def action(name: str, at: float) -> dict:
    return {
        "event": "action",
        "timestamp": at,
        "metadata": {},
        "name": name,
        "policy": "RulePolicy",
        "confidence": 1.0,
        "action_text": None,
        "hide_rule_turn": False,
    }


def slot(name: str, value, at: float) -> dict:
    return {"event": "slot", "timestamp": at, "metadata": {}, "name": name, "value": value}


def row(sender_id: str, event: dict) -> dict:
    return {
        "sender_id": sender_id,
        "type_name": event["event"],
        "timestamp": event["timestamp"],
        "intent_name": (event.get("parse_data") or {}).get("intent", {}).get("name"),
        "action_name": event.get("name") if event["event"] == "action" else None,
        "data": json.dumps(event, ensure_ascii=False),
    }


def insert(engine: sa.engine.Engine, sender_id: str, stored: Iterable[dict]) -> None:
    with engine.begin() as connection:
        connection.execute(events_table.insert(), [row(sender_id, e) for e in stored])


def answered(text: str, topic: str, at: float, channel: str = "rest") -> List[dict]:
    """A question recognised as `topic` and its answer, as Rasa stores the turn."""
    return [
        user(text, topic, 0.93, at, channel=channel),
        action("action_answer_topic", at + 0.1),
        bot(f"Antwoord over {catalogue.topic(topic).title}.", at + 0.2),
        slot("last_topic", topic, at + 0.2),
        action("action_listen", at + 0.3),
    ]


def not_understood(text: str, at: float) -> List[dict]:
    return [
        user(text, "nlu_fallback", 0.12, at, ranking=[("nlu_fallback", 0.3), ("greet", 0.12)]),
        action("action_fallback", at + 0.1),
        bot("Dat begreep ik niet helemaal.", at + 0.2),
        action("action_listen", at + 0.3),
    ]


def coaching(at: float, routes: Sequence[str], plan: bool) -> List[dict]:
    steps = [
        user("help me een ontwikkelplan maken", "start_coaching", 0.97, at),
        action("action_coaching_start", at),
        slot("coaching_phase", "questions", at + 0.1),
        bot("Wat wil je leren?", at + 0.2),
    ]
    steps += [
        slot("coaching_phase", "routes", at + 1),
        bot("Dit zijn de routes die bij je passen.", at + 1.1),
    ]
    if routes:
        steps.append(slot("routes_chosen", list(routes), at + 2))
    if plan:
        steps += [
            slot("coaching_plan", {"steps": 3}, at + 3),
            slot("coaching_phase", "done", at + 3),
            bot("Jouw ontwikkelplan", at + 3.1),
        ]
    return steps


QUESTIONS = {
    "wat_is_leercultuur": ["wat is een leercultuur?", "wat betekent leercultuur eigenlijk"],
    "route_mentorschap_coaching": ["hoe vind ik een mentor", "kan ik een coach krijgen"],
    "kenmerk_kennis_delen": ["hoe deel ik kennis met mijn team", "kennis delen tips"],
    "route_formeel_onderwijs": ["mag ik een opleiding volgen", "welke cursussen zijn er"],
    "human_handoff": ["ik wil iemand van hr spreken"],
}
UNANSWERED = [
    "hoe vraag ik verlof aan",
    "verlof aanvragen hoe",
    "wat is mijn salaris",
    "waar is de kantine",
    "wanneer krijg ik vakantiegeld",
    "kan ik thuiswerken op vrijdag",
]


def synthetic(rng: random.Random, start: float, channel: str) -> List[dict]:
    """One plausible conversation of about 20 events (2 million events for 100,000 conversations)."""
    at, stored = start, []
    for _ in range(rng.choice((3, 3, 4, 4))):
        topic = rng.choice(list(QUESTIONS))
        stored += answered(rng.choice(QUESTIONS[topic]), topic, at, channel)
        at += rng.uniform(20, 90)
        if rng.random() < 0.15:
            stored.append(feedback(rng.choice(("up", "up", "down")), at))
            at += 5
    if rng.random() < 0.2:
        stored += not_understood(rng.choice(UNANSWERED), at)
        at += 30
    if rng.random() < 0.12:
        stored += coaching(
            at,
            rng.sample(
                ["route_zelfstudie", "route_samen_leren", "route_werkplekleren"], rng.choice((0, 1, 2))
            ),
            rng.random() < 0.6,
        )
    return stored
