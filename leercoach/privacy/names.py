"""Names and places: deduce (Dutch de-identification, LGPL) plus rules for chat.

Deduce was made for medical records. In a chat it needs help both ways:
- it misses names typed in lower case ("ik ben jan", "met sanne de bruin"), so names after
  introducing words are looked up in deduce's own first-name and surname lists;
- it takes some words for names ("Mark je agenda", "Jan-met-de-pet", place names such as
  Best and Goes), so its findings pass filters here, and a place name only counts as part of
  an address (after "ik woon in", or next to a street or postcode).

Only the deduce annotators needed here are loaded, from a slim lookup cache that
``python -m leercoach.privacy.install`` (part of ``make install``) builds: the full cache
takes about a minute to build and over ten seconds to load, the slim one well under a second.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import json
import logging
import pickle
import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

import yaml

from leercoach import catalogue
from leercoach.privacy import known
from leercoach.privacy.patterns import ADRES, NAAM, Finding

WORDS_FILE = Path(__file__).with_name("words.yml")
LOGGERS = ("deduce", "docdeid")

# The deduce annotators used (see deduce's base_config.json); dates, phone numbers, e-mail,
# BSN and postcodes have tested patterns of their own in ``patterns``.
ANNOTATORS = (
    "prefix_with_initial",
    "prefix_with_interfix",
    "prefix_with_name",
    "interfix_with_name",
    "initial_with_name",
    "initial_interfix",
    "first_name_lookup",
    "surname_lookup",
    "name_context",
    "placename",
    "street_pattern",
    "housenumber",
)
# The lookup structures those annotators and the rules below read.
LOOKUPS = (
    "first_name",
    "surname",
    "interfix_surname",
    "placename",
    "prefix",
    "interfix",
    "initial",
    "whitelist",
)
PLACE_TAG = "plaats"


class NotInstalled(RuntimeError):
    """The slim deduce cache is missing: building it takes a minute, so it is never done on a
    chat message. `make install` (python -m leercoach.privacy.install) builds it."""


@contextlib.contextmanager
def quiet_deduce() -> Iterator[None]:
    """Importing deduce calls logging.basicConfig(stream=sys.stdout, level=DEBUG), which would
    send every debug line of every library, chat text included, to stdout. Make that call a
    no-op while deduce is imported or builds its lookups, and keep its loggers at WARNING."""
    original = logging.basicConfig
    logging.basicConfig = lambda *args, **kwargs: None
    try:
        yield
    finally:
        logging.basicConfig = original
        for name in LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


def deduce_module() -> Any:
    with quiet_deduce():
        import deduce
    return deduce


def slim_cache_dir() -> Path:
    """Inside the virtualenv, beside the packages, per deduce version."""
    from importlib.metadata import version

    return Path(sys.prefix) / "share" / "leercoach" / f"deduce-{version('deduce')}"


def slim_cache_file() -> Path:
    # deduce reads <cache_path>/cache/lookup_structs.pickle
    return slim_cache_dir() / "cache" / "lookup_structs.pickle"


def deduce_config() -> Dict[str, Any]:
    """deduce's base configuration with only ANNOTATORS; place names get a tag of their own,
    and the context annotators extend a name at most CONTEXT_ROUNDS times."""
    deduce = deduce_module()
    base = json.loads(Path(deduce.deduce._BASE_CONFIG_FILE).read_text(encoding="utf-8"))
    annotators = {name: base["annotators"][name] for name in ANNOTATORS}
    annotators["placename"] = {
        **annotators["placename"],
        "args": {**annotators["placename"]["args"], "tag": PLACE_TAG},
    }
    for name, annotator in annotators.items():
        if annotator["annotator_type"] == "deduce.annotator.ContextAnnotator":
            annotators[name] = {**annotator, "annotator_type": f"{__name__}.BoundedContextAnnotator"}
    return {**base, "annotators": annotators}


def bounded_context_annotator() -> type:
    """deduce's ContextAnnotator repeats until nothing changes: one round per adjacent name,
    so a pasted list of 200 names takes seconds and 1000 exceed Python's recursion limit.
    Three rounds cover every real name ("J. P. van der Berg")."""
    with quiet_deduce():
        from deduce.annotator import ContextAnnotator

    class Bounded(ContextAnnotator):
        def _annotate(self, text, annotations, rounds=CONTEXT_ROUNDS):
            original = annotations.copy()
            for context_pattern in self.pattern:
                annotations = self._apply_context_pattern(text, annotations, context_pattern)
            if self.iterative and rounds > 1:
                dd = sys.modules["docdeid"]
                changed = dd.AnnotationSet(annotations.difference(original))
                annotations = dd.AnnotationSet(annotations.intersection(original))
                if changed:
                    annotations.update(self._annotate(text, changed, rounds - 1))
            return annotations

    return Bounded


CONTEXT_ROUNDS = 3


def build_slim_cache() -> Path:
    """Build deduce's lookups (about a minute the first time; deduce keeps its own full cache)
    and store the ones needed here where ``load`` finds them."""
    deduce = deduce_module()
    with quiet_deduce():
        full = deduce.Deduce()
    target = slim_cache_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    cache = {
        "deduce_version": deduce.__version__,
        "saved_datetime": str(datetime.datetime.now()),
        "lookup_structs": type(full.lookup_structs)({name: full.lookup_structs[name] for name in LOOKUPS}),
    }
    partial = target.with_name(target.name + ".part")
    with partial.open("wb") as handle:
        pickle.dump(cache, handle)
    partial.replace(target)
    return target


def __getattr__(name: str) -> Any:
    # deduce builds annotators from class names in its config; this one is made on demand,
    # so importing this module does not import deduce.
    if name == "BoundedContextAnnotator":
        globals()[name] = bounded_context_annotator()
        return globals()[name]
    raise AttributeError(name)


Phrases = Dict[str, Tuple[Tuple[str, ...], ...]]  # last word -> the phrases ending in it


@dataclass(frozen=True)
class Words:
    strong: Phrases
    weak: Phrases
    not_names: FrozenSet[str]
    vocabulary: FrozenSet[str]
    idioms: re.Pattern[str]
    not_streets: FrozenSet[str]


def _phrases(items: Sequence[str]) -> Phrases:
    by_last: Dict[str, List[Tuple[str, ...]]] = {}
    for phrase in {tuple(item.lower().split()) for item in items}:
        by_last.setdefault(phrase[-1], []).append(phrase)
    return {last: tuple(sorted(group, key=len, reverse=True)) for last, group in by_last.items()}


@lru_cache(maxsize=1)
def words() -> Words:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    titles = [topic.title for group in catalogue.groups().values() for topic in group]
    title_words = {w.lower() for title in titles for w in re.findall(r"[^\W\d_]+", title)}
    idioms = "|".join(re.escape(idiom) for idiom in sorted(raw["name_idioms"], key=len, reverse=True))
    return Words(
        strong=_phrases(raw["name_introducers_strong"]),
        weak=_phrases(raw["name_introducers_weak"]),
        not_names=frozenset(raw["not_names_lower_case"]),
        vocabulary=frozenset(w.lower() for w in raw["vocabulary"]) | title_words,
        idioms=re.compile(rf"(?<!\w)(?:{idioms})(?!\w)", re.IGNORECASE),
        not_streets=frozenset(raw["not_streets"]),
    )


class Engine:
    """The loaded deduce instance and its lookups; one per process (see ``engine``)."""

    def __init__(self) -> None:
        cache_file = slim_cache_file()
        if not cache_file.is_file():
            raise NotInstalled(
                f"the redaction's name lookups are not built ({cache_file} is missing): "
                "run `make install` or `python -m leercoach.privacy.install`"
            )
        deduce = deduce_module()
        with quiet_deduce():
            self.deduce = deduce.Deduce(
                load_base_config=False, config=deduce_config(), cache_path=slim_cache_dir()
            )
        lookups = self.deduce.lookup_structs
        self.first_names = lookups["first_name"]
        self.surnames = lookups["surname"]
        self.interfix_surnames = lookups["interfix_surname"]
        self.whitelist = lookups["whitelist"]
        self.interfixes = frozenset(item.lower() for item in lookups["interfix"].items())
        self.known = known.load(Path(deduce.__file__).parent, self.is_name_word)

    def is_name_word(self, word: str) -> bool:
        """Whether `word` is in deduce's first-name or surname lists ("Jong" of "de Jong"
        included), or an interfix."""
        return (
            [word] in self.first_names
            or [word] in self.surnames
            or word in self.interfix_surnames
            or word.lower() in self.interfixes
        )


_engine: Optional[Engine] = None
_engine_lock = threading.Lock()


def engine() -> Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


# ---- the rules -----------------------------------------------------------------------------

_WORD = known.WORD
# "BHV'er", "ZZP'ers": someone's role, not a name ("ik ben BHV'er").
_ACRONYM_ROLE = re.compile(r"[A-Z]{2,}['’]?ers?")
_PRONOUN_AFTER_VERB = frozenset(
    [
        "je",
        "jij",
        "u",
        "jullie",
        "ik",
        "we",
        "wij",
        "ze",
        "zij",
        "hij",
        "het",
        "de",
        "een",
        "dit",
        "dat",
        "die",
        "deze",
        "even",
        "eens",
        "er",
        "me",
        "mij",
        "ons",
        # English: "Can you", "May I", "Will there".
        "you",
        "i",
        "we",
        "they",
        "it",
        "there",
        "the",
        "my",
        "your",
        "this",
    ]
)
_AFTER_SENTENCE_END = re.compile(r"[.!?:;\n\"'(]\s*$")
_RESIDENCE = re.compile(
    r"(?i)\b(?:woon|wonen|woont|woonde|woonachtig|wonend|verhuisd|verhuis|kom)\s+"
    r"(?:al\s+\w+\s+jaar\s+|nu\s+|sinds\s+kort\s+)?(?:in|te|naar|uit)\s+$"
)
_GAP = re.compile(r"[ \t]*[,:]?[ \t]*")


def _bare(word: str) -> str:
    """'Collega's' -> 'collega', 'Jan!' -> 'jan'."""
    return re.sub(r"['’]s$", "", word).lower()


