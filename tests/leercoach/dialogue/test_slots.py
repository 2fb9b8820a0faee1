"""Every slot name in leercoach.dialogue.slots is a slot of domain.yml, and every coaching slot
of the domain is named there."""

import re

import yaml

from leercoach.coaching import questions
from leercoach.coaching.ranking import ANSWER_FACTORS
from leercoach.dialogue import slots
from leercoach.settings import PROJECT_ROOT

DOMAIN = PROJECT_ROOT / "domain.yml"


def domain_slots() -> dict:
    return yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["slots"]


def named() -> dict:
    return {name: value for name, value in vars(slots).items() if name.isupper() and isinstance(value, str)}


def test_every_name_is_a_slot_of_the_domain():
    unknown = {name: value for name, value in named().items() if value not in domain_slots()}
    assert unknown == {"REQUESTED": "requested_slot"}  # Rasa's own slot, added to every domain


def test_every_slot_of_the_domain_is_named_once():
    values = list(named().values())
    assert sorted(set(domain_slots())) == sorted(v for v in values if v != slots.REQUESTED)
    assert len(values) == len(set(values))


def test_the_domains_coaching_slots_are_the_coaching_group():
    marked = re.findall(r"^  (\w+):  # coaching$", DOMAIN.read_text(encoding="utf-8"), flags=re.M)
    assert sorted(marked) == sorted(slots.COACHING)


def test_the_coaching_answers_are_the_forms_questions():
    assert slots.COACHING_ANSWERS == ANSWER_FACTORS
    assert questions.question_order() == [slots.COACHING_GOAL, *slots.COACHING_ANSWERS]
