"""Reads a development goal in the person's own words: is it usable, and what is it about?

The Dutch spaCy pipeline (lemmas, part-of-speech, noun chunks) sharpens the analysis when it
is installed; without it (or with a pipeline that lacks a parser) the same rules run on plain
words, so every goal still gets an analysis. The word lists live in goal_words.yml.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from leercoach.coaching.data import load

logger = logging.getLogger(__name__)

PIPELINE_NAME = "nl_core_news_sm"
KINDS = ("skill", "topic", "role", "general")
VOWELS = set("aeiouyáéíóúàèëïöüâêîôû")
KEYBOARD_RUNS = ("qwert", "asdf", "sdfg", "zxcv", "hjkl", "uiop", "yxcv")
PREPOSITIONS = {
    "met",
    "aan",
    "voor",
    "in",
    "op",
    "bij",
    "naar",
    "over",
    "tegen",
    "tijdens",
    "van",
    "zonder",
    "onder",
    "binnen",
}
_WORD = re.compile(r"[^\W\d_][\w'’\-+#.]*", re.UNICODE)


@dataclass(frozen=True)
class GoalAnalysis:
    """What the coach understood of a goal; stored in a slot as a plain dict."""

    text: str  # the goal as the person wrote it, tidied
    kind: str  # skill | topic | role | general
    subject: Optional[str]  # fits after "met", "over", "van een": "presenteren", "Excel"
    lemmas: Tuple[str, ...] = field(default_factory=tuple)
    analysed_by: str = "rules"  # "spacy" when the Dutch pipeline helped
    phrase: Optional[str] = None  # the goal in a few words, for "Doel: ..." (see short_phrase)

    @property
    def display(self) -> str:
        """The goal as the plan shows it: a short phrase, never the whole sentence."""
        return self.phrase or short_phrase(self.text, self.kind, self.subject)

    def to_slot(self) -> Dict[str, Any]:
        data = asdict(self)
        data["lemmas"] = list(self.lemmas)
        return data

    @classmethod
    def from_slot(cls, data: Optional[Dict[str, Any]], fallback_text: str = "") -> GoalAnalysis:
        if not isinstance(data, dict) or data.get("kind") not in KINDS:
            return analyse_goal(fallback_text, use_spacy=False) if fallback_text else general(fallback_text)
        return cls(
            text=str(data.get("text") or fallback_text),
            kind=data["kind"],
            subject=data.get("subject") or None,
            lemmas=tuple(data.get("lemmas") or ()),
            analysed_by=str(data.get("analysed_by") or "rules"),
            phrase=data.get("phrase") or None,
        )


def general(text: str) -> GoalAnalysis:
    return GoalAnalysis(text=text, kind="general", subject=None)


# --- the spaCy pipeline: loaded once per process, optional --------------------------


@lru_cache(maxsize=1)
def pipeline():
    """The Dutch spaCy pipeline, or None when spaCy or the model is not installed."""
    try:
        import spacy

        return spacy.load(PIPELINE_NAME)
    except Exception as problem:  # missing model, broken install: the rules still work
        logger.warning("Goal analysis without spaCy (%s): %s", PIPELINE_NAME, problem)
        return None


@dataclass
class _Token:
    text: str
    lemma: str
    pos: str  # universal POS tag, "" without a tagger


def _spacy_tokens(doc) -> List[_Token]:
    return [_Token(t.text, (t.lemma_ or t.text).lower(), t.pos_ or "") for t in doc]


def _noun_chunks(doc) -> List[str]:
    try:
        return [chunk.text for chunk in doc.noun_chunks]
    except (ValueError, NotImplementedError, AttributeError):  # no parser in this pipeline
        return []


# --- is it a usable goal? -------------------------------------------------------------


def tidy(text: Optional[str]) -> str:
    """Whitespace collapsed, outer quotes and closing punctuation removed."""
    cleaned = " ".join((text or "").split())
    cleaned = cleaned.strip("\"'“”‘’`«» ")
    return cleaned.rstrip(".!?;:, ").strip()


def looks_like_nonsense(text: str) -> bool:
    lowered = text.lower()
    letters = [c for c in text if c.isalpha()]
    visible = [c for c in text if not c.isspace()]
    if not letters or len(letters) < 0.5 * len(visible):
        return True
    if re.search(r"(.)\1{3,}", lowered) or any(run in lowered for run in KEYBOARD_RUNS):
        return True
    words = [w for w in re.findall(r"[^\W\d_]+", text)]
    # Short all-capital words are acronyms (SQL, HR, AI), not nonsense.
    checked = [w.lower() for w in words if not (w.isupper() and len(w) <= 5)]
    if not checked:
        return False
    if len(checked) == 1 and re.fullmatch(r"(.{1,3})\1{2,}", checked[0]):
        return True  # "hahaha", "asdasd"
    without_vowel = [w for w in checked if not set(w) & VOWELS]
    return len(without_vowel) * 2 >= len(checked) and any(len(w) >= 3 for w in without_vowel)


def _without_fillers(text: str) -> str:
    fillers = _lowered(load("goal_words")["not_a_goal_fillers"])
    words = re.sub(r"[^\w'\s]", " ", text.lower()).split()
    return " ".join(w for w in words if w not in fillers)


def is_not_a_goal(text: str) -> bool:
    """'geen idee eigenlijk', 'tja, weet ik niet': no goal, however it is wrapped."""
    plain = _without_fillers(text)
    if not plain:
        return True
    return plain in {_without_fillers(str(g)) for g in load("goal_words")["not_a_goal"]}


def answers_another_question(text: str) -> bool:
    """'1 tot 3 uur', 'samen', 'door te doen': an answer to one of the other questions."""
    from leercoach.coaching import questions

    if questions.hours_per_week(text) is not None and re.search(
        r"uur|uren|minu|kwartier|week|\d\s*(?:-|tot)\s*\d", text
    ):
        return True
    lowered = " ".join(re.sub(r"[^\w'\s]", " ", text.lower()).split())
    labels = {
        " ".join(re.sub(r"[^\w'\s]", " ", str(option["label"]).lower()).split())
        for slot in questions.question_order()
        for option in questions.options(slot)
    }
    return lowered in labels | _lowered(load("goal_words")["other_answers"])


def goal_problem(text: Optional[str]) -> Optional[str]:
    """Why this answer cannot be used as a goal (a key of texts.yml reask.goal_*), or None."""
    limits = load("goal_words")["limits"]
    raw = (text or "").strip()
    cleaned = tidy(raw)
    if not cleaned:
        return "goal_empty"
    if len(raw) > limits["max_chars"]:
        return "goal_too_long"
    if is_not_a_goal(cleaned):
        return "goal_not_a_goal"
    if answers_another_question(cleaned):
        return "goal_is_answer"
    if len(cleaned) < limits["min_chars"]:
        return "goal_too_short"
    if looks_like_nonsense(cleaned):
        return "goal_nonsense"
    return None


# --- what is it about? ----------------------------------------------------------------


def goal_clause(text: str) -> str:
    """The part of a goal sentence that is the goal: no reason, no personal data, no intro.

    "Ik wil Python leren om rapporten te automatiseren" -> "Python leren";
    "ik wil leren om beter te plannen" -> "beter plannen";
    "beter samenwerken met [NAAM] en het team" -> "beter samenwerken met het team".
    """
    words = load("goal_words")
    token = words["redaction_token"]
    cleaned = re.sub(token + r"\s+(?:en|of)\s+", "", text)
    cleaned = re.sub(r"\s*(?:\b(?:met|aan|van|voor|bij|over|en|of|naar)\s+)?" + token, "", cleaned)
    cleaned = _strip_opening(" ".join(cleaned.split()))
    intro = re.match(words["goal_intro"], cleaned, flags=re.IGNORECASE)
    purpose = bool(intro and intro.group(0).rstrip().lower().endswith("om")) or cleaned.lower().startswith(
        "om "
    )
    if intro:
        cleaned = cleaned[intro.end() :]
    cleaned = re.sub(r"^om\s+", "", cleaned, flags=re.IGNORECASE)
    cleaned = re.split(words["reason_markers"], cleaned, maxsplit=1, flags=re.IGNORECASE)[0].strip()
    if purpose:
        found = re.match(words["purpose_clause"], cleaned, flags=re.IGNORECASE)
        if found:
            cleaned = f"{found.group('before')} {found.group('verb')}".strip()
    return cleaned or _strip_opening(text)


def _strip_opening(text: str) -> str:
    return re.sub(load("goal_words")["display_opening"], "", text, flags=re.IGNORECASE).strip()


def _first_person_to_you(words: List[str]) -> List[str]:
    pronouns = {str(k).lower(): str(v) for k, v in load("goal_words")["pronouns"].items()}
    return [pronouns.get(w.lower(), w) for w in words]


def short_phrase(text: str, kind: str = "general", subject: Optional[str] = None) -> str:
    """The goal in a few words, speaking to the person: "presenteren voor grote groepen",
    "teamleider worden", "meer weten over AI". Never the raw sentence with its reasons.

    A clause with a finite verb after "ik" ("hoe ik een presentatie geef") cannot be turned
    to "je" without changing the verb, so it stays in the person's words, between quotes."""
    words_data = load("goal_words")
    clause = goal_clause(tidy(text))
    fillers = _lowered(words_data["filler_words"])
    words = [
        w for i, w in enumerate(clause.split()) if not (w.lower() in fillers and i < len(clause.split()) - 1)
    ]
    words = words or clause.split()
    limit = words_data["max_phrase_words"]
    if len(words) > limit and subject:
        phrase = {"role": f"{subject} worden", "topic": f"meer weten over {subject}"}.get(kind, subject)
        return " ".join(_fix_case(phrase.split(), True, set()))
    if len(words) > limit:
        words = words[:limit] + ["…"]
    if any(w.lower() in ("ik", "i") for w in words):
        return f"'{' '.join(words)}'" if len(words) > 2 else " ".join(words)
    return " ".join(_fix_case(_first_person_to_you(words), True, set()))


