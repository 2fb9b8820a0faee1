"""Concrete next steps for a plan: what, by when, with whom (wording in steps.yml)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Dict, List, Mapping, Optional

from leercoach.coaching.data import load, text
from leercoach.coaching.goal import GoalAnalysis

DEFAULT_TIME = "1_3"
DEFAULT_SOCIAL = "either"


@dataclass(frozen=True)
class Step:
    title: str
    what: str
    when: str  # ISO date, so a stored plan keeps its dates
    who: str

    def to_slot(self) -> Dict[str, str]:
        return asdict(self)


def due_date(today: date, days: int) -> date:
    """``days`` after today, moved on past weekends and the holidays in steps.yml."""
    holidays = set(load("steps").get("holidays") or [])
    due = today + timedelta(days=days)
    while due.weekday() >= 5 or due.strftime("%m-%d") in holidays:
        due += timedelta(days=1)
    return due


def dutch_date(day: date) -> str:
    data = load("steps")
    return data["date_format"].format(
        weekday=data["weekdays"][day.weekday()], day=day.day, month=data["months"][day.month - 1]
    )


def _what(variants: Mapping[str, str], goal: GoalAnalysis, rhythm: str) -> str:
    kind = goal.kind if goal.subject and goal.kind in variants else None
    if kind is None:
        kind = "general" if "general" in variants else "default"
    if kind not in variants:
        kind = "default"
    return variants[kind].format(subject=goal.subject or "", rhythm=rhythm)


def _who(who, social: str) -> str:
    if isinstance(who, dict):
        return who.get(social) or who.get(DEFAULT_SOCIAL) or next(iter(who.values()))
    return str(who)


def _route_step(route: str, part: str, goal: GoalAnalysis, answers: Mapping, due: date) -> Step:
    spec = load("steps")["routes"][route][part]
    time = answers.get("time_per_week") or DEFAULT_TIME
    rhythm = load("steps")["rhythm"].get(time, load("steps")["rhythm"][DEFAULT_TIME])
    return Step(
        title=spec["title"],
        what=_what(spec["what"], goal, rhythm),
        when=due.isoformat(),
        who=_who(spec["who"], answers.get("social") or DEFAULT_SOCIAL),
    )


def build_steps(
    goal: GoalAnalysis, routes: List[str], answers: Mapping[str, Optional[str]], today: date
) -> List[Step]:
    """Four steps ordered by date: start the best route, arrange support, a second step, look back."""
    if not routes:
        raise ValueError("a plan needs at least one route")
    data = load("steps")
    time = answers.get("time_per_week") if answers.get("time_per_week") in data["rhythm"] else DEFAULT_TIME
    days = {name: spec[time] for name, spec in data["deadline_days"].items()}
    social = answers.get("social") or DEFAULT_SOCIAL

    first = _route_step(routes[0], "start", goal, answers, due_date(today, days["first"]))
    if len(routes) > 1:
        second = _route_step(routes[1], "start", goal, answers, due_date(today, days["second"]))
    else:
        second = _route_step(routes[0], "next", goal, answers, due_date(today, days["second"]))

    costs = answers.get("budget") == "unknown" or any(
        r in data["support"]["costly_routes"] for r in routes[:2]
    )
    support_spec = data["support"]["costs" if costs else "share"]
    support = Step(
        support_spec["title"],
        support_spec["what"],
        due_date(today, days["support"]).isoformat(),
        support_spec["who"],
    )

    checkin_spec = data["checkin"]
    checkin = Step(
        checkin_spec["title"],
        checkin_spec["what"],
        due_date(today, days["checkin"]).isoformat(),
        _who(checkin_spec["who"], social),
    )
    return sorted([first, support, second, checkin], key=lambda s: s.when)


def render_step(number: int, step: Step) -> str:
    return text(
        "plan",
        "step_line",
        number=number,
        what=step.what,
        when=dutch_date(date.fromisoformat(step.when)),
        who=step.who,
    )


def reflection_question(routes: List[str]) -> str:
    return " ".join(str(load("routes")["routes"][routes[0]]["reflection"]).split())
