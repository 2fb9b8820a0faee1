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


def _rule_and_story_intents():
    intents = set()
    for doc in _yaml_files("data/rules") + _yaml_files("data/stories"):
        for entry in doc.get("rules", []) + doc.get("stories", []):
            intents |= {step["intent"] for step in entry.get("steps", []) if "intent" in step}
    return intents


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
    assert key in _rule_and_story_intents()
