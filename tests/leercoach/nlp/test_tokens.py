"""The NLU gets spaCy's Dutch tokens without running the trained pipes: the same tokens as the
full pipeline, the same NLU features, whatever those weights are."""

import pytest
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP as RasasSpacyNLP
from rasa.shared.nlu.training_data.message import Message

from leercoach.nlp.installed import find_installed
from leercoach.nlp.tokens import SpacyNLP

MESSAGES = ["Hoe geef ik feedback aan een collega?", "werkplekleren, wat is dat??", "de 2e graag :)", "  "]


@pytest.fixture(scope="module")
def loaders():
    if find_installed() is None:
        pytest.fail("nl_core_news_sm is not installed: run `python -m leercoach.nlp.install`")
    config = {**SpacyNLP.get_default_config(), "model": "nl_core_news_sm"}
    return SpacyNLP(SpacyNLP.load_model("nl_core_news_sm"), config), RasasSpacyNLP(
        RasasSpacyNLP.load_model("nl_core_news_sm"), config
    )


def _tokens(loader, text):
    message = Message(data={"text": text})
    loader.process([message], loader.provide())
    SpacyTokenizer(SpacyTokenizer.get_default_config()).process([message])
    return [(token.text, token.start, token.end) for token in message.get("text_tokens") or []]


def test_no_trained_pipe_runs_for_the_nlu(loaders):
    ours, _ = loaders
    assert ours.provide().model.pipe_names == []


@pytest.mark.parametrize("text", MESSAGES)
def test_the_tokens_are_the_full_pipelines(loaders, text):
    ours, rasas = loaders
    assert _tokens(ours, text) == _tokens(rasas, text)
    assert text.strip() == "" or _tokens(ours, text)


def test_a_missing_pipeline_gets_rasas_message():
    from rasa.nlu.model import InvalidModelError

    with pytest.raises(InvalidModelError, match="nl_geen_model is an available spaCy model"):
        SpacyNLP.load_model("nl_geen_model")
