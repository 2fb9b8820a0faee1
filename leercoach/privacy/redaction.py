"""The one redaction function: personal data in a chat message becomes a Dutch token.

    >>> redact("Ik ben Jan de Vries, bel me op 06-12345678").text
    'Ik ben [NAAM], bel me op [TELEFOON]'

Every channel, the tracker store and the review app use :func:`redact`. It keeps everything
that is not personal data exactly as it was (button payloads included), never raises on a
string, and redacting its output again changes nothing. Tokens: [NAAM], [E-MAIL], [TELEFOON],
[IBAN], [BSN], [ADRES], [DATUM], [PERSONEELSNUMMER] and [AFDELING].
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import List, Optional, Tuple

from leercoach import settings
from leercoach.privacy import names, patterns
from leercoach.privacy.patterns import KINDS, TOKEN, Finding

__all__ = ["KINDS", "Finding", "Redaction", "detect", "redact", "warm_up"]


@dataclass(frozen=True)
class Redaction:
    text: str
    # Token names found, in order of first appearance, each once: ("NAAM", "TELEFOON").
    kinds: Tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


class _Configured:
    """The settings-dependent patterns, read once per process (like the deduce instance)."""

    _lock = threading.Lock()
    _patterns: Optional[Tuple[re.Pattern[str], Optional[re.Pattern[str]]]] = None

    @classmethod
    def get(cls) -> Tuple[re.Pattern[str], Optional[re.Pattern[str]]]:
        if cls._patterns is None:
            with cls._lock:
                cls._patterns = (
                    settings.staff_number_pattern(),
                    patterns.department_pattern(settings.departments()),
                )
        return cls._patterns

    @classmethod
    def reset(cls) -> None:
        """Read the settings again (tests change them)."""
        cls._patterns = None


def warm_up() -> None:
    """Load deduce and read the settings now (at server start) instead of at the first message;
    raises a clear error when the lookups are not installed or a setting is invalid."""
    _Configured.get()
    names.engine()


def _resolve(findings: List[Finding], text: str) -> List[Finding]:
    """Non-overlapping findings, in text order: higher priority first, then the longer one.
    Tokens already in the text ([NAAM]) are never touched."""
    taken = bytearray(len(text))
    for match in TOKEN.finditer(text):
        taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    chosen: List[Finding] = []
    for finding in sorted(findings, key=lambda f: (-f.priority, -(f.end - f.start), f.start)):
        if finding.end > finding.start and not any(taken[finding.start : finding.end]):
            taken[finding.start : finding.end] = b"\x01" * (finding.end - finding.start)
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


_JOINS = {
    patterns.NAAM: re.compile(r"[ \t]+|-"),
    patterns.ADRES: re.compile(r"[ \t]*,?[ \t]*(?:(?:in|te)[ \t]+)?"),
}


def _merge(findings: List[Finding], text: str) -> List[Finding]:
    """'Jan' + 'Jansen' -> one [NAAM]; 'Kerkstraat 1' + ', ' + '3511 AB' -> one [ADRES]."""
    merged: List[Finding] = []
    for finding in findings:
        previous = merged[-1] if merged else None
        join = _JOINS.get(finding.kind)
        if (
            previous
            and previous.kind == finding.kind
            and join
            and join.fullmatch(text[previous.end : finding.start])
        ):
            merged[-1] = Finding(previous.start, finding.end, finding.kind, previous.priority)
        else:
            merged.append(finding)
    return merged


def detect(text: str) -> Tuple[Finding, ...]:
    """The personal data in `text` as non-overlapping spans, in text order."""
    if not text:
        return ()
    staff_pattern, department_pattern = _Configured.get()
    found: List[Finding] = []
    found.extend(patterns.emails(text))
    found.extend(patterns.ibans(text))
    found.extend(patterns.bsns(text))
    found.extend(patterns.phones(text))
    found.extend(patterns.staff_numbers(text, staff_pattern))
    found.extend(patterns.dates(text))
    found.extend(patterns.addresses(text, names.words().not_streets))
    found.extend(patterns.departments(text, department_pattern))
    found.extend(names.find(text, [f for f in found if f.kind == patterns.ADRES]))
    return tuple(_merge(_resolve(found, text), text))


def redact(text: str) -> Redaction:
    """`text` with each piece of personal data replaced by its token, e.g. [NAAM]."""
    findings = detect(text)
    if not findings:
        return Redaction(text)
    pieces, position = [], 0
    for finding in findings:
        pieces.append(text[position : finding.start])
        pieces.append(f"[{finding.kind}]")
        position = finding.end
    pieces.append(text[position:])
    kinds = tuple(dict.fromkeys(finding.kind for finding in findings))
    return Redaction("".join(pieces), kinds)
