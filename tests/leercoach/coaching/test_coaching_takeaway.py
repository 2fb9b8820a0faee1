"""The plan to take along: a valid iCalendar file (parsed back with the icalendar package),
plain text for copying and mailing, the widget payload beside the plan text, Dutch holidays."""

from datetime import date, datetime, timedelta, timezone

import holidays
import icalendar
import pytest

from leercoach import catalogue
from leercoach.coaching.data import text
from leercoach.coaching.goal import analyse_goal
from leercoach.coaching.plan import build_plan, plan_message, plan_text
from leercoach.coaching.ranking import rank_routes
from leercoach.coaching.steps import due_date, is_working_day
from leercoach.coaching.takeaway import REMINDER_BEFORE, plan_calendar, widget_payload

ANSWERS = {
    "time_per_week": "1_3",
    "social": "together",
    "learning_style": "doing",
    "certificate": "yes",
    "budget": "yes",
}
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)


def a_plan(goal="Ik wil graag beter leren presenteren; met komma's, en \\ tekens", today=date(2026, 12, 1)):
    analysis = analyse_goal(goal, use_spacy=False)
    ranking = rank_routes(ANSWERS, analysis)
    return build_plan(analysis, ANSWERS, ranking, [ranking[0].key, ranking[1].key], today)


def test_the_calendar_file_parses_as_rfc_5545_with_one_event_and_reminder_per_step():
    plan = a_plan()
    raw = plan_calendar(plan, NOW)
    assert all(line.endswith("\r") or not line for line in raw.split("\n")[:-1])  # CRLF line ends
    assert all(len(line.encode("utf-8")) <= 75 for line in raw.split("\r\n"))  # folded lines
    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert len(events) == len(plan["steps"])
    for event, step in zip(events, plan["steps"], strict=True):
        assert event.decoded("DTSTART") == date.fromisoformat(step["when"])  # all-day, on its date
        assert event.decoded("DTEND") == date.fromisoformat(step["when"]) + timedelta(days=1)
        assert str(event["SUMMARY"]) == text("plan", "calendar_summary", title=step["title"])
        assert step["what"] in str(event["DESCRIPTION"])  # unescaped back to the same text
        assert event.decoded("DTSTAMP") == NOW and str(event["UID"]).endswith("@leercoach")
        alarms = event.walk("VALARM")
        assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY" and alarms[0]["DESCRIPTION"]
        assert alarms[0].decoded("TRIGGER") == -REMINDER_BEFORE
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_text_with_commas_semicolons_and_backslashes_survives_the_round_trip():
    plan = a_plan()
    event = icalendar.Calendar.from_ical(plan_calendar(plan, NOW)).walk("VEVENT")[0]
    assert f"Doel: {plan['goal']}" in str(event["DESCRIPTION"])


def test_plain_text_and_mail_hold_the_whole_plan_without_markdown_or_chat_hints():
    plan = a_plan()
    plain = plan_text(plan)
    assert "**" not in plain and "wat was mijn plan?" not in plain
    assert all(step["what"] in plain for step in plan["steps"])
    assert all(catalogue.topic(k).title in plain for k in plan["routes"])
    payload = widget_payload(plan, NOW)["leercoach"]
    assert payload["type"] == "plan" and payload["text"] == plain
    assert payload["mail"]["subject"] == text("plan", "mail_subject")
    assert payload["mail"]["body"] == f"{text('plan', 'mail_intro')}\n\n{plain}"
    assert payload["calendar"]["filename"].endswith(".ics")
    assert plan_message(plan).replace("**", "").startswith(plain.split("\n")[0])


def test_no_personal_data_token_reaches_the_plan_or_the_calendar():
    plan = a_plan("ik wil beter samenwerken met [NAAM] en het team, bel me op [TELEFOON]")
    for shown in (plan_message(plan), plan_text(plan), plan_calendar(plan, NOW)):
        assert "[NAAM]" not in shown and "[TELEFOON]" not in shown


@pytest.mark.parametrize("year", [2026, 2027, 2030])
def test_step_dates_skip_weekends_and_every_dutch_public_holiday(year):
    dutch = holidays.country_holidays("NL", years=year)
    for holiday in dutch:
        # a deadline that would fall on the holiday moves to the next working day
        moved = due_date(holiday - timedelta(days=3), 3)
        assert moved > holiday and moved.weekday() < 5 and moved not in dutch
        assert not is_working_day(holiday)


def test_kings_day_and_christmas_in_a_real_plan():
    # made on Tuesday 20 April 2027: the first step (a week later) would fall on Koningsdag, 27 April
    plan = a_plan(today=date(2027, 4, 20))
    days = [date.fromisoformat(s["when"]) for s in plan["steps"]]
    assert date(2027, 4, 27) not in days and all(is_working_day(d) for d in days)
    plan = a_plan(today=date(2026, 12, 18))
    days = [date.fromisoformat(s["when"]) for s in plan["steps"]]
    assert not {date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)} & set(days)
