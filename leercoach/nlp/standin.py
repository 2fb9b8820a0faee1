"""Build an offline stand-in for nl_core_news_sm with spaCy's own training.

Used only when spaCy's release wheel cannot be had. Steps: prepare the UD Dutch
treebanks (in a scratch folder in the cache, never in the repo), `spacy convert`,
`spacy train`, `spacy evaluate` on UD Dutch Alpino test, write the metadata
that says what this pipeline is, `spacy package` into a wheel. The wheel is
cached under a key of all inputs (see cache_key.py).
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional

from leercoach.nlp import settings
from leercoach.nlp.cache_key import standin_cache_key
from leercoach.nlp.installed import ORIGIN_STANDIN

Say = Callable[[str], None]

WHEEL_GLOB = f"{settings.PIPELINE_NAME}-*.whl"
BUILD_RECORD = "build.json"
TRAIN_LOG = "train.log"
FAILED_BUILD_LOG = "last-failed-build.log"
# Only spaCy's score table is shown while training; everything goes to the log.
SCORE_TABLE_LINE = re.compile(r"^\s*(E\s+#|-{3}|\d+\s+\d+\s)")
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
# Scalar scores worth keeping in meta.json "performance" (spaCy's own names).
PERFORMANCE_KEYS = (
    "token_acc",
    "pos_acc",
    "morph_acc",
    "tag_acc",
    "dep_uas",
    "dep_las",
    "sents_p",
    "sents_r",
    "sents_f",
    "lemma_acc",
)


class BuildError(RuntimeError):
    """The stand-in could not be built; the message says why in one line."""


def data_files(ud_dir: Path) -> List[Path]:
    treebanks = settings.TRAIN_TREEBANKS + (settings.EVAL_TREEBANK,)
    return [ud_dir / treebank.file_name for treebank in treebanks]


def missing_data_files(ud_dir: Path) -> List[Path]:
    return [path for path in data_files(ud_dir) if not path.is_file()]


def spacy_version() -> str:
    return metadata.version("spacy")


def current_cache_key(ud_dir: Path) -> str:
    return standin_cache_key(data_files(ud_dir), settings.TRAINING_CONFIG, spacy_version())


def max_epochs() -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(settings.TRAINING_CONFIG, encoding="utf-8")
    return parser.get("training", "max_epochs", fallback="?")


def cached_wheel(cache_key: str) -> Optional[Path]:
    wheels = sorted((settings.cache_root() / cache_key).glob(WHEEL_GLOB))
    return wheels[0] if wheels else None


# --- data preparation -------------------------------------------------------


def join_compound_lemma(line: str) -> str:
    """Alpino writes compound lemmas with underscores (klooster_orde, mee_doen).

    Rasa's CountVectorsFeaturizer uses lemmas; users type "kloosterorde",
    so the stand-in learns the written-together form.
    """
    columns = line.rstrip("\n").split("\t")
    if len(columns) != 10 or not columns[0].isdigit():
        return line
    lemma = columns[2]
    if lemma != "_" and "_" in lemma.strip("_"):
        columns[2] = lemma.replace("_", "")
        return "\t".join(columns) + "\n"
    return line


def write_prepared_conllu(sources: Iterable[Path], target: Path) -> None:
    with target.open("w", encoding="utf-8") as out:
        for source in sources:
            with source.open(encoding="utf-8") as handle:
                for line in handle:
                    out.write(join_compound_lemma(line))
            out.write("\n")


# --- metadata ---------------------------------------------------------------


def standin_meta(trained_meta: Dict, scores: Dict, cache_key: str, training: Dict) -> Dict:
    """The stand-in's meta.json: says in its own words that it is a stand-in."""
    treebank_sources = []
    for corpus, url in settings.TREEBANK_URLS.items():
        treebank_sources.append(
            {
                "name": f"{corpus} (Universal Dependencies)",
                "url": url,
                "license": settings.UD_LICENSE,
                "author": "Gosse Bouma, Gertjan van Noord (University of Groningen) and UD contributors",
            }
        )
    performance = {key: scores[key] for key in PERFORMANCE_KEYS if key in scores}
    meta = dict(trained_meta)
    meta.update(
        {
            "lang": "nl",
            "name": "core_news_sm",
            "version": settings.STANDIN_VERSION,
            "description": (
                "LOCAL STAND-IN for spaCy's nl_core_news_sm 3.4.0, built offline by the "
                "Leercoach installer because the official release could not be downloaded. "
                "Trained with spaCy's own training on the UD Dutch Alpino and LassySmall "
                "treebanks: tok2vec, morphologizer, tagger, parser, trainable lemmatizer. "
                "No word vectors, no named entities. Scores are on UD Dutch Alpino test."
            ),
            "author": "Leercoach project (local build, not Explosion)",
            "email": "",
            "url": "",
            "license": settings.UD_LICENSE,
            "sources": treebank_sources,
            "performance": performance,
            "leercoach": {
                "origin": ORIGIN_STANDIN,
                "stands_in_for": f"{settings.PIPELINE_NAME} {settings.OFFICIAL_VERSION}",
                "cache_key": cache_key,
                "trained_on": [t.label for t in settings.TRAIN_TREEBANKS],
                "evaluated_on": settings.EVAL_TREEBANK.label,
                "data_license": f"{settings.UD_LICENSE} ({settings.UD_LICENSE_URL})",
                "lemmas": "compound lemma parts joined: klooster_orde -> kloosterorde",
                **training,
            },
        }
    )
    return meta


