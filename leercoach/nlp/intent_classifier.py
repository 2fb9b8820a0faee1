"""Rasa's LogisticRegressionClassifier, predicting without copying its own weights each time.

Same model, same training, same probabilities (bit for bit, tested); only cheaper per message
(docs/decisions/0008-incremental-applied-events-and-fewer-copies.md). Measured over the bench's messages, the classifier took 9 of the NLU's
17 ms, mostly in two places that have nothing to do with the model:

- scikit-learn multiplies the message's sparse features by `coef_.T`, a transposed (column-
  ordered) view of the weights; scipy needs row order and so copies all weights (intents ×
  features, with character n-grams some 1.5 million numbers) for every message. Here the
  weights are kept in column order once, after training and after loading, so that `coef_.T`
  is already in row order;
- Rasa builds the feature matrix with an hstack of the sparse features and an empty dense
  part, then a vstack, per message. Here, without dense features, the sparse row is used
  as it is.
"""

from __future__ import annotations

from typing import Any, List

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers import logistic_regression_classifier as rasa_classifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, vstack


def _weights_in_column_order(clf: Any) -> None:
    if hasattr(clf, "coef_"):
        clf.coef_ = np.asfortranarray(clf.coef_)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticRegressionClassifier(rasa_classifier.LogisticRegressionClassifier):
    """config.yml: `leercoach.nlp.intent_classifier.LogisticRegressionClassifier`."""

    def train(self, training_data: TrainingData) -> Resource:
        resource = super().train(training_data)
        _weights_in_column_order(self.clf)
        return resource

    @classmethod
    def load(cls, *args: Any, **kwargs: Any) -> LogisticRegressionClassifier:
        component = super().load(*args, **kwargs)
        _weights_in_column_order(component.clf)
        return component

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        rows = []
        for message in messages:
            if message.get_dense_features(attribute=TEXT)[1] is not None:
                return super()._create_X(messages)  # Rasa's way when there are dense features
            sentence = message.get_sparse_features(attribute=TEXT)[1]
            if sentence is None:
                return super()._create_X(messages)
            # Rasa's hstack with an empty float part makes it float64: the same here.
            rows.append(
                csr_matrix(sentence.features, dtype=np.result_type(sentence.features.dtype, np.float64))
            )
        if len(rows) == 1:
            return rows[0]
        return vstack(rows, format="csr")
