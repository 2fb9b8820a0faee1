"""The project's LogisticRegressionClassifier is Rasa's, bit for bit: the same weights after
training and the same intent ranking for every message, after training and after loading."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import (
    LogisticRegressionClassifier as RasasClassifier,
)
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from leercoach.nlp.intent_classifier import LogisticRegressionClassifier
from leercoach.settings import PROJECT_ROOT

CONFIG = {"max_iter": 1000, "random_state": 42}
# Messages an employee might send, some in the training data's words, some not at all.
MESSAGES = [
    "wat is een goede leercultuur?",
    "de tweede",
    "ik wil een plan maken",
    "Waarom is feedback geven belangrijk??",
    "asdf qwerty",
    "",
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Both classifiers trained on part of the project's NLU data, through word and character
    n-gram featurizers as in config.yml."""
    storage = LocalModelStorage(tmp_path_factory.mktemp("models"))
    context = ExecutionContext(GraphSchema({}), "test")
    data = load_data(str(PROJECT_ROOT / "data" / "nlu" / "kenmerken.yml"))
    data = data.merge(load_data(str(PROJECT_ROOT / "data" / "nlu" / "dialogue.yml")))
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizers = [
        CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), **options}, storage, Resource(name), context
        )
        for name, options in [
            ("words", {"min_ngram": 1, "max_ngram": 2}),
            ("chars", {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 6}),
        ]
    ]
    tokenizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)

    def featurised(text):
        message = Message(data={"text": text})
        tokenizer.process([message])
        for featurizer in featurizers:
            featurizer.process([message])
        return message

    config = {**RasasClassifier.get_default_config(), **CONFIG}
    rasas = RasasClassifier.create(config, storage, Resource("rasas"), context)
    rasas.train(data)
    ours = LogisticRegressionClassifier.create(config, storage, Resource("ours"), context)
    ours.train(data)
    loaded = LogisticRegressionClassifier.load(config, storage, Resource("ours"), context)
    return rasas, ours, loaded, featurised


def _ranking(classifier, message):
    classifier.process([message])
    return message.get("intent"), message.get("intent_ranking")


def test_training_gives_rasas_weights(trained):
    rasas, ours, loaded, _ = trained
    assert np.array_equal(ours.clf.coef_, rasas.clf.coef_)
    assert np.array_equal(loaded.clf.coef_, rasas.clf.coef_)
    assert list(ours.clf.classes_) == list(rasas.clf.classes_)


@pytest.mark.parametrize("text", MESSAGES)
def test_every_message_gets_rasas_ranking_after_training_and_after_loading(trained, text):
    rasas, ours, loaded, featurised = trained
    expected = _ranking(rasas, featurised(text))
    assert _ranking(ours, featurised(text)) == expected
    assert _ranking(loaded, featurised(text)) == expected
    assert expected[0]["confidence"] > 0


def test_several_messages_at_once_get_the_rankings_they_get_alone(trained):
    rasas, ours, _, featurised = trained
    together = [featurised(text) for text in MESSAGES]
    ours.process(together)
    for text, message in zip(MESSAGES, together):
        assert message.get("intent_ranking") == _ranking(rasas, featurised(text))[1]


def test_the_weights_are_ready_for_the_multiplication_without_a_copy(trained):
    _, ours, loaded, _ = trained
    assert ours.clf.coef_.T.flags["C_CONTIGUOUS"] and loaded.clf.coef_.T.flags["C_CONTIGUOUS"]
