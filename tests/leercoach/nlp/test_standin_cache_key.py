"""The stand-in cache key: reused when nothing changed, new when an input changed."""

from pathlib import Path

import pytest

from leercoach.nlp.cache_key import standin_cache_key


@pytest.fixture
def inputs(tmp_path: Path):
    train = tmp_path / "nl_alpino-ud-dev.conllu"
    test = tmp_path / "nl_alpino-ud-test.conllu"
    config = tmp_path / "standin.cfg"
    train.write_text("1\tIk\tik\tPRON\t_\t_\t0\troot\t_\t_\n", encoding="utf-8")
    test.write_text("1\tGroepen\tgroep\tNOUN\t_\t_\t0\troot\t_\t_\n", encoding="utf-8")
    config.write_text("[training]\nmax_epochs = 12\n", encoding="utf-8")
    return [train, test], config


def test_same_inputs_give_the_same_key(inputs):
    data, config = inputs
    assert standin_cache_key(data, config, "3.4.4") == standin_cache_key(data, config, "3.4.4")


def test_key_changes_when_a_treebank_file_changes(inputs):
    data, config = inputs
    before = standin_cache_key(data, config, "3.4.4")
    data[0].write_text("1\tJij\tjij\tPRON\t_\t_\t0\troot\t_\t_\n", encoding="utf-8")
    assert standin_cache_key(data, config, "3.4.4") != before


def test_key_changes_when_the_training_config_changes(inputs):
    data, config = inputs
    before = standin_cache_key(data, config, "3.4.4")
    config.write_text("[training]\nmax_epochs = 13\n", encoding="utf-8")
    assert standin_cache_key(data, config, "3.4.4") != before


def test_key_changes_with_the_spacy_version(inputs):
    data, config = inputs
    assert standin_cache_key(data, config, "3.4.4") != standin_cache_key(data, config, "3.4.3")


def test_swapping_train_and_test_files_changes_the_key(inputs):
    data, config = inputs
    assert standin_cache_key(data, config, "3.4.4") != standin_cache_key(
        list(reversed(data)), config, "3.4.4"
    )
