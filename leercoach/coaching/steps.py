"""Concrete next steps for a plan: what, by when, with whom (wording in steps.yml)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional

import holidays

from leercoach.coaching.data import load, text
from leercoach.coaching.goal import GoalAnalysis
from leercoach.content import fill

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


@lru_cache(maxsize=8)
def _public_holidays(year: int) -> frozenset:
    """The public holidays of the country in steps.yml (Dutch ones), from the holidays package."""
    return frozenset(holidays.country_holidays(load("steps")["holiday_country"], years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def due_date(today: date, days: int) -> date:
    """``days`` after today, moved on past weekends and public holidays."""
    due = today + timedelta(days=days)
    while not is_working_day(due):
        due += timedelta(days=1)
    return due


def dutch_date(day: date) -> str:
    data = load("steps")
    return fill(
        data["date_format"],
        what="steps.yml date_format",
        weekday=data["weekdays"][day.weekday()],
        day=day.day,
        month=data["months"][day.month - 1],
    )


def _for_answers(spec: Mapping[str, Any], answers: Mapping[str, Optional[str]]) -> Dict[str, Any]:
    """The step spec with the overrides for the answers given (``if_answer`` in steps.yml)."""
    merged = dict(spec)
    for factor, by_value in (spec.get("if_answer") or {}).items():
        override = (by_value or {}).get(str(answers.get(factor)))
        if override:
            merged.update(override)
    return merged


def _what(variants: Any, goal: GoalAnalysis, rhythm: str) -> str:
    if isinstance(variants, str):
        return fill(variants, what="steps.yml what", rhythm=rhythm)
    kind = goal.kind if goal.subject and goal.kind in variants else None
    if kind is None:
        kind = "general" if "general" in variants else "default"
    if kind not in variants:
        kind = "default"
    return fill(variants[kind], what=f"steps.yml what.{kind}", subject=goal.subject or "", rhythm=rhythm)


def _who(who: Any, social: str) -> str:
    if isinstance(who, dict):
        return who.get(social) or who.get(DEFAULT_SOCIAL) or next(iter(who.values()))
    return str(who)


def _step(spec: Mapping[str, Any], goal: GoalAnalysis, answers: Mapping, due: date) -> Step:
    spec = _for_answers(spec, answers)
    data = load("steps")
    time = answers.get("time_per_week") or DEFAULT_TIME
    rhythm = data["rhythm"].get(time, data["rhythm"][DEFAULT_TIME])
    what = _what(spec["what"], goal, rhythm)
    if spec.get("what_extra"):
        what = f"{what} {spec['what_extra']}"
    return Step(
        title=spec["title"],
        what=what,
        when=due.isoformat(),
        who=_who(spec["who"], answers.get("social") or DEFAULT_SOCIAL),
    )


def _route_step(route: str, part: str, goal: GoalAnalysis, answers: Mapping, due: date) -> Step:
    return _step(load("steps")["routes"][route][part], goal, answers, due)


def _support_kind(routes: List[str], answers: Mapping[str, Optional[str]]) -> str:
    """Which talk with the manager fits: about budget only when money plays a part and is open."""
    support = load("steps")["support"]
    costly = any(r in support["costly_routes"] for r in routes[:2])
    budget = answers.get("budget")
    if budget == "unknown" or (costly and budget not in ("yes", "no")):
        return "costs"
    if costly:
        return "costs_known" if budget == "yes" else "costs_none"
    return "share"


def build_steps(
    goal: GoalAnalysis, routes: List[str], answers: Mapping[str, Optional[str]], today: date
) -> List[Step]:
    """Four steps ordered by date: start the best route, arrange support, a second step, look back."""
    if not routes:
        raise ValueError("a plan needs at least one route")
    data = load("steps")
    time = answers.get("time_per_week") if answers.get("time_per_week") in data["rhythm"] else DEFAULT_TIME
    days = {name: spec[time] for name, spec in data["deadline_days"].items()}

    first = _route_step(routes[0], "start", goal, answers, due_date(today, days["first"]))
    if len(routes) > 1:
        second = _route_step(routes[1], "start", goal, answers, due_date(today, days["second"]))
    else:
        second = _route_step(routes[0], "next", goal, answers, due_date(today, days["second"]))

    support = _step(
        load("steps")["support"][_support_kind(routes, answers)],
        goal,
        answers,
        due_date(today, days["support"]),
    )
    checkin = _step(data["checkin"], goal, answers, due_date(today, days["checkin"]))
    return sorted([first, support, second, checkin], key=lambda s: s.when)


def who_line(who: str) -> str:
    """'Met wie: twee collega's.' — or 'Dit doe je zelf.' when it is the person alone."""
    marker = load("steps")["self"]
    if who == marker:
        return text("plan", "who_self")
    if who.startswith(marker + ", "):
        return text("plan", "who_self_with", rest=who[len(marker) + 2 :])
    return text("plan", "who_other", who=who)


def render_step(number: int, step: Step) -> str:
    return text(
        "plan",
        "step_line",
        number=number,
        title=step.title,
        task=step.what,
        when=dutch_date(date.fromisoformat(step.when)),
        who=who_line(step.who),
    )


def reflection_question(routes: List[str]) -> str:
    return " ".join(str(load("routes")["routes"][routes[0]]["reflection"]).split())
