"""Typed button payloads with made-up entities get the normal answers, never an error or a plan entry."""

import pytest

from actions import coaching
from leercoach.coaching import data
from leercoach.coaching.payload import entity_value
from tests.actions.test_coaching import feedback, make_tracker, run_async, slot_sets, walking

HUGE = "x" * 100_000


@pytest.mark.parametrize("route", ["route_bestaat_niet", ["route_samen_leren"], 7, HUGE, {"a": 1}, None])
def test_an_unknown_or_malformed_route_counts_for_the_route_being_shown(route):
    slots, ranking = walking()
    messages, events = feedback(slots, "fit", route)
    assert slot_sets(events)["routes_chosen"] == [ranking[0]]
    assert messages and messages[0]["text"]


@pytest.mark.parametrize("choice", ["bestaat_niet", ["fit"], 1, HUGE, {"fit": True}])
def test_an_unknown_or_malformed_choice_shows_the_buttons_again(choice):
    slots, ranking = walking()
    messages, events = feedback(slots, choice, ranking[0])
    assert not events  # nothing chosen, nothing rejected
    assert messages[0]["text"] == data.text("walk", "typed_unclear")
    assert messages[-1]["buttons"]


@pytest.mark.parametrize("value", [[1, 2], 2, HUGE, {"x": 1}, "elke_dag"])
async def test_a_malformed_answer_to_a_question_gets_the_friendly_reask(value):
    text = '/inform{"time_per_week": ' + repr(value)[:50] + "}"
    entities = [{"entity": "time_per_week", "value": value}]
    tracker = make_tracker(
        {"requested_slot": "time_per_week", "coaching_goal": "Excel"},
        "inform",
        text,
        entities,
        form_active=True,
    )
    messages, events = await run_async(coaching.ValidateCoachingForm(), tracker)
    assert slot_sets(events)["time_per_week"] is None
    assert messages and "Excel" not in messages[0]["text"]


def test_entity_value_takes_only_an_offered_string():
    entities = [
        {"entity": "route", "value": ["route_samen_leren"]},
        {"entity": "route", "value": "route_samen_leren"},
        "not a mapping",
    ]
    assert entity_value(entities, "route", ["route_samen_leren"]) == "route_samen_leren"
    assert entity_value(entities, "route", ["route_coaching"]) is None
    assert entity_value([{"entity": "route", "value": None}], "route", ["None"]) is None
    assert entity_value(None, "route", ["x"]) is None
