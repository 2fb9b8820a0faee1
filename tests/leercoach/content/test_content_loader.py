"""The loader: what the renderer gets back, and clear errors when something is missing."""

import pytest

from leercoach import content


def test_answer_returns_the_texts_of_a_topic():
    entry = content.answer("kenmerk_kennis_delen")
    assert set(entry) >= {"text", "tip", "more"}
    assert all(isinstance(value, str) for value in entry.values())


def test_changing_a_returned_answer_does_not_change_the_next_one():
    content.answer("greet")["text"] = "changed"
    assert content.answer("greet")["text"] != "changed"


def test_unknown_topic_names_the_key_and_the_file():
    with pytest.raises(KeyError, match=r"no_such_topic.*answers\.yml"):
        content.answer("no_such_topic")


def test_message_fills_its_placeholders():
    text = content.message("next_item", title="Zelfstudie")
    assert "Zelfstudie" in text and "{" not in text
    clarify = content.message("clarify", first="Events", second="Samen leren")
    assert "Events" in clarify and "Samen leren" in clarify


def test_message_ignores_values_it_does_not_use():
    assert content.message("back_to_overview", title="x") == content.message("back_to_overview")


def test_message_without_a_needed_value_says_which_one():
    with pytest.raises(KeyError, match=r"out_of_range.*\{count\}"):
        content.message("out_of_range")


def test_unknown_message_is_a_clear_error():
    with pytest.raises(KeyError, match="no message 'nope'"):
        content.message("nope")


def test_privacy_text_fills_retention_and_contact():
    full = content.privacy_text(retention_days=45, hr_contact="hr@example.org")
    assert "45" in full and "hr@example.org" in full and "{" not in full
    short = content.privacy_text("short", retention_days=45, hr_contact="hr@example.org")
    assert short and len(short) < len(full)


def test_privacy_text_without_retention_says_so():
    with pytest.raises(KeyError, match=r"retention_days"):
        content.privacy_text(hr_contact="hr@example.org")


def test_placeholders_lists_named_fields():
    assert content.placeholders("Bedoel je {first} of {second}?") == {"first", "second"}
    assert content.placeholders("geen velden") == set()
