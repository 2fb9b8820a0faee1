"""`python -m leercoach.nlp.info`: what `make doctor` shows about the Dutch pipeline."""

import json
from pathlib import Path

from leercoach.nlp.info import report_lines
from leercoach.nlp.installed import ORIGIN_OFFICIAL, ORIGIN_STANDIN, find_installed

OFFICIAL_META = {
    "lang": "xx",
    "name": "fake_official",
    "version": "3.4.0",
    "performance": {"pos_acc": 0.9571, "dep_las": 0.8112, "lemma_acc": 0.9402},
}
STANDIN_META = {
    "lang": "xx",
    "name": "fake_standin",
    "version": "3.4.0+standin",
    "performance": {"pos_acc": 0.925, "dep_las": 0.7, "lemma_acc": 0.887},
    "leercoach": {
        "origin": "stand-in",
        "evaluated_on": "UD Dutch Alpino test",
        "trained_on": ["UD Dutch Alpino dev"],
    },
}


def _fake_package(tmp_path: Path, monkeypatch, meta: dict):
    package = tmp_path / f"{meta['lang']}_{meta['name']}"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return find_installed(package.name)


def test_stand_in_is_reported_as_stand_in_with_its_accuracy(tmp_path, monkeypatch):
    pipeline = _fake_package(tmp_path, monkeypatch, STANDIN_META)
    assert pipeline.origin == ORIGIN_STANDIN
    text = "\n".join(report_lines(pipeline))
    assert "xx_fake_standin 3.4.0+standin" in text
    assert "stand-in" in text
    assert "POS 92.5 %, LAS 70.0 %, lemma 88.7 %" in text
    assert "UD Dutch Alpino test" in text


def test_official_release_is_reported_as_official(tmp_path, monkeypatch):
    pipeline = _fake_package(tmp_path, monkeypatch, OFFICIAL_META)
    assert pipeline.origin == ORIGIN_OFFICIAL
    text = "\n".join(report_lines(pipeline))
    assert "official spaCy release" in text
    assert "stand-in" not in text
    assert "POS 95.7 %, LAS 81.1 %, lemma 94.0 %" in text


def test_missing_pipeline_is_reported_with_the_fix():
    assert find_installed("xx_no_such_pipeline") is None
    [line] = report_lines(None)
    assert "NOT installed" in line and "leercoach.nlp.install" in line


def test_a_stand_in_cut_short_by_the_time_cap_says_how_to_retrain(tmp_path, monkeypatch):
    meta = {
        **STANDIN_META,
        "name": "fake_cut_short",
        "leercoach": {**STANDIN_META["leercoach"], "stopped_by_time_cap": True},
    }
    text = "\n".join(report_lines(_fake_package(tmp_path, monkeypatch, meta)))
    assert "time cap" in text and "--rebuild" in text
