"""The installed nl_core_news_sm, as Rasa and the coaching actions use it."""

import pytest

from leercoach.nlp.installed import find_installed

SENTENCE = "Ik wil beter leren presenteren voor grote groepen"


@pytest.fixture(scope="module")
def nlp():
    if find_installed() is None:
        pytest.fail("nl_core_news_sm is not installed: run `python -m leercoach.nlp.install`")
    import spacy

    return spacy.load("nl_core_news_sm")


def test_lemmas_of_a_dutch_sentence(nlp):
    lemmas = {token.text: token.lemma_ for token in nlp(SENTENCE)}
    assert lemmas["groepen"] == "groep"
    assert lemmas["wil"] == "willen"
    assert lemmas["grote"] == "groot"


def test_noun_chunks_of_a_dutch_sentence(nlp):
    chunks = [chunk.text for chunk in nlp(SENTENCE).noun_chunks]
    assert "grote groepen" in chunks


def test_parse_finds_the_subject(nlp):
    doc = nlp(SENTENCE)
    assert doc[0].dep_ == "nsubj"
    assert doc[0].pos_ == "PRON"


def test_a_stand_in_is_fit_for_use():
    """A stand-in cut short (time cap, broken data) shows up here, not in Rasa's answers."""
    installed = find_installed()
    if installed is None or not installed.is_standin:
        pytest.skip("the official spaCy release is installed")
    accuracy = installed.accuracy
    assert accuracy["POS"] >= 90.0
    assert accuracy["LAS"] >= 60.0
    assert accuracy["lemma"] >= 85.0