def _lowered(items: Sequence[Any]) -> set:
    return {str(i).lower() for i in items}


def _strip_start(words: List[str], droppable: set) -> List[str]:
    start = 0
    while start < len(words) - 1 and words[start].lower() in droppable:
        start += 1
    if start == len(words) - 1 and words[start].lower() in droppable:
        return []
    return words[start:]


def _is_verb_like(word: str, pos: str = "") -> bool:
    """Dutch infinitives end in -en; many plural nouns too, hence the exception lists."""
    if pos in ("VERB", "AUX"):
        return True
    if pos in ("PROPN", "NUM"):
        return False
    words = load("goal_words")
    lowered = word.lower()
    if not lowered.isalpha() or len(lowered) < 5 or not lowered.endswith("en"):
        return False
    if lowered in _lowered(words["nouns_ending_en"]):
        return False
    return not any(lowered.endswith(s) for s in words["noun_suffixes_en"])


def _is_role(subject_words: List[str]) -> bool:
    words = load("goal_words")
    if not subject_words:
        return False
    head = subject_words[-1].lower()
    if any(w.lower() in _lowered(words["role_words"]) for w in subject_words):
        return True
    return any(head.endswith(s) for s in _lowered(words["role_suffixes"]))


def _match_patterns(phrase: str) -> Tuple[Optional[str], Optional[str]]:
    for pattern in load("goal_words")["patterns"]:
        found = re.match(pattern["regex"], phrase, flags=re.IGNORECASE)
        if found and found.group("subject").strip():
            return pattern["kind"], found.group("subject").strip()
    return None, None