def _sources_notice() -> str:
    lines = [
        "This pipeline is a local stand-in for spaCy's nl_core_news_sm 3.4.0.",
        "It was trained on, and is an adaptation of, these treebanks:",
        "",
    ]
    for corpus, url in settings.TREEBANK_URLS.items():
        lines.append(f"- {corpus}, Universal Dependencies, {url}")
    lines += [
        "  by Gosse Bouma, Gertjan van Noord (University of Groningen) and UD contributors,",
        f"  licensed under {settings.UD_LICENSE} ({settings.UD_LICENSE_URL}).",
        "",
        "Changes: compound lemma parts were joined; the data were converted with",
        "`spacy convert` and used to train a statistical model. The model is",
        f"shared under the same license, {settings.UD_LICENSE}.",
    ]
    return "\n".join(lines) + "\n"


# --- running spaCy's CLI ----------------------------------------------------


def _spacy_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # thinc imports TensorFlow; keep its log quiet
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _spacy(args: List[str], log: Path, what: str) -> None:
    command = [sys.executable, "-m", "spacy", *args]
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"\n$ {' '.join(command)}\n")
        handle.flush()
        result = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, env=_spacy_env())
    if result.returncode != 0:
        raise BuildError(f"{what} failed (exit {result.returncode})")


def _train(config: Path, train: Path, dev: Path, output: Path, log: Path, time_cap: float, say: Say) -> bool:
    """Run `spacy train`, showing its score table. Returns True when cut off by the time cap."""
    command = [
        sys.executable,
        "-m",
        "spacy",
        "train",
        str(config),
        "--output",
        str(output),
        "--paths.train",
        str(train),
        "--paths.dev",
        str(dev),
    ]
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"\n$ {' '.join(command)}\n")
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_spacy_env(),
        )

        def relay() -> None:
            for line in process.stdout:
                handle.write(line)
                handle.flush()
                plain = ANSI_ESCAPE.sub("", line).rstrip()
                if SCORE_TABLE_LINE.match(plain):
                    say("      " + plain)

        reader = threading.Thread(target=relay, daemon=True)
        reader.start()
        cut_off = False
        try:
            process.wait(timeout=time_cap)
        except subprocess.TimeoutExpired:
            # spaCy saves model-last when training is interrupted.
            cut_off = True
            say(f"      time cap of {time_cap / 60:g} min reached: stopping training, keeping the last model")
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=180)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        except BaseException:
            process.kill()
            process.wait()
            raise
        reader.join(timeout=10)
    if not (output / "model-last" / "meta.json").is_file():
        raise BuildError(f"spacy train failed (exit {process.returncode})")
    if process.returncode != 0 and not cut_off:
        raise BuildError(f"spacy train failed (exit {process.returncode})")
    return cut_off


def _format_scores(scores: Dict) -> str:
    def pct(key: str) -> str:
        value = scores.get(key)
        return f"{value * 100:.1f} %" if isinstance(value, (int, float)) else "n/a"

    return f"POS {pct('pos_acc')}, LAS {pct('dep_las')}, lemma {pct('lemma_acc')}"


