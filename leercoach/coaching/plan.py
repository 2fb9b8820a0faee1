"""The development plan: built once from the walk, kept in a slot, shown again on request."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Mapping, Optional

from leercoach import catalogue
from leercoach.coaching.data import text
from leercoach.coaching.goal import GoalAnalysis
from leercoach.coaching.questions import summary
from leercoach.coaching.ranking import ANSWER_FACTORS, RouteScore, best
from leercoach.coaching.steps import Step, build_steps, dutch_date, reflection_question, render_step

SUGGESTED_ROUTES = 2  # offered when the person chose none
SUMMARY_PREFERENCES = ("time_per_week", "social", "learning_style")


def quoted_titles(keys: List[str]) -> str:
    """'Werkplekleren' en 'Mentorschap en coaching': quotes keep titles with "en" apart."""
    titles = [f"'{catalogue.topic(k).title}'" for k in keys]
    return (
        titles[0]
        if len(titles) == 1
        else ", ".join(titles[:-1]) + f" {text('plan', 'list_and')} " + titles[-1]
    )


def build_plan(
    goal: GoalAnalysis,
    answers: Mapping[str, Optional[str]],
    ranking: List[RouteScore],
    chosen: List[str],
    today: date,
) -> Dict[str, Any]:
    """A plain dict (slot-safe). No chosen route: the two best routes, marked as suggested."""
    routes = best(ranking, chosen, len(chosen)) if chosen else best(ranking, [], SUGGESTED_ROUTES)
    steps = build_steps(goal, routes, answers, today)
    return {
        "goal": goal.display,
        "goal_analysis": goal.to_slot(),
        "answers": {factor: answers.get(factor) for factor in ANSWER_FACTORS},
        "routes": routes,
        "suggested": not chosen,
        "steps": [step.to_slot() for step in steps],
        "reflection": reflection_question(routes),
        "made_on": today.isoformat(),
    }


def is_plan(plan: Any) -> bool:
    return isinstance(plan, dict) and bool(plan.get("routes")) and bool(plan.get("steps"))


def steps_message(plan: Mapping[str, Any]) -> str:
    lines = [text("plan", "steps_header")]
    for number, raw in enumerate(plan["steps"], start=1):
        lines.append(render_step(number, Step(**raw)))
    return "\n".join(lines)


def summary_message(plan: Mapping[str, Any]) -> str:
    answers = plan.get("answers") or {}
    preferences = [summary(f, answers.get(f)) for f in SUMMARY_PREFERENCES]
    lines = [
        text("plan", "summary_header"),
        text("plan", "summary_goal", goal=plan["goal"]),
        text("plan", "summary_routes", routes="; ".join(catalogue.topic(k).title for k in plan["routes"])),
    ]
    if any(preferences):
        lines.append(text("plan", "summary_preferences", preferences=", ".join(p for p in preferences if p)))
    lines.append(text("plan", "summary_steps"))
    for number, raw in enumerate(plan["steps"], start=1):
        when = dutch_date(date.fromisoformat(raw["when"]))
        lines.append(text("plan", "summary_step", number=number, title=raw["title"], when=when))
    lines.append(text("plan", "reflection", question=plan["reflection"]))
    lines.append(text("plan", "summary_footer"))
    return "\n".join(lines)


def plan_messages(plan: Mapping[str, Any]) -> List[str]:
    """What the person reads: the steps in full, then the plan at a glance."""
    return [steps_message(plan), summary_message(plan)]


def no_route_message(plan: Mapping[str, Any]) -> str:
    return text("plan", "no_route_chosen", routes=quoted_titles(plan["routes"]))