def _fix_case(words: List[str], first_was_sentence_start: bool, proper_nouns: set) -> List[str]:
    proper = {p.lower(): p for p in load("goal_words")["proper_words"]}
    fixed = []
    for index, word in enumerate(words):
        lowered = word.lower()
        if lowered in proper:
            fixed.append(proper[lowered])
        elif (
            index == 0
            and first_was_sentence_start
            and word[:1].isupper()
            and word[1:].islower()
            and lowered not in proper_nouns
        ):
            fixed.append(lowered)  # "Presenteren" at the start of the answer
        else:
            fixed.append(word)
    return fixed


def _shorter_from_chunks(chunks: List[str], max_words: int) -> Optional[str]:
    """The longest noun chunk that still reads well inside a sentence; the last one on a tie
    (what a goal is about tends to come last). Pronouns and articles are left out."""
    words_data = load("goal_words")
    droppable = _lowered(words_data["possessives"]) | _lowered(words_data["pronouns"])
    pronouns = droppable | {"je", "jij", "u", "het", "dat", "dit", "wat", "we", "wij", "ik"}
    best: List[str] = []
    for chunk in chunks:
        words = _strip_start(chunk.split(), droppable)
        if not words or len(words) > max_words or (len(words) == 1 and words[0].lower() in pronouns):
            continue
        if len(chunk.split()) >= len(best):
            best = words
    return " ".join(best) if best else None