# --- the build --------------------------------------------------------------


def build_standin_wheel(ud_dir: Path, cache_key: str, say: Say) -> Path:
    """Build the stand-in wheel into the cache and return its path."""
    missing = missing_data_files(ud_dir)
    if missing:
        raise BuildError(f"UD Dutch treebank file(s) missing: {', '.join(str(p) for p in missing)}")
    root = settings.cache_root()
    final_dir = root / cache_key
    staging = root / f"{cache_key}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    work = staging / "work"
    work.mkdir(parents=True)
    log = staging / TRAIN_LOG
    started = time.monotonic()
    try:
        say("  1/5 preparing UD Dutch data (scratch copy in the cache, removed after the build)")
        train_conllu, dev_conllu = work / "train.conllu", work / "dev.conllu"
        write_prepared_conllu((ud_dir / t.file_name for t in settings.TRAIN_TREEBANKS), train_conllu)
        write_prepared_conllu([ud_dir / settings.EVAL_TREEBANK.file_name], dev_conllu)

        say("  2/5 spacy convert")
        for conllu in (train_conllu, dev_conllu):
            _spacy(
                [
                    "convert",
                    str(conllu),
                    str(work),
                    "--converter",
                    "conllu",
                    "--n-sents",
                    "10",
                    "--file-type",
                    "spacy",
                ],
                log,
                "spacy convert",
            )
            conllu.unlink()

        time_cap = settings.train_time_cap_seconds()
        say(
            f"  3/5 spacy train (max {max_epochs()} epochs, time cap {time_cap / 60:g} min; "
            f"columns are scores on {settings.EVAL_TREEBANK.label})"
        )
        train_started = time.monotonic()
        cut_off = _train(
            settings.TRAINING_CONFIG,
            work / "train.spacy",
            work / "dev.spacy",
            work / "output",
            log,
            time_cap,
            say,
        )
        training_seconds = round(time.monotonic() - train_started)
        model_dir = work / "output" / "model-last"

        say(f"  4/5 spacy evaluate on {settings.EVAL_TREEBANK.label}")
        metrics_file = work / "metrics.json"
        _spacy(
            ["evaluate", str(model_dir), str(work / "dev.spacy"), "--output", str(metrics_file)],
            log,
            "spacy evaluate",
        )
        scores = json.loads(metrics_file.read_text(encoding="utf-8"))
        say(f"      {_format_scores(scores)}")

        say("  5/5 spacy package (wheel)")
        trained_meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        meta = standin_meta(
            trained_meta,
            scores,
            cache_key,
            {
                "training_seconds": training_seconds,
                "stopped_by_time_cap": cut_off,
                "built_with_spacy": spacy_version(),
            },
        )
        (model_dir / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        license_file = ud_dir / settings.LICENSE_FILES[0]
        if license_file.is_file():
            shutil.copyfile(license_file, model_dir / "LICENSE")
        (model_dir / "LICENSES_SOURCES").write_text(_sources_notice(), encoding="utf-8")
        package_dir = work / "package"
        package_dir.mkdir()
        _spacy(
            ["package", str(model_dir), str(package_dir), "--build", "wheel", "--force"], log, "spacy package"
        )
        wheels = sorted(package_dir.glob(f"*/dist/{WHEEL_GLOB}"))
        if not wheels:
            raise BuildError("spacy package made no wheel")
        shutil.move(str(wheels[0]), staging / wheels[0].name)
        shutil.rmtree(work)
        record = {
            "cache_key": cache_key,
            "scores": {key: scores[key] for key in PERFORMANCE_KEYS if key in scores},
            "training_seconds": training_seconds,
            "build_seconds": round(time.monotonic() - started),
            "stopped_by_time_cap": cut_off,
            "spacy_version": spacy_version(),
            "ud_dutch_dir": str(ud_dir),
        }
        (staging / BUILD_RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
        shutil.rmtree(final_dir, ignore_errors=True)
        staging.rename(final_dir)
    except BaseException as error:
        kept_log = root / FAILED_BUILD_LOG
        if log.is_file():
            shutil.copyfile(log, kept_log)
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, BuildError):
            raise BuildError(f"{error}; log: {kept_log}") from error
        raise
    wheel = cached_wheel(cache_key)
    assert wheel is not None
    return wheel
