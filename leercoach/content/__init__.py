"""Leercoach's texts as data: answers, short UI messages, conversation texts, the privacy notice.

The Dutch texts live in ``answers.yml``, ``privacy.yml``, ``handoff.yml`` and ``widget.yml`` so HR can change
them without a developer; this module only reads them and fills in their named ``{placeholders}``.
``signals.yml`` holds the words that steer an answer (who is asking, English, off-topic).
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Sequence, Set

import yaml

CONTENT_DIR = Path(__file__).parent
ANSWERS_FILE = CONTENT_DIR / "answers.yml"
PRIVACY_FILE = CONTENT_DIR / "privacy.yml"
SIGNALS_FILE = CONTENT_DIR / "signals.yml"
HANDOFF_FILE = CONTENT_DIR / "handoff.yml"
WIDGET_FILE = CONTENT_DIR / "widget.yml"


def _read_sections(path: Path, *sections: str) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for section in sections:
        if not isinstance(data.get(section), dict):
            raise ValueError(f"{path} needs a mapping under '{section}:'")
    return data


@lru_cache(maxsize=1)
def load_answers() -> Dict[str, Any]:
    """The parsed answers file: ``{"answers": {key: {...}}, "messages": {name: text}}``."""
    return _read_sections(ANSWERS_FILE, "answers", "messages", "conversation", "terms")


@lru_cache(maxsize=1)
def signals() -> Dict[str, Any]:
    """The words that steer an answer: ``audience``, ``english``, ``off_topic``."""
    return _read_sections(SIGNALS_FILE, "audience", "off_topic")


@lru_cache(maxsize=1)
def _load_privacy_file() -> Dict[str, Any]:
    return _read_sections(PRIVACY_FILE, "privacy", "pii_kinds", "erasure", "export")


def _load_privacy() -> Dict[str, str]:
    return _load_privacy_file()["privacy"]


def answer(key: str) -> Dict[str, str]:
    """The answer for a catalogue key: ``text`` and, where present, ``tip``, ``more``, ``source``.

    Placeholders are left in; fill them with :func:`fill`. A copy is returned, so a caller
    cannot change the cached texts.
    """
    answers = load_answers()["answers"]
    if key not in answers:
        raise KeyError(f"no answer for topic '{key}' in {ANSWERS_FILE}")
    return dict(answers[key])


def message(name: str, **values: Any) -> str:
    """The short UI message ``name`` with its placeholders filled from ``values``."""
    messages = load_answers()["messages"]
    if name not in messages:
        raise KeyError(f"no message '{name}' in {ANSWERS_FILE}")
    return fill(messages[name], what=f"message '{name}'", **values)


def variants(name: str, **values: Any) -> List[str]:
    """The conversation text ``name`` (answers.yml ``conversation:``) as a list of filled variants."""
    texts = load_answers()["conversation"]
    if name not in texts:
        raise KeyError(f"no conversation text '{name}' in {ANSWERS_FILE}")
    entry = texts[name]
    return [fill(t, what=f"conversation text '{name}'", **values).strip() for t in _as_list(entry)]


def conversation(name: str, **values: Any) -> str:
    """The (first) conversation text ``name``, filled."""
    return variants(name, **values)[0]


def terms() -> Dict[str, Dict[str, Any]]:
    """Words the answers use, with their explanation: ``{key: {words, topic, text}}``."""
    return load_answers()["terms"]


def _as_list(entry: Any) -> List[str]:
    return list(entry) if isinstance(entry, list) else [entry]


def privacy_text(part: str = "full", **values: Any) -> str:
    """The privacy notice, ``full`` (default) or ``short``, with its placeholders filled."""
    privacy = _load_privacy()
    if part not in privacy:
        raise KeyError(f"no privacy text '{part}' in {PRIVACY_FILE}")
    return fill(privacy[part], what=f"privacy text '{part}'", **values)


def privacy_message(section: str, name: str, **values: Any) -> str:
    """A chat message of the privacy file (``erasure``, ``export`` or ``private_only``), placeholders filled."""
    texts = _load_privacy_file()[section]
    if name not in texts:
        raise KeyError(f"no privacy message '{section}.{name}' in {PRIVACY_FILE}")
    return fill(texts[name].strip(), what=f"privacy message '{section}.{name}'", **values)


@lru_cache(maxsize=1)
def _load_handoff() -> Dict[str, Any]:
    return _read_sections(HANDOFF_FILE, "handoff")["handoff"]


def handoff_text(name: str, **values: Any) -> str:
    """A text of the hulpvraag to HR (``handoff.yml``); ``form.<name>`` for the widget's form."""
    texts = _load_handoff()
    for part in name.split("."):
        if not isinstance(texts, dict) or part not in texts:
            raise KeyError(f"no hulpvraag text '{name}' in {HANDOFF_FILE}")
        texts = texts[part]
    return fill(str(texts).strip(), what=f"hulpvraag text '{name}'", **values)


def handoff_form_texts(**values: Any) -> Dict[str, str]:
    """Every label of the widget's contact form, filled."""
    return {name: handoff_text(f"form.{name}", **values) for name in _load_handoff()["form"]}


@lru_cache(maxsize=1)
def widget_texts() -> Dict[str, str]:
    """The widget's labels from ``widget.yml`` (the plan tools), by the widget's string names."""
    texts = _read_sections(WIDGET_FILE, "widget")["widget"]
    return {name: " ".join(str(text).split()) for name, text in texts.items()}


def pii_notice(kinds: Sequence[str]) -> str:
    """The line an answer begins with when personal data was taken out of the message."""
    data = _load_privacy_file()
    names = list(dict.fromkeys(data["pii_kinds"].get(kind, data["fallback_kind"]) for kind in kinds))
    names = names or [data["fallback_kind"]]
    removed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {data['and_word']} {names[-1]}"
    return fill(data["removed_notice"], what="privacy text 'removed_notice'", removed=removed)


def fill(template: str, what: str = "text", **values: Any) -> str:
    """``template`` with its named placeholders filled; extra values are ignored.

    A missing value raises a KeyError that names the text and the placeholder, so a gap in
    the configuration shows up as a clear error instead of a half-filled message.
    """
    try:
        return template.format(**values)
    except KeyError as missing:
        raise KeyError(f"{what} needs a value for placeholder {{{missing.args[0]}}}") from None


def placeholders(template: str) -> Set[str]:
    """The names of the ``{placeholders}`` in ``template``."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
