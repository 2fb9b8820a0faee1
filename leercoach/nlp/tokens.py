"""Rasa's SpacyNLP, giving the NLU spaCy's Dutch tokens only (docs/decisions/0003-nlu-tokens-only-surface-forms.md).

The NLU's features are word and character n-grams of the surface forms plus the lexical
featurizer's case and position flags: none of them reads a lemma, a POS tag or a parse. Running
the Dutch pipeline's trained pipes (tok2vec, morphologizer, tagger, lemmatizer) for every message
cost ~3 ms of a ~9 ms NLU for nothing, and made the NLU depend on weights that differ between
builds of the offline stand-in: the same holdout gave 0.952 on one machine and 0.949 on another.
Only the rule-based tokenizer runs now, the same on every machine. The coaching actions still use
the full pipeline (lemmas, noun chunks) for a development goal, in the action server.

The class keeps Rasa's name: Rasa's recipe finds the model provider of SpacyTokenizer by it.
"""

from __future__ import annotations

from typing import Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """config.yml: `leercoach.nlp.tokens.SpacyNLP`."""

    @staticmethod
    def load_model(spacy_model_name: Text) -> spacy_utils.SpacyModel:
        loaded = spacy_utils.SpacyNLP.load_model(spacy_model_name)  # Rasa's checks and messages
        loaded.model.select_pipes(disable=loaded.model.pipe_names)
        return loaded
