"""The catalogue is the contract: every key has training data, an answer or flow, and a rule."""

import pytest
import yaml

from leercoach import catalogue
from leercoach.settings import PROJECT_ROOT

SHARED_CATALOGUE = PROJECT_ROOT.parent / "shared" / "topics.yml"


def _yaml_files(folder: str):
    return [yaml.safe_load(p.read_text()) for p in sorted((PROJECT_ROOT / folder).rglob("*.yml"))]


def _trained_intents():
    return {
        block["intent"]
        for doc in _yaml_files("data/nlu")
        for block in doc.get("nlu", [])
        if "intent" in block
    }


def _step_intents(steps):
    """The intents of rule steps, including the alternatives of an `or` step."""
    for step in steps:
        if "intent" in step:
            yield step["intent"]
        for alternative in step.get("or", []):
            if "intent" in alternative:
                yield alternative["intent"]


def _rule_intents():
    return {
        intent
        for doc in _yaml_files("data/rules")
        for rule in doc.get("rules", [])
        for intent in _step_intents(rule.get("steps", []))
    }


def _interruption_rules():
    return yaml.safe_load((PROJECT_ROOT / "data/rules/interruptions.yml").read_text())["rules"]


@pytest.mark.skipif(not SHARED_CATALOGUE.exists(), reason="../shared/topics.yml not beside the repo")
def test_catalogue_copy_is_identical_to_the_shared_contract():
    assert (PROJECT_ROOT / "leercoach/catalogue/topics.yml").read_text() == SHARED_CATALOGUE.read_text()


def test_the_catalogue_has_all_37_topics():
    sizes = {group: len(topics) for group, topics in catalogue.groups().items()}
    assert sizes == {"faq": 5, "kenmerk": 7, "drager": 6, "route": 8, "dialogue": 11}


@pytest.mark.parametrize("key", catalogue.all_keys())
def test_every_key_is_an_intent_with_training_data_and_a_rule(key):
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert key in domain["intents"]
    assert key in _trained_intents()
    assert key in _rule_intents()


KNOWLEDGE_GROUPS = ("faq", "kenmerk", "drager", "route")


def test_one_knowledge_rule_answers_every_knowledge_topic():
    (rule,) = yaml.safe_load((PROJECT_ROOT / "data/rules/knowledge.yml").read_text())["rules"]
    keys = [t.key for g in KNOWLEDGE_GROUPS for t in catalogue.topics_in(g)]
    assert list(_step_intents(rule["steps"])) == keys


def test_side_questions_are_answered_in_every_phase_of_coaching():
    side_questions = [t.key for g in KNOWLEDGE_GROUPS for t in catalogue.topics_in(g)]
    # The way to HR is not answered and resumed: its offer pauses the coaching (data/rules/handoff.yml).
    side_questions += ["privacy_info", "bot_challenge", "capabilities"]
    routes = [t.key for t in catalogue.topics_in("route")]
    rules = _interruption_rules()
    assert len(rules) == 3  # during the questions, questions paused, walking through the routes
    for rule in rules:
        # While walking through the routes, a named route is an answer about that route
        # (data/rules/coaching.yml), not a side question.
        walking = rule["rule"].endswith("walking through the routes")
        expected = [k for k in side_questions if not (walking and k in routes)]
        assert list(_step_intents(rule["steps"])) == expected, rule["rule"]
        assert [s["action"] for s in rule["steps"] if "action" in s] == [
            "action_answer_topic",
            "action_coaching_offer_resume",
        ]
