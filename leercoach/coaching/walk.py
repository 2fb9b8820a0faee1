"""The messages of the walk through the routes: one route at a time, best fit first."""

from __future__ import annotations

import json
from typing import Dict, List, Optional

from leercoach.coaching.data import join_words, load, text
from leercoach.coaching.goal import GoalAnalysis
from leercoach.coaching.questions import keyword_hits
from leercoach.coaching.ranking import Contribution, RouteScore

MAX_REASONS = 2
CHOICES = ("fit", "not_fit", "more", "skip", "all")


def route_text(key: str, field: str) -> str:
    return " ".join(str(load("routes")["routes"][key][field]).split())


def example_line(key: str, goal: GoalAnalysis) -> str:
    """One example tied to the goal; without a usable subject the general line."""
    lines = load("routes")["routes"][key]["example"]
    kind = goal.kind if goal.subject and goal.kind in lines else "general"
    return lines[kind].format(subject=goal.subject) if kind != "general" else lines["general"]


def _phrase(section: str, contribution: Contribution) -> Optional[str]:
    entry = load("routes")[section].get(contribution.factor)
    if isinstance(entry, dict):
        return entry.get(contribution.value)
    return entry


def reason_phrases(score: RouteScore) -> List[str]:
    phrases: List[str] = []
    for contribution in score.reasons():
        phrase = _phrase("reasons", contribution)
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return phrases[:MAX_REASONS]


def caveat_phrase(score: RouteScore) -> Optional[str]:
    for contribution in score.caveats():
        phrase = _phrase("caveats", contribution)
        if phrase:
            return phrase
    return None


def payload(choice: str, route: str) -> str:
    return "/route_feedback" + json.dumps({"route_choice": choice, "route": route}, separators=(",", ":"))


def route_buttons(route: str, with_more: bool = True) -> List[Dict[str, str]]:
    labels = load("texts")["buttons"]
    choices = ["fit", "not_fit"] + (["more"] if with_more else []) + ["skip", "all"]
    return [{"title": labels[c], "payload": payload(c, route)} for c in choices]


def route_message(
    score: RouteScore, position: int, total: int, goal: GoalAnalysis, chosen_count: int = 0
) -> str:
    """Route n of 8: what it is, an example for this goal, why it fits this person."""
    lines = []
    if chosen_count >= 2:
        lines.append(text("walk", "enough_hint", count=chosen_count))
    lines.append(text("walk", "header", position=position, total=total, title=score.title))
    lines.append(route_text(score.key, "explanation"))
    lines.append(example_line(score.key, goal))
    reasons = reason_phrases(score)
    lines.append(text("walk", "why", reasons=join_words(reasons)) if reasons else text("walk", "why_none"))
    caveat = caveat_phrase(score)
    if caveat:
        lines.append(text("walk", "caveat", caveat=caveat))
    lines.append(text("walk", "question"))
    return "\n".join(lines)


def more_message(score: RouteScore) -> str:
    return "\n".join([score.title, route_text(score.key, "more"), text("walk", "question_after_more")])


def all_routes_message(ranking: List[RouteScore]) -> str:
    lines = [text("walk", "all_header")]
    for position, score in enumerate(ranking, start=1):
        reasons = reason_phrases(score)
        if reasons:
            lines.append(text("walk", "all_line", position=position, title=score.title, reason=reasons[0]))
        else:
            lines.append(text("walk", "all_line_no_reason", position=position, title=score.title))
    return "\n".join(lines)


def typed_choice(message: str) -> Optional[str]:
    """'past wel bij me' -> fit; the longest keyword wins, None when nothing matches."""
    best, length = None, 0
    for choice, keywords in load("texts")["walk"]["keywords"].items():
        for hit in keyword_hits(message or "", keywords):
            if len(hit) > length:
                best, length = choice, len(hit)
    return best
