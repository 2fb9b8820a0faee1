"""The redaction on the labelled corpus: the targets of issue 8, enforced (make eval-privacy
prints the same figures with the misses and the speed)."""

import pytest

from leercoach.evaluation.privacy import MAX_FALSE_CHANGES, MIN_RECALL, evaluate, load_corpus
from leercoach.privacy.redaction import KINDS


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def scores(corpus):
    return evaluate(corpus)


def test_the_corpus_is_big_enough_and_labels_every_kind_several_times(corpus):
    assert len(corpus.with_pii) >= 200
    assert len(corpus.without_pii) >= 200
    for kind in KINDS:
        assert sum(kind == k for item in corpus.with_pii for k, _ in item.pii) >= 5, kind
    for item in corpus.with_pii:
        assert item.pii, item.text
        for kind, string in item.pii:
            assert kind in KINDS and string in item.text, (kind, string, item.text)


def test_recall_of_personal_data(scores):
    missed = "\n".join(f"{kind} {string!r} in {text!r}" for kind, string, text, _ in scores.missed)
    assert scores.recall >= MIN_RECALL, missed


def test_pii_free_messages_stay_as_they_are(scores):
    changed = "\n".join(f"{text!r} -> {redacted!r}" for text, redacted in scores.false_changes)
    assert scores.false_change_rate <= MAX_FALSE_CHANGES, changed


def test_redacting_the_corpus_twice_changes_nothing(corpus):
    from leercoach.evaluation.privacy import corpus_settings
    from leercoach.privacy.redaction import redact

    with corpus_settings(corpus):
        for text in corpus.texts():
            once = redact(text)
            assert redact(once.text).text == once.text, text