def _is_first_name(word: str, eng: Engine) -> bool:
    if _bare(word) in words().not_names and word.islower():
        return False
    forms = {word, word.capitalize(), "-".join(part.capitalize() for part in word.split("-"))}
    return any([form] in eng.first_names for form in forms) and word.lower() not in eng.whitelist


def _is_word(word: str) -> bool:
    """A word of the vocabulary or a role ("BHV'er"): never a name."""
    return _bare(word) in words().vocabulary or bool(_ACRONYM_ROLE.fullmatch(word))


def _is_surname(word: str, eng: Engine, after_interfix: bool) -> bool:
    if word.lower() in eng.whitelist or _is_word(word):
        return False
    if word[:1].isupper():
        return True
    forms = (word.capitalize(),)
    lookup = eng.interfix_surnames if after_interfix else eng.surnames
    if after_interfix:
        return any(form in lookup for form in forms)
    return any([form] in lookup for form in forms)


def _words(text: str) -> List[re.Match]:
    return list(_WORD.finditer(text))


def _introduced(tokens: List[re.Match], index: int, phrases: Phrases, text: str) -> bool:
    """Whether tokens[index] directly follows one of `phrases` (only spaces, a comma between)."""
    if index == 0:
        return False
    for phrase in phrases.get(tokens[index - 1].group().lower(), ()):
        size = len(phrase)
        if index < size:
            continue
        chain = tokens[index - size : index + 1]
        if tuple(t.group().lower() for t in chain[:-1]) == phrase and all(
            _GAP.fullmatch(text[a.end() : b.start()]) for a, b in itertools.pairwise(chain)
        ):
            return True
    return False


