"""The plan to take along: a calendar file, plain text to copy or mail, and the widget payload.

The chat message carries the plan as text (so Slack and Teams show it as it is); the intranet
widget also gets this payload beside it (a Rasa custom message) and builds its buttons under
the plan from it: "Zet in je agenda" (.ics), "Print", "Kopieer", "Deel met je leidinggevende".
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, List, Mapping, Optional

from leercoach.coaching.data import text
from leercoach.coaching.plan import plan_text
from leercoach.coaching.steps import who_line
from leercoach.widget.protocol import PAYLOAD_KEY, PLAN

CALENDAR_FILE = "ontwikkelplan.ics"
REMINDER_BEFORE = timedelta(hours=15)  # all-day event at 00:00: the reminder is at 09:00 the day before
LINE_LIMIT = 75  # octets per line before folding (RFC 5545, 3.1)


def _escape(value: str) -> str:
    """TEXT value escaping (RFC 5545, 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> List[str]:
    """Lines longer than 75 octets continue on the next line after a space (never inside a
    UTF-8 character)."""
    parts, current = [], ""
    for char in line:
        limit = LINE_LIMIT if not parts else LINE_LIMIT - 1
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return [parts[0]] + [" " + part for part in parts[1:]]


def _uid(plan: Mapping[str, Any], number: int, step: Mapping[str, str]) -> str:
    digest = hashlib.sha256(
        f"{plan.get('made_on')}|{plan.get('goal')}|{number}|{step['title']}".encode()
    ).hexdigest()
    return f"{digest[:24]}-{number}@leercoach"


def _duration(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"-PT{hours}H"


def _event(plan: Mapping[str, Any], number: int, step: Mapping[str, str], stamp: str) -> List[str]:
    day = date.fromisoformat(step["when"])
    description = "\n".join(
        [step["what"], who_line(step["who"]), text("plan", "summary_goal", goal=plan["goal"])]
    )
    return [
        "BEGIN:VEVENT",
        f"UID:{_uid(plan, number, step)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_escape(text('plan', 'calendar_summary', title=step['title']))}",
        f"DESCRIPTION:{_escape(description)}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_escape(text('plan', 'calendar_reminder', title=step['title']))}",
        f"TRIGGER:{_duration(REMINDER_BEFORE)}",
        "END:VALARM",
        "END:VEVENT",
    ]


def plan_calendar(plan: Mapping[str, Any], now: Optional[datetime] = None) -> str:
    """An iCalendar file (RFC 5545) with one all-day event per step, each with a reminder."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Leercoach//Ontwikkelplan//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(text('plan', 'calendar_name'))}",
    ]
    for number, step in enumerate(plan["steps"], start=1):
        lines.extend(_event(plan, number, step, stamp))
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))


def widget_payload(plan: Mapping[str, Any], now: Optional[datetime] = None) -> Dict[str, Any]:
    """The custom message beside the plan's text: everything the widget's plan buttons need."""
    plain = plan_text(plan)
    return {
        PAYLOAD_KEY: {
            "type": PLAN,
            "version": 1,
            "text": plain,
            "calendar": {"filename": CALENDAR_FILE, "content": plan_calendar(plan, now)},
            "mail": {
                "subject": text("plan", "mail_subject"),
                "body": f"{text('plan', 'mail_intro')}\n\n{plain}",
            },
            "steps": [dict(step) for step in plan["steps"]],
        }
    }
