"""What the stand-in build produces, checked without training."""

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from leercoach.nlp import settings
from leercoach.nlp.installed import ORIGIN_STANDIN, origin_of
from leercoach.nlp.standin import join_compound_lemma, standin_meta

TRAINED_META = {
    "lang": "nl",
    "name": "pipeline",
    "version": "0.0.0",
    "pipeline": ["tok2vec", "morphologizer", "tagger", "parser", "lemmatizer"],
    "performance": {"pos_acc": 0.5},
}
SCORES = {"pos_acc": 0.925, "dep_las": 0.70, "lemma_acc": 0.887, "speed": 12345.0}


def _meta():
    return standin_meta(TRAINED_META, SCORES, "abc123", {"training_seconds": 300})


def test_compound_lemma_parts_are_joined():
    line = "3\tKloosterorden\tklooster_orde\tNOUN\tN|soort|mv|basis\tNumber=Plur\t9\tnsubj\t_\t_\n"
    assert join_compound_lemma(line).split("\t")[2] == "kloosterorde"


def test_lines_without_compound_lemmas_are_left_alone():
    untouched = [
        "# text = Ik wil leren.\n",
        "1\t_\t_\tPUNCT\tLET\t_\t0\troot\t_\t_\n",
        "8.1\topzicht\tsome_thing\tNOUN\t_\t_\t_\t_\t3:obl\t_\n",
        "1\tIk\tik\tPRON\t_\t_\t2\tnsubj\t_\t_\n",
    ]
    assert [join_compound_lemma(line) for line in untouched] == untouched


def test_meta_says_it_is_a_stand_in():
    meta = _meta()
    assert meta["leercoach"]["origin"] == ORIGIN_STANDIN
    assert origin_of(meta) == ORIGIN_STANDIN
    assert "STAND-IN" in meta["description"]
    assert meta["lang"] + "_" + meta["name"] == "nl_core_news_sm"


def test_stand_in_version_is_pip_valid_and_satisfies_the_official_pin():
    version = Version(_meta()["version"])
    assert version.local == "standin"
    assert version in SpecifierSet("==3.4.0")


def test_meta_names_the_treebanks_and_their_license():
    meta = _meta()
    names = " ".join(source["name"] for source in meta["sources"])
    assert "Alpino" in names and "LassySmall" in names
    assert {source["license"] for source in meta["sources"]} == {"CC BY-SA 4.0"}
    assert meta["license"] == "CC BY-SA 4.0"


def test_meta_performance_holds_the_alpino_test_scores():
    meta = _meta()
    assert meta["performance"] == {"pos_acc": 0.925, "dep_las": 0.70, "lemma_acc": 0.887}
    assert meta["leercoach"]["evaluated_on"] == "UD Dutch Alpino test"


def test_meta_passes_spacys_own_schema():
    from spacy.schemas import ModelMetaSchema, validate

    assert validate(ModelMetaSchema, _meta()) == []


def test_training_config_is_small_and_has_the_required_components():
    from spacy.util import load_config

    config = load_config(settings.TRAINING_CONFIG)
    components = config["components"]
    assert config["nlp"]["pipeline"] == ["tok2vec", "morphologizer", "tagger", "parser", "lemmatizer"]
    assert components["lemmatizer"]["factory"] == "trainable_lemmatizer"
    assert components["tok2vec"]["model"]["encode"]["width"] <= 96
    assert components["tok2vec"]["model"]["embed"]["include_static_vectors"] is False
    assert 0 < config["training"]["max_epochs"] <= 15