def _extend_surname(text: str, tokens: List[re.Match], index: int, eng: Engine) -> int:
    """Index of the last token of the name that starts at tokens[index]: interfixes plus a
    surname ("de bruin", "van der Berg", "el amrani"), or capitalised surnames."""
    last = index
    i = index + 1
    while i < len(tokens) and re.fullmatch(r"[ \t]+|-", text[tokens[i - 1].end() : tokens[i].start()]):
        # Interfixes: the longest run of up to three words that deduce knows ("van der").
        run = 0
        for size in (3, 2, 1):
            phrase = " ".join(t.group().lower() for t in tokens[i : i + size])
            if i + size < len(tokens) and phrase in eng.interfixes:
                run = size
                break
        if run:
            candidate = tokens[i + run]
            if _is_surname(candidate.group(), eng, after_interfix=True):
                last = i = i + run
                i += 1
                continue
            break
        if _is_surname(tokens[i].group(), eng, after_interfix=False):
            last = i
            i += 1
            continue
        break
    return last


def rule_names(text: str, eng: Engine, idioms: List[Tuple[int, int]]) -> Iterator[Finding]:
    """Names after introducing words, in any case: 'ik ben jan', 'mijn collega Zbigniew'."""
    tokens = _words(text)
    for index, token in enumerate(tokens):
        word = token.group()
        if _is_word(word) or word.lower() in eng.interfixes:
            continue
        strong = _introduced(tokens, index, words().strong, text)
        weak = not strong and _introduced(tokens, index, words().weak, text)
        if not (strong or weak):
            continue
        known = _is_first_name(word, eng)
        capitalised = word[:1].isupper() and word.lower() not in eng.whitelist
        if known or (strong and capitalised):
            last = _extend_surname(text, tokens, index, eng)
            if not _in_idiom(token.start(), tokens[last].end(), idioms):
                yield Finding(token.start(), tokens[last].end(), NAAM, 10)


