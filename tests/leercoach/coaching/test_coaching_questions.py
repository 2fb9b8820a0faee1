"""Typed answers to the coaching questions, and telling an answer from an interruption."""

import pytest

from leercoach.coaching import questions


@pytest.mark.parametrize(
    "slot, typed, value",
    [
        ("time_per_week", "2 uur", "1_3"),
        ("time_per_week", "ongeveer twee uur per week", "1_3"),
        ("time_per_week", "minder dan een uur", "lt1"),
        ("time_per_week", "30 minuten", "lt1"),
        ("time_per_week", "een half uur", "lt1"),
        ("time_per_week", "een kwartier", "lt1"),
        ("time_per_week", "1 tot 3 uur", "1_3"),
        ("time_per_week", "1-3", "1_3"),
        ("time_per_week", "anderhalf uur", "1_3"),
        ("time_per_week", "meer dan 3 uur", "gt3"),
        ("time_per_week", "5", "gt3"),
        ("time_per_week", "een dagdeel", "gt3"),
        ("time_per_week", "heel weinig eigenlijk", "lt1"),
        ("social", "alleen", "alone"),
        ("social", "in mijn eentje", "alone"),
        ("social", "met collega's", "together"),
        ("social", "samen of alleen, maakt niet uit", "either"),
        ("social", "liever niet alleen", None),  # a negation is not the option itself
        ("learning_style", "Door te doen!", "doing"),
        ("learning_style", "ik lees graag boeken", "reading"),
        ("learning_style", "praten met mensen", "talking"),
        ("certificate", "ja", "yes"),
        ("certificate", "niet belangrijk", "no"),
        ("certificate", "geen diploma nodig", "no"),
        ("budget", "weet ik niet", "unknown"),
        ("budget", "ik denk het niet", "no"),
        ("budget", "ja hoor", "yes"),
        ("budget", "geen idee", "unknown"),
        ("social", "banaan", None),
        ("time_per_week", '/inform{"social":"alone"}', None),
    ],
)
def test_typed_answers_are_understood(slot, typed, value):
    assert questions.interpret(slot, typed) == value


def test_yes_no_questions_accept_a_plain_yes_or_no_intent():
    assert questions.interpret("certificate", "klopt", "affirm") == "yes"
    assert questions.interpret("budget", "nope, helaas", "deny") == "no"
    assert questions.interpret("social", "klopt", "affirm") is None  # not a yes/no question


def test_every_option_has_a_button_label_and_a_payload_for_its_slot():
    for slot in questions.question_order():
        for option in questions.options(slot):
            assert option["label"] and option["summary"]
            assert (
                questions.option_payload(slot, option["value"]) == f'/inform{{"{slot}":"{option["value"]}"}}'
            )
    assert questions.question_order()[0] == "coaching_goal" and not questions.is_choice("coaching_goal")


@pytest.mark.parametrize(
    "slot, intent, confidence, text, interrupts",
    [
        ("coaching_goal", "kenmerk_feedback_reflectie", 0.95, "hoe geef je constructieve feedback?", True),
        ("coaching_goal", "kenmerk_feedback_reflectie", 0.95, "beter feedback geven", False),
        ("coaching_goal", "route_samen_leren", 0.9, "Wat houdt samen leren in", True),
        ("coaching_goal", "route_samen_leren", 0.4, "wat houdt samen leren in?", False),
        ("coaching_goal", "stop_coaching", 0.9, "stop", True),
        ("coaching_goal", "stop_coaching", 0.95, "stoppen met uitstellen", False),  # a real goal
        ("coaching_goal", "stop_coaching", 0.9, "ik wil stoppen met dit gesprek", True),
        ("time_per_week", "stop_coaching", 0.95, "stoppen met uitstellen", True),
        ("coaching_goal", "human_handoff", 0.9, "ik wil iemand van HR spreken", True),
        ("coaching_goal", "privacy_info", 0.9, "leest HR mee met dit gesprek", True),
        ("coaching_goal", "nlu_fallback", 0.3, "presenteren", False),
        ("coaching_goal", "greet", 0.99, "hoi", False),
        ("time_per_week", "belang_leercultuur", 0.9, "waarom is leercultuur belangrijk", True),
        ("time_per_week", "show_plan", 0.9, "wat was mijn plan", True),
        ("social", "out_of_scope", 0.9, "wat voor weer wordt het", False),
    ],
)
def test_interruptions_are_told_apart_from_answers(slot, intent, confidence, text, interrupts):
    assert questions.is_interruption(slot, intent, confidence, text) is interrupts


def test_a_goal_statement_that_reads_as_start_coaching_is_the_goal():
    assert not questions.is_interruption(
        "coaching_goal", "start_coaching", 0.99, "Ik wil beter leren presenteren"
    )
    assert questions.is_interruption(
        "time_per_week", "start_coaching", 0.99, "help me een ontwikkelplan maken"
    )