def analyse_goal(text: Optional[str], use_spacy: bool = True) -> GoalAnalysis:
    """What the goal is about and what kind of goal it is. Never raises on odd input."""
    original = tidy(text)
    cleaned = tidy(goal_clause(original)) if original else ""
    words_data = load("goal_words")
    if not cleaned:
        return general(original)
    nlp = pipeline() if use_spacy else None
    doc = None
    if nlp is not None:
        try:
            doc = nlp(cleaned)
        except Exception as problem:  # a pipeline that cannot read this text
            logger.warning("spaCy could not analyse a goal: %s", problem)
    if doc is not None:
        tokens = _spacy_tokens(doc)
        analysed_by = "spacy"
    else:
        tokens = [_Token(w, w.lower(), "") for w in _WORD.findall(cleaned)]
        analysed_by = "rules"
    known_proper = _lowered(words_data["proper_words"])
    for index, token in enumerate(tokens):
        # A tagger calls almost any capitalised first word a name ("Presenteren"): ignore that.
        if index == 0 and token.pos == "PROPN" and token.text.lower() not in known_proper:
            token.pos = ""
    pos_of = {t.text.lower(): t.pos for t in tokens}
    proper_nouns = {t.text.lower() for t in tokens if t.pos == "PROPN"}
    lemmas = tuple(dict.fromkeys(t.lemma for t in tokens if any(c.isalpha() for c in t.text)))

    def result(kind: str, subject: Optional[str]) -> GoalAnalysis:
        if subject is None:
            kind = "general"
        return GoalAnalysis(
            original, kind, subject, lemmas, analysed_by, short_phrase(original, kind, subject)
        )

    fillers = _lowered(words_data["filler_words"])
    words = [w for w in re.split(r"\s+", re.sub(r"[,;:!?()]", " ", cleaned)) if w]
    words = _strip_start(words, _lowered(words_data["opening_words"]))
    # "meer willen weten", "beter kunnen plannen": helper verbs say nothing about the goal
    words = [w for i, w in enumerate(words) if not (w.lower() in fillers and i < len(words) - 1)] or words
    phrase = " ".join(words)
    kind, subject = _match_patterns(phrase)
    if subject is None:
        words = _strip_start(words, _lowered(words_data["modifier_words"]))
        kind, subject = _match_patterns(" ".join(words))
        if subject is None:
            subject = " ".join(words)
    subject_words = (
        _strip_start(subject.split(), _lowered(words_data["leading_words"]))
        if kind in ("role", "topic")
        else subject.split()
    )
    max_words = words_data["limits"]["max_subject_words"]
    if not subject_words:
        return result("general", None)
    if len(subject_words) > max_words and doc is not None:
        return result("topic", _shorter_from_chunks(_noun_chunks(doc), max_words))
    if subject_words[0].lower() in _lowered(words_data["unquotable_starts"]):
        return result("general", None)

    if kind == "role" and not _is_role(subject_words):
        return result("general", None)
    verb_like = [_is_verb_like(w, pos_of.get(w.lower(), "")) for w in subject_words]
    if kind is None:
        kind = "skill" if any(verb_like) else "topic"
    if kind == "topic":
        if len(subject_words) > 1 and _is_verb_like(subject_words[-1]):
            kind = "skill"  # "beter met Excel werken": a verb at the end is something to do
            tied = re.search(
                r"\b(met|in)\s+" + re.escape(" ".join(subject_words)) + "$", phrase, re.IGNORECASE
            )
            if tied:  # ... and reads "werken met Excel" after "oefenen met"
                subject_words = [subject_words[-1], tied.group(1)] + subject_words[:-1]
        else:
            # "mijn Engels" is about Engels: possessives only stay inside a skill
            subject_words = _strip_start(subject_words, _lowered(words_data["possessives"])) or subject_words

    subject_words = _first_person_to_you(subject_words)
    if kind == "skill":
        inner = _lowered(words_data["inner_modifiers"])
        subject_words = [w for w in subject_words if w.lower() not in inner] or subject_words
        if (
            len(subject_words) > 1
            and subject_words[0].lower() in PREPOSITIONS
            and _is_verb_like(subject_words[-1])
        ):
            # "met je team samenwerken" reads as "samenwerken met je team" after "oefenen met"
            subject_words = [subject_words[-1]] + subject_words[:-1]
        if subject_words[0].lower() in PREPOSITIONS:
            return result("general", None)  # "voor jezelf opkomen in ...": no fit after "oefenen met"
    starts_sentence = bool(subject_words) and cleaned.split()[0].lower() == subject_words[0].lower()
    subject_words = _fix_case(subject_words, starts_sentence, proper_nouns)

    if " ".join(subject_words).lower() in _lowered(words_data["vague_subjects"]):
        return result("general", None)
    if len(subject_words) > max_words:
        shorter = _shorter_from_chunks(_noun_chunks(doc), max_words) if doc is not None else None
        return result("topic", shorter)
    return result(kind, " ".join(subject_words))


