"""Capitalised words that name nobody: employers, public bodies, places, tools, courses, English.

Deduce's name lists hold "Philips", "Kruis", "Can" and "May", and its context rules glue the
words around a name together ("Sanne Bakker bij de Gemeente Den Haag"). The redaction finds
the known names of things in a message first; a name finding never covers one of them
(``names.find`` cuts it back to the person before it). The lists are data:
``lookups/*.txt`` (ours) and deduce's hospital and healthcare-institution lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Sequence, Tuple

LOOKUPS_DIR = Path(__file__).with_name("lookups")
THING_FILES = ("organisations.txt", "products.txt", "places.txt")
# deduce's own lists (deduce/data/lookup/src/institutions/<name>/items.txt).
HOSPITALS = ("lst_hospital", "lst_hospital_abbr")
CARE_PROVIDERS = ("lst_healthcare_institution",)

WORD = re.compile(r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*")
# What may stand between the words of a known name: "ABN AMRO", "Bol.com", "AT&T", "TU/e".
_INNER_GAP = re.compile(r"[ \t]*[.&/+]?[ \t]*")
# A message counts as English when at least this many of its words, and this share, are
# English-only words.
ENGLISH_MIN_WORDS = 2
ENGLISH_MIN_SHARE = 0.3

MAX_BEFORE_TAIL = 3

Key = Tuple[str, ...]
Span = Tuple[int, int]


def read_list(path: Path) -> List[str]:
    """The entries of a list file: one a line, '#' starts a comment."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def key(phrase: str) -> Key:
    return tuple(word.lower() for word in WORD.findall(phrase))


@dataclass(frozen=True)
class Known:
    phrases: FrozenSet[Key]
    # first word -> the lengths of the phrases starting with it, longest first
    lengths: Dict[str, Tuple[int, ...]]
    places: FrozenSet[Key]
    heads: FrozenSet[str]
    tails: FrozenSet[str]
    english: FrozenSet[str]
    english_names: FrozenSet[str]

    def spans(self, text: str, tokens: Sequence[re.Match]) -> Tuple[List[Span], List[Span]]:
        """(known names of things, the places among them) in `text`, longest match first."""
        things: List[Span] = []
        places: List[Span] = []
        i = 0
        while i < len(tokens):
            size = self._match_at(text, tokens, i)
            if size:
                span = (tokens[i].start(), tokens[i + size - 1].end())
                things.append(span)
                if tuple(t.group().lower() for t in tokens[i : i + size]) in self.places:
                    places.append(span)
                i += size
            else:
                i += 1
        return things, places

    def _match_at(self, text: str, tokens: Sequence[re.Match], i: int) -> int:
        for size in self.lengths.get(tokens[i].group().lower(), ()):
            chain = tokens[i : i + size]
            if (
                len(chain) == size
                and tuple(t.group().lower() for t in chain) in self.phrases
                and all(_INNER_GAP.fullmatch(text[a.end() : b.start()]) for a, b in zip(chain, chain[1:]))
            ):
                return size
        return 0

    def organisations_at_places(
        self, text: str, tokens: Sequence[re.Match], places: Iterable[Span]
    ) -> List[Span]:
        """'Gemeente Den Haag', 'Provincie Utrecht': a head word right before a place."""
        head_before = {}
        for token in tokens:
            if token.group().lower() in self.heads:
                head_before[token.end()] = token.start()
        found = []
        for start, end in places:
            gap = start
            while gap > 0 and text[gap - 1] in " \t":
                gap -= 1
            if gap < start and gap in head_before:
                found.append((head_before[gap], end))
        return found

    def organisations_before_tails(self, text: str, tokens: Sequence[re.Match]) -> List[Span]:
        """'het Nova College', 'Kuipers Installatietechniek': up to three capitalised words
        right before a tail word."""
        found = []
        for i, token in enumerate(tokens):
            if i == 0 or token.group().lower() not in self.tails:
                continue
            first = i
            while (
                first > 0
                and i - first < MAX_BEFORE_TAIL
                and tokens[first - 1].group()[:1].isupper()
                and re.fullmatch(r"[ \t]+|-", text[tokens[first - 1].end() : tokens[first].start()])
            ):
                first -= 1
            if first < i:
                found.append((tokens[first].start(), token.end()))
        return found

    def is_english(self, tokens: Sequence[re.Match]) -> bool:
        hits = sum(t.group().lower() in self.english for t in tokens)
        return hits >= ENGLISH_MIN_WORDS and hits >= ENGLISH_MIN_SHARE * len(tokens)


def deduce_institutions(deduce_dir: Path, is_name: Callable[[str], bool]) -> List[str]:
    """deduce's hospitals and healthcare institutions that name no person. A hospital called
    after someone long dead stays ("Jeroen Bosch Ziekenhuis"), but not one that is only a name
    ("Antonius"); a care provider stays only with two words or more and no name in them at
    all, since a practice is often called after the person who runs it ("Fysiotherapie
    Bakker") and a one-word entry may be any word."""
    base = deduce_dir / "data" / "lookup" / "src" / "institutions"
    entries = []
    for name in HOSPITALS:
        entries += [e for e in read_list(base / name / "items.txt") if not all(map(is_name, WORD.findall(e)))]
    for name in CARE_PROVIDERS:
        for entry in read_list(base / name / "items.txt"):
            words = WORD.findall(entry)
            if len(words) > 1 and not any(map(is_name, words)):
                entries.append(entry)
    return entries


def load(deduce_dir: Path, is_name: Callable[[str], bool]) -> Known:
    lists = {name: read_list(LOOKUPS_DIR / name) for name in THING_FILES}
    phrases = {key(entry) for entries in lists.values() for entry in entries}
    phrases.update(key(entry) for entry in deduce_institutions(deduce_dir, is_name))
    phrases.discard(())
    by_first: Dict[str, set] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], set()).add(len(phrase))
    return Known(
        phrases=frozenset(phrases),
        lengths={first: tuple(sorted(sizes, reverse=True)) for first, sizes in by_first.items()},
        places=frozenset(key(entry) for entry in lists["places.txt"]),
        heads=frozenset(w.lower() for w in read_list(LOOKUPS_DIR / "heads.txt")),
        tails=frozenset(w.lower() for w in read_list(LOOKUPS_DIR / "tails.txt")),
        english=frozenset(w.lower() for w in read_list(LOOKUPS_DIR / "english.txt")),
        english_names=frozenset(w.lower() for w in read_list(LOOKUPS_DIR / "english_names.txt")),
    )
