"""The answer texts: complete for the catalogue, short, readable, in our own words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator, Set, Tuple

import pytest

from leercoach import catalogue, content

REPO = Path(__file__).resolve().parents[3]
FAQ_FILE = REPO.parent / "shared" / "source" / "leercultuur-faq.txt"

MAX_WORDS = 120
# The privacy notice in full: it names the hulpvraag to HR too (who sees the contact, how long).
MAX_PRIVACY_WORDS = 160
MAX_SENTENCE_WORDS = 20
COPY_NGRAM = 6

DRILL_DOWN_GROUPS = ("kenmerk", "drager", "route")
# Overview answer per list group: the renderer adds the items as buttons.
OVERVIEWS = {
    "kenmerk": "goede_leercultuur",
    "drager": "leercultuur_stimuleren",
    "route": "werknemer_ontwikkelen",
}
# The coaching flow writes its own texts.
NOT_ANSWERED_HERE = {"start_coaching"}

# The values the renderer fills in: a placeholder outside these would reach the user raw.
ANSWER_PLACEHOLDERS = {"hr_contact", "privacy_text"}
MESSAGE_PLACEHOLDERS = {
    "next_item": {"title"},
    "clarify": {"first", "second"},
    "out_of_range": {"count"},
    "source_label": {"source"},
    "no_more": {"title"},
    "more_about": {"title"},
    "too_long": {"max_chars"},
}
# Conversation texts (answers.yml `conversation:`) may name the configured contacts.
CONVERSATION_PLACEHOLDERS = {"hr_contact", "servicedesk_contact"}
REQUIRED_MESSAGES = {
    "back_to_overview",
    "next_item",
    "personal_advice",
    "fallback",
    "clarify",
    "clarify_neither",
    "no_list",
    "out_of_range",
    "end_of_list",
    "contact_hr",
    "no_more",
    "audience_question",
    "too_long",
    "server_error",
}
SOURCES = {"wat_is_leercultuur": "Heijboer, 2013", "leercultuur_stimuleren": "Korevaar et al., 2020"}
SOURCES.update({t.key: "Korevaar et al., 2020" for t in catalogue.topics_in("drager")})

ANSWERS: Dict[str, Dict[str, str]] = content.load_answers()["answers"]
MESSAGES: Dict[str, str] = content.load_answers()["messages"]
CONVERSATION: Dict[str, object] = content.load_answers()["conversation"]
TERMS: Dict[str, Dict[str, object]] = content.terms()
MANAGER_TOPICS = [key for key, entry in ANSWERS.items() if "manager" in entry]


def drill_down_keys() -> list:
    return [t.key for group in DRILL_DOWN_GROUPS for t in catalogue.topics_in(group)]


def words(text: str) -> list:
    """Words as a reader counts them: whitespace-separated, ignoring bullets and markup."""
    return [token for token in text.split() if re.search(r"\w", token)]


def tokens(text: str) -> list:
    """Lower-case word tokens, for comparing texts regardless of punctuation and markup."""
    return re.findall(r"\w+", text.lower())


def all_texts() -> Iterator[Tuple[str, str]]:
    """Every text a user can see, with a label that says where it lives."""
    for key, entry in ANSWERS.items():
        for field in ("text", "tip", "more"):
            if field in entry:
                yield f"answers.{key}.{field}", entry[field]
        for field, text in entry.get("manager", {}).items():
            yield f"answers.{key}.manager.{field}", text
    for name, text in MESSAGES.items():
        yield f"messages.{name}", text
    for name, entry in CONVERSATION.items():
        for number, text in enumerate(entry if isinstance(entry, list) else [entry]):
            yield f"conversation.{name}.{number}", text
    for key, term in TERMS.items():
        yield f"terms.{key}", term["text"]
    for part in ("short", "full"):
        yield f"privacy.{part}", content.privacy_text(part, retention_days=30, hr_contact="HR")


def test_every_catalogue_topic_has_an_answer_and_no_answer_is_orphaned():
    expected = set(catalogue.all_keys()) - NOT_ANSWERED_HERE
    assert sorted(expected - set(ANSWERS)) == [], "catalogue keys without an answer"
    assert sorted(set(ANSWERS) - expected) == [], "answers for keys the catalogue does not know"
    for key in expected:
        assert content.answer(key)["text"].strip(), f"{key} has an empty text"


@pytest.mark.parametrize("key", drill_down_keys())
def test_drill_downs_have_a_tip_and_a_follow_up(key):
    entry = content.answer(key)
    assert entry.get("tip", "").strip(), f"{key} has no tip"
    assert entry.get("more", "").strip(), f"{key} has no 'more' for 'vertel meer'"
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry["text"].strip()) if s]
    assert 2 <= len(sentences) <= 4, f"{key}: {len(sentences)} sentences, want 2 to 4"


@pytest.mark.parametrize("key", [t.key for t in catalogue.topics_in("faq")])
def test_faq_answers_have_a_follow_up_that_is_not_a_repeat(key):
    entry = content.answer(key)
    more = entry.get("more", "")
    assert more.strip(), f"{key} has no 'more'"
    shared = ngrams(tokens(entry["text"]), 5) & ngrams(tokens(more), 5)
    assert not shared, f"{key}: 'more' repeats the text: {sorted(shared)[:3]}"


def test_sources_are_named_exactly_where_the_faq_names_them():
    found = {key: entry["source"] for key, entry in ANSWERS.items() if "source" in entry}
    assert found == SOURCES


@pytest.mark.parametrize("group, key", OVERVIEWS.items())
def test_overviews_leave_the_items_to_the_buttons(group, key):
    text = content.answer(key)["text"]
    assert len(words(text)) <= 50, f"{key} overview is long: {len(words(text))} words"
    list_lines = [line for line in text.splitlines() if re.match(r"\s*(- |\d+\. )", line)]
    assert not list_lines, f"{key} lists items itself: {list_lines}"
    titles = [t.title for t in catalogue.topics_in(group) if t.title.lower() in text.lower()]
    assert len(titles) <= 1, f"{key} names the items itself: {titles}"


def test_no_message_is_longer_than_a_reader_wants():
    too_long = {}
    for key, entry in ANSWERS.items():
        counts = {"text+tip": len(words(entry["text"] + " " + entry.get("tip", "")))}
        if "more" in entry:
            counts["more"] = len(words(entry["more"]))
        too_long.update({f"{key}.{f}": n for f, n in counts.items() if n > MAX_WORDS})
    for label, text in all_texts():
        if label.startswith("messages.") and len(words(text)) > MAX_WORDS:
            too_long[label] = len(words(text))
    assert not too_long, f"over {MAX_WORDS} words: {too_long}"


def test_privacy_answer_in_the_chat_stays_short_with_the_full_notice_inside():
    notice = content.privacy_text(retention_days=90, hr_contact="hr@example.org")
    shown = content.fill(
        content.answer("privacy_info")["text"], privacy_text=notice, hr_contact="hr@example.org"
    )
    assert notice in shown
    assert len(words(shown)) <= MAX_PRIVACY_WORDS, f"privacy answer has {len(words(shown))} words"


def test_sentences_stay_short_for_b1_readers():
    long_ones = []
    for label, text in all_texts():
        for line in text.splitlines():
            for sentence in re.split(r"(?<=[.!?:])\s+", line):
                if len(words(sentence)) > MAX_SENTENCE_WORDS:
                    long_ones.append(f"{label}: {sentence}")
    assert not long_ones, "\n".join(long_ones)


def test_texts_say_je_never_u():
    formal = {"u", "uw", "uzelf"}
    hits = [
        f"{label}: {sorted(formal & set(tokens(text)))}"
        for label, text in all_texts()
        if formal & set(tokens(text))
    ]
    assert not hits, hits


def test_texts_use_only_the_markdown_the_channels_render():
    # Slack, Teams and the widget share **bold**, *italic*, "- " and "1. " lines; nothing else.
    bad = []
    for label, text in all_texts():
        plain = re.sub(r"\{\w+\}", "", text)
        if re.search(r"^\s*#|\[|\]|`|<|>|_|~", plain, flags=re.MULTILINE):
            bad.append(label)
        elif plain.count("*") % 2:
            bad.append(f"{label} (unbalanced *)")
    assert not bad, bad


def test_placeholders_are_only_those_the_renderer_fills():
    unknown = {}
    for label, text in all_texts():
        if label.startswith("answers."):
            allowed = ANSWER_PLACEHOLDERS
        elif label.startswith("messages."):
            allowed = MESSAGE_PLACEHOLDERS.get(label.split(".")[1], set())
        elif label.startswith("conversation."):
            allowed = CONVERSATION_PLACEHOLDERS
        else:
            allowed = set()
        extra = content.placeholders(text) - allowed
        if extra:
            unknown[label] = extra
    assert not unknown, unknown


def test_texts_that_need_a_value_ask_for_it():
    assert "{hr_contact}" in content.answer("human_handoff")["text"]
    assert "{privacy_text}" in content.answer("privacy_info")["text"]
    for name, names in MESSAGE_PLACEHOLDERS.items():
        assert content.placeholders(MESSAGES[name]) == names, name


def test_all_ui_messages_are_there():
    missing = REQUIRED_MESSAGES - set(MESSAGES)
    assert not missing, f"messages missing: {sorted(missing)}"


def ngrams(seq: list, n: int) -> Set[Tuple[str, ...]]:
    return {tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)}


def test_no_sentence_is_copied_from_the_faq():
    if not FAQ_FILE.exists():
        pytest.skip(f"FAQ source not found at {FAQ_FILE} (expected ../shared beside the repo)")
    faq = ngrams(tokens(FAQ_FILE.read_text(encoding="utf-8")), COPY_NGRAM)
    copied = {}
    for label, text in all_texts():
        shared = ngrams(tokens(text), COPY_NGRAM) & faq
        if shared:
            copied[label] = [" ".join(gram) for gram in sorted(shared)]
    assert not copied, f"{COPY_NGRAM}-word sequences taken from the FAQ: {copied}"


@pytest.mark.parametrize("key", MANAGER_TOPICS)
def test_manager_versions_speak_to_a_manager_and_never_send_them_to_their_manager(key):
    version = ANSWERS[key]["manager"]
    assert version["text"].strip() != ANSWERS[key]["text"].strip()
    assert ("tip" in version) == ("tip" in ANSWERS[key]), f"{key}: a tip for both or for neither"
    for text in version.values():
        assert "je leidinggevende" not in text.lower(), f"{key}: a manager is sent to their manager"


def test_the_topics_that_differ_for_managers_have_a_manager_version():
    dragers = [t.key for t in catalogue.topics_in("drager")]
    expected = {*dragers, "kenmerk_leidinggevenden", "leercultuur_stimuleren", "kenmerk_feedback_reflectie"}
    assert set(MANAGER_TOPICS) == expected


@pytest.mark.parametrize("name", [n for n, e in CONVERSATION.items() if isinstance(e, list)])
def test_texts_with_variants_have_two_different_ones(name):
    # Leercoach never sends the same fallback twice in a row: it needs a second text.
    variants = content.variants(name, hr_contact="HR", servicedesk_contact="servicedesk")
    assert len(set(variants)) >= 2 or name == "off_topic_other", name


@pytest.mark.parametrize("key", sorted(TERMS))
def test_every_term_explains_itself_and_leads_to_a_topic(key):
    term = TERMS[key]
    assert term["words"] and all(w == w.lower() for w in term["words"])
    assert catalogue.is_topic(term["topic"])
    assert len(words(term["text"])) <= 60