def _in_idiom(start: int, end: int, spans: List[Tuple[int, int]]) -> bool:
    """Whether start..end lies within one of `spans` (an idiom, a place name)."""
    return any(s_start <= start and end <= s_end for s_start, s_end in spans)


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start]
    return (start - len(before) == 0 and not before.strip()) or bool(_AFTER_SENTENCE_END.search(before))


def _keep_person(text: str, start: int, end: int, idioms: List[Tuple[int, int]], eng: Engine) -> bool:
    """Filters for deduce's person findings in chat text."""
    span_words = _WORD.findall(text[start:end])
    if not span_words or all(_is_word(w) for w in span_words):
        return False
    if _in_idiom(start, end, idioms) or _ends_a_title(text, start, span_words, eng):
        return False
    after = text[end : end + 30]
    # "Jan-met-de-pet": a name glued to a lower-case word is a compound, not a name;
    # "Kuehne+Nagel": a surname glued with a plus is a brand ("Anna+Tim" are people).
    if re.match(r"-[a-z]", after):
        return False
    plus = re.match(r"\+[^\W\d_]", after) or re.search(r"[^\W\d_]\+$", text[max(0, start - 2) : start])
    if plus and not any(_is_first_name(w, eng) for w in span_words):
        return False
    # "de Marine", "het Nova": a first name alone right after an article is a thing.
    if len(span_words) == 1 and _ARTICLE_BEFORE.search(text[max(0, start - 5) : start]):
        word = span_words[0]
        if _is_first_name(word, eng) and [word] not in eng.surnames:
            return False
    # "Mark je agenda", "Wil je": a verb first in a question or a request.
    next_word = re.match(r"[ \t]+([^\W\d_]+)", after)
    verb_first = (
        len(span_words) == 1
        and _starts_sentence(text, start)
        and next_word is not None
        and next_word.group(1).lower() in _PRONOUN_AFTER_VERB
    )
    return not verb_first


_ARTICLE_BEFORE = re.compile(r"(?:^|[ \t(])(?:de|het|een|'t)[ \t]+$")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’]*)[ \t]+$")


