"""An employee's own stored conversation, as they may take it along (right of access).

Built from what the tracker store holds, so it shows exactly what is kept: the redacted text
of every message, in every session, and whether a plan is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional, Sequence

from leercoach import content, settings
from leercoach.dialogue import slots


@dataclass(frozen=True)
class Turn:
    at: dt.datetime
    from_user: bool
    text: str


@dataclass(frozen=True)
class ConversationExport:
    code: str
    turns: List[Turn]
    has_plan: bool

    @property
    def user_messages(self) -> int:
        return sum(turn.from_user for turn in self.turns)

    @property
    def bot_messages(self) -> int:
        return len(self.turns) - self.user_messages


def _when(timestamp: Optional[float]) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp or 0, dt.timezone.utc).astimezone()


def _turn(event: dict) -> Optional[Turn]:
    kind, text = event.get("event"), event.get("text")
    if kind == "user":
        clicked = isinstance(text, str) and text.startswith("/")
        return Turn(
            _when(event.get("timestamp")),
            True,
            content.privacy_message("export", "clicked") if clicked else text or "",
        )
    if kind == "bot" and text:
        return Turn(_when(event.get("timestamp")), False, text)
    return None


def build_export(code: str, events: Sequence[dict]) -> ConversationExport:
    turns = [turn for turn in map(_turn, events) if turn is not None]
    has_plan = any(
        e.get("event") == "slot" and e.get("name") == slots.COACHING_PLAN and e.get("value") for e in events
    )
    return ConversationExport(code, turns, has_plan)


def _date(moment: dt.datetime) -> str:
    return moment.strftime("%d-%m-%Y")


def summary(export: ConversationExport) -> str:
    if not export.turns:
        return content.privacy_message("export", "nothing")
    return content.privacy_message(
        "export",
        "summary",
        code=export.code,
        messages=export.user_messages,
        answers=export.bot_messages,
        first=_date(export.turns[0].at),
        last=_date(export.turns[-1].at),
        plan=content.privacy_message("export", "with_plan" if export.has_plan else "without_plan"),
        retention_days=settings.retention_days(),
    )


def transcript(export: ConversationExport, today: Optional[dt.date] = None) -> str:
    """The conversation as plain text, one block per message."""
    today = today or dt.date.today()
    you, bot = content.privacy_message("export", "you"), content.privacy_message("export", "bot")
    lines = [
        content.privacy_message("export", "header", code=export.code, date=today.strftime("%d-%m-%Y")),
        "",
    ]
    for turn in export.turns:
        lines.append(f"[{turn.at.strftime('%d-%m-%Y %H:%M')}] {you if turn.from_user else bot}:")
        lines.extend(turn.text.strip().splitlines() or [""])
        lines.append("")
    return "\n".join(lines)


def filename(today: Optional[dt.date] = None) -> str:
    return content.privacy_message("export", "filename", date=(today or dt.date.today()).isoformat())