def goal_in_first_message(text: Optional[str]) -> Optional[str]:
    """The goal stated along with the wish to make a plan, or None.

    "help me een ontwikkelplan maken, ik wil beter worden in Excel" -> "ik wil beter worden
    in Excel"; "maak een leerplan om beter te presenteren" -> "om beter te presenteren";
    "ik wil beter leren presenteren" -> itself; "ik wil een ontwikkelplan" -> None."""
    from leercoach.coaching.questions import reads_as_question

    words = load("goal_words")
    cleaned = tidy(text)
    plan = re.search(words["start_plan_phrase"], cleaned, flags=re.IGNORECASE)
    if plan:
        rest = cleaned[plan.end() :]
        rest = rest[re.match(words["start_connector"], rest, flags=re.IGNORECASE).end() :].strip()
    elif re.search(words["start_goal_statement"], cleaned, flags=re.IGNORECASE):
        rest = cleaned
    else:
        return None
    if not rest or reads_as_question(rest) or goal_problem(rest):
        return None
    analysis = analyse_goal(rest, use_spacy=False)
    return rest if analysis.subject else None


def lemma_candidates(analysis: GoalAnalysis) -> set:
    """Lemmas of the goal plus simple Dutch stems, so "presentaties" finds "presentatie"."""
    found = set()
    words = tuple(w.lower() for w in _WORD.findall(analysis.text))
    for lemma in tuple(analysis.lemmas) + words:
        lemma = lemma.lower().strip(".'’")
        found.add(lemma)
        for ending in ("'s", "s", "en", "n"):
            if lemma.endswith(ending) and len(lemma) - len(ending) >= 3:
                found.add(lemma[: -len(ending)])
    return found
