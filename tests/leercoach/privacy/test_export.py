"""The employee's own conversation as they can take it along."""

import datetime as dt

from leercoach import content
from leercoach.privacy.export import build_export, filename, summary, transcript

EVENTS = [
    {"event": "action", "name": "action_listen", "timestamp": 1_700_000_000},
    {"event": "user", "text": "wat is een leercultuur? bel [TELEFOON]", "timestamp": 1_700_000_001},
    {
        "event": "bot",
        "text": "Een leercultuur is wat mensen samen belangrijk vinden.",
        "timestamp": 1_700_000_002,
    },
    {"event": "user", "text": '/inform{"time_per_week":"1_3"}', "timestamp": 1_700_000_100},
    {"event": "slot", "name": "coaching_plan", "value": {"goal": "presenteren"}, "timestamp": 1_700_000_200},
]


def test_the_transcript_holds_every_stored_message_in_order_and_marks_clicks():
    text = transcript(build_export("abc123", EVENTS), today=dt.date(2026, 12, 1))
    assert "abc123" in text and "01-12-2026" in text
    assert text.index("bel [TELEFOON]") < text.index("Een leercultuur is")
    assert content.privacy_message("export", "clicked") in text and "time_per_week" not in text


def test_the_summary_counts_messages_names_the_code_and_the_plan():
    export = build_export("abc123", EVENTS)
    text = summary(export)
    assert "**abc123**" in text and "2 berichten van jou en 1 antwoorden" in text
    assert content.privacy_message("export", "with_plan") in text


def test_nothing_stored_says_so():
    assert summary(build_export("abc123", [])) == content.privacy_message("export", "nothing")


def test_the_file_name_is_safe_and_dated():
    assert filename(dt.date(2026, 12, 1)) == "leercoach-gesprek-2026-12-01.txt"