def _ends_a_title(text: str, start: int, span_words: List[str], eng: Engine) -> bool:
    """ "De workshop Effectief Feedback Geven": a lone surname right after a capitalised word of
    the vocabulary is the next word of a title. After a role ("Teamleider Jansen") or with a
    first name ("Feedback Anna") it stays a name."""
    before = _WORD_BEFORE.search(text[max(0, start - 40) : start])
    if len(span_words) != 1 or not before or _is_first_name(span_words[0], eng):
        return False
    word = before.group(1)
    return word[:1].isupper() and _is_word(word) and word.lower() not in words().strong


def _trim(text: str, start: int, end: int, eng: Engine) -> Tuple[int, int]:
    """Deduce sometimes takes the word before a name along ("collega Mark"): drop leading
    lower-case words that are common words or introducers."""
    while True:
        match = re.match(r"([^\W\d_][\w'’]*)([ \t]+)", text[start:end])
        if not match:
            return start, end
        word = match.group(1)
        if word.islower() and (
            word in eng.whitelist
            or _bare(word) in words().vocabulary
            or word in words().strong
            or word in words().weak
        ):
            start += match.end()
        else:
            return start, end


# deduce's cost grows faster than the text; long messages go in pieces cut at a line or
# sentence end (a name is never cut) or else at a space.
CHUNK = 1000


def chunks(text: str, size: int = CHUNK) -> Iterator[Tuple[int, str]]:
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("? "), window.rfind("! "))
        if cut < size // 2:
            cut = window.rfind(" ")
        cut = cut + 1 if cut > 0 else size
        yield start, text[start : start + cut]
        start += cut
    yield start, text[start:]


def deduce_findings(
    text: str, eng: Engine, idioms: List[Tuple[int, int]]
) -> Tuple[List[Finding], List[Tuple[int, int]]]:
    """(names and street addresses found by deduce, place-name spans waiting for context).

    Deduce's own overlap resolution and redactor are skipped: with equal priorities it keeps
    either the name or the place for "Groningen", and ``redaction`` resolves overlaps anyway."""
    findings: List[Finding] = []
    places: List[Tuple[int, int]] = []
    for offset, chunk in chunks(text):
        for annotation in eng.deduce.deidentify(chunk, disabled={"post_processing"}).annotations:
            start, end = offset + annotation.start_char, offset + annotation.end_char
            tag = annotation.tag
            if tag == PLACE_TAG:
                places.append((start, end))
            elif tag == "locatie":  # a street with a house number
                if text[start:end].split(" ")[0].lower() not in words().not_streets:
                    findings.append(Finding(start, end, ADRES, 30))
            elif tag in ("persoon", "patient"):
                start, end = _trim(text, start, end, eng)
                if start < end and _keep_person(text, start, end, idioms, eng):
                    findings.append(Finding(start, end, NAAM, 10))
    return findings, places


_GLUE_BEFORE = re.compile(r"[ \t]*,?[ \t]*(?:(?:in|te)[ \t]+)?$")


def places_in_addresses(
    text: str, places: List[Tuple[int, int]], addresses: List[Finding]
) -> Iterator[Finding]:
    """A place name is personal only as part of where someone lives: after 'ik woon in', or
    right after a street or a postcode ('Kerkstraat 1, Utrecht', '3511 AB Utrecht')."""
    address_ends = {a.end for a in addresses}
    for start, end in places:
        before = text[max(0, start - 40) : start]
        glue = _GLUE_BEFORE.search(before)
        if _RESIDENCE.search(before) or (glue and start - len(glue.group()) in address_ends):
            yield Finding(start, end, ADRES, 25)


def _person_before(text: str, start: int, end: int, eng: Engine) -> int:
    """End of the name in text[start:end] without the words that joined it to what follows
    ("Jan de Vries van" -> "Jan de Vries"); `start` when nothing of a name is left."""
    tokens = _words(text[start:end])
    while (
        tokens
        and tokens[-1].group().islower()
        and (
            tokens[-1].group() in eng.whitelist
            or tokens[-1].group() in eng.interfixes
            or tokens[-1].group() in words().weak
            or tokens[-1].group() in words().strong
        )
    ):
        tokens.pop()
    # "De Roos van Leary": a capitalised "De" before a thing is no name on its own.
    if all(t.group().lower() in eng.whitelist or t.group().lower() in eng.interfixes for t in tokens):
        return start
    return start + tokens[-1].end()


