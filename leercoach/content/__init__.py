"""Leercoach's texts as data: answers, short UI messages and the privacy notice.

The Dutch texts live in ``answers.yml`` and ``privacy.yml`` so HR can change them without a
developer; this module only reads them and fills in their named ``{placeholders}``.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Sequence, Set

import yaml

CONTENT_DIR = Path(__file__).parent
ANSWERS_FILE = CONTENT_DIR / "answers.yml"
PRIVACY_FILE = CONTENT_DIR / "privacy.yml"


def _read_sections(path: Path, *sections: str) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for section in sections:
        if not isinstance(data.get(section), dict):
            raise ValueError(f"{path} needs a mapping under '{section}:'")
    return data


@lru_cache(maxsize=1)
def load_answers() -> Dict[str, Any]:
    """The parsed answers file: ``{"answers": {key: {...}}, "messages": {name: text}}``."""
    return _read_sections(ANSWERS_FILE, "answers", "messages")


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


def privacy_text(part: str = "full", **values: Any) -> str:
    """The privacy notice, ``full`` (default) or ``short``, with its placeholders filled."""
    privacy = _load_privacy()
    if part not in privacy:
        raise KeyError(f"no privacy text '{part}' in {PRIVACY_FILE}")
    return fill(privacy[part], what=f"privacy text '{part}'", **values)


def privacy_message(section: str, name: str, **values: Any) -> str:
    """A chat message of the privacy file (``erasure`` or ``export``), placeholders filled."""
    texts = _load_privacy_file()[section]
    if name not in texts:
        raise KeyError(f"no privacy message '{section}.{name}' in {PRIVACY_FILE}")
    return fill(texts[name].strip(), what=f"privacy message '{section}.{name}'", **values)


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
