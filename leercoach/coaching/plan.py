"""The development plan: built once from the walk, kept in a slot, shown again on request."""

from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Mapping, Optional

from leercoach import catalogue
from leercoach.coaching.data import text
from leercoach.coaching.goal import GoalAnalysis
from leercoach.coaching.questions import summary
from leercoach.coaching.ranking import ANSWER_FACTORS, RouteScore, best
from leercoach.coaching.steps import Step, build_steps, reflection_question, render_step

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


def _plan_blocks(plan: Mapping[str, Any]) -> List[List[str]]:
    """The plan as paragraphs of lines: summary, the steps, the reflection, the footer."""
    answers = plan.get("answers") or {}
    preferences = [p for p in (summary(f, answers.get(f)) for f in SUMMARY_PREFERENCES) if p]
    about = [
        text("plan", "summary_goal", goal=plan["goal"]),
        text("plan", "summary_routes", routes="; ".join(catalogue.topic(k).title for k in plan["routes"])),
    ]
    if preferences:
        about.append(text("plan", "summary_preferences", preferences=", ".join(preferences)))
    steps = [text("plan", "steps_header")] + [
        render_step(number, Step(**raw)) for number, raw in enumerate(plan["steps"], start=1)
    ]
    return [about, steps, [text("plan", "reflection", question=plan["reflection"])]]


def plan_message(plan: Mapping[str, Any]) -> str:
    """The plan, once: a card like the knowledge answers (bold title, short paragraphs)."""
    blocks = [[f"**{text('plan', 'summary_header')}**"]] + _plan_blocks(plan)
    blocks.append([text("plan", "summary_footer")])
    return "\n\n".join("\n".join(block) for block in blocks)


def plan_text(plan: Mapping[str, Any]) -> str:
    """The plan as plain text, for copying and for an e-mail: no Markdown, no chat hints."""
    blocks = [[text("plan", "summary_header")]] + _plan_blocks(plan)
    return "\n\n".join("\n".join(block) for block in blocks)


def no_route_message(plan: Mapping[str, Any]) -> str:
    return text("plan", "no_route_chosen", routes=quoted_titles(plan["routes"]))