def _outside(finding: Finding, things: List[Tuple[int, int]], text: str, eng: Engine) -> Iterator[Finding]:
    """A name finding without the known names of things in it: "Jan de Vries van Philips" ->
    "Jan de Vries", "Rode Kruis" -> nothing. After the thing, a name goes on only from a name
    word ("Fysiotherapie Bakker"); a thing that is a first name too starts one ("Miro Bakker")."""
    inside = sorted(
        span
        for span in things
        if span[0] < finding.end
        and finding.start < span[1]
        and not _starts_a_name(span, finding, things, text, eng)
    )
    if finding.kind != NAAM or not inside:
        yield finding
        return
    end = _person_before(text, finding.start, inside[0][0], eng)
    if end > finding.start:
        yield Finding(finding.start, end, finding.kind, finding.priority)
    rest = _words(text[inside[-1][1] : finding.end])
    if rest and _is_name_after(rest[0].group(), eng):
        yield Finding(inside[-1][1] + rest[0].start(), finding.end, finding.kind, finding.priority)


def _starts_a_name(
    span: Tuple[int, int], finding: Finding, things: List[Tuple[int, int]], text: str, eng: Engine
) -> bool:
    """A thing that is a first name too ("Miro") at the start of a longer name finding, with
    no other thing right after it ("Lean Yellow Belt")."""
    if not (span[0] == finding.start and span[1] < finding.end and _is_first_name(text[slice(*span)], eng)):
        return False
    following = _words(text[span[1] : finding.end])
    if not following:
        return False
    start = span[1] + following[0].start()
    return not any(s_start <= start < s_end for s_start, s_end in things)


def _is_name_after(word: str, eng: Engine) -> bool:
    return (
        word[:1].isupper()
        and eng.is_name_word(word)
        and not _is_word(word)
        and word.lower() not in eng.interfixes
    )


def _english_word(finding: Finding, text: str, eng: Engine) -> bool:
    """Only English words ("in May", "My manager"), unless a word that is a first name too
    starts a sentence that goes on in other words: "June said so" is a name."""
    found = [w.lower() for w in _WORD.findall(text[finding.start : finding.end])]
    if not all(w in eng.known.english for w in found):
        return False
    next_word = re.match(r"[ \t]+([^\W\d_][\w'’]*)", text[finding.end :])
    name_first = (
        found[0] in eng.known.english_names
        and _starts_sentence(text, finding.start)
        and not (next_word and next_word.group(1).lower() in eng.known.english)
    )
    return not name_first


def find(text: str, address_findings: List[Finding]) -> List[Finding]:
    """Names, street addresses and places of residence in `text`."""
    eng = engine()
    tokens = _words(text)
    things, known_places = eng.known.spans(text, tokens)
    idioms = [(m.start(), m.end()) for m in words().idioms.finditer(text)]
    found, places = deduce_findings(text, eng, idioms)
    places = places + known_places
    things += eng.known.organisations_at_places(text, tokens, places)
    things += eng.known.organisations_before_tails(text, tokens)
    # A place deduce also knows as a surname ("het congres was in Den Haag") names nobody;
    # where someone lives, it becomes [ADRES] below.
    found = [f for f in found if not (f.kind == NAAM and _in_idiom(f.start, f.end, places))]
    # "ik woon in Den Bosch": a "name" where someone lives is the place.
    found = [
        Finding(f.start, f.end, ADRES, 25)
        if f.kind == NAAM and _RESIDENCE.search(text[max(0, f.start - 40) : f.start])
        else f
        for f in found
    ]
    found.extend(rule_names(text, eng, idioms))
    found = [piece for f in found for piece in _outside(f, things, text, eng)]
    # "Can you help me", "May I ask": in an English message an English word is no name.
    if eng.known.is_english(tokens):
        found = [f for f in found if not (f.kind == NAAM and _english_word(f, text, eng))]
    addresses = [f for f in found + address_findings if f.kind == ADRES]
    found.extend(places_in_addresses(text, places, addresses))
    return found
