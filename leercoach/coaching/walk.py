"""The messages of the walk through the routes: one route at a time, best fit first."""

from __future__ import annotations

import json
import re
from typing import Dict, Iterable, List, Optional, Tuple

from leercoach import catalogue
from leercoach.coaching.data import join_words, load, text
from leercoach.coaching.goal import GoalAnalysis
from leercoach.coaching.questions import keyword_hits
from leercoach.coaching.ranking import Contribution, RouteScore
from leercoach.content import fill

MAX_REASONS = 2
CHOICES = ("fit", "not_fit", "more", "skip", "all")  # the buttons of a route card


def route_text(key: str, field: str) -> str:
    return " ".join(str(load("routes")["routes"][key][field]).split())


def example_line(key: str, goal: GoalAnalysis) -> str:
    """One example tied to the goal; without a usable subject the general line."""
    lines = load("routes")["routes"][key]["example"]
    kind = goal.kind if goal.subject and goal.kind in lines else "general"
    return fill(lines[kind], what=f"routes.yml {key}.example.{kind}", subject=goal.subject or "")


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


def payload_choice(button_payload: str) -> Optional[str]:
    """The route choice a button made by :func:`payload` carries; None for any other payload."""
    intent, brace, entities = str(button_payload or "").partition("{")
    if intent != "/route_feedback" or not brace:
        return None
    try:
        values = json.loads(brace + entities)
    except ValueError:
        return None
    choice = values.get("route_choice") if isinstance(values, dict) else None
    return choice if isinstance(choice, str) else None


def route_buttons(route: str, with_more: bool = True) -> List[Dict[str, str]]:
    labels = load("texts")["buttons"]
    choices = ["fit", "not_fit"] + (["more"] if with_more else []) + ["skip", "all"]
    return [{"title": labels[c], "payload": payload(c, route)} for c in choices]


def route_message(score: RouteScore, position: int, total: int, goal: GoalAnalysis) -> str:
    """Route n of 8 as a card like the knowledge answers: a bold title, then short paragraphs."""
    parts = [
        text("walk", "header", position=position, total=total, title=score.title),
        route_text(score.key, "explanation"),
        example_line(score.key, goal),
    ]
    reasons = reason_phrases(score)
    parts.append(text("walk", "why", reasons=join_words(reasons)) if reasons else text("walk", "why_none"))
    caveat = caveat_phrase(score)
    if caveat:
        parts.append(text("walk", "caveat", caveat=caveat))
    parts.append(text("walk", "question"))
    return "\n\n".join(parts)


def more_message(score: RouteScore) -> str:
    return "\n\n".join(
        [f"**{score.title}**", route_text(score.key, "more"), text("walk", "question_after_more")]
    )


def all_routes_message(ranking: List[RouteScore]) -> str:
    lines = [text("walk", "all_header"), ""]
    for position, score in enumerate(ranking, start=1):
        reasons = reason_phrases(score)
        if reasons:
            lines.append(text("walk", "all_line", position=position, title=score.title, reason=reasons[0]))
        else:
            lines.append(text("walk", "all_line_no_reason", position=position, title=score.title))
    return "\n".join(lines)


def offers_the_plan(chosen_count: int, already_offered: bool) -> bool:
    """Right after the third chosen route (once): offer to make the plan instead of a hint."""
    return not already_offered and chosen_count == int(load("texts")["walk"]["enough_count"])


def plan_offer_buttons(route: str) -> List[Dict[str, str]]:
    labels = load("texts")["buttons"]
    return [
        {"title": labels["make_plan"], "payload": payload("skip", route)},
        {"title": labels["look_further"], "payload": payload("continue", route)},
    ]


def _normalised(message: str) -> str:
    fillers = {str(f).lower() for f in load("texts")["walk"]["fillers"]}
    words = re.sub(r"[^\w'\s-]", " ", str(message or "").lower()).split()
    return " ".join(w for w in words if w not in fillers)


def _best_choice(message: str, choices: Iterable[str]) -> Optional[str]:
    keywords = load("texts")["walk"]["keywords"]
    plain = _normalised(message)
    best, length = None, 0
    for choice in choices:
        for hit in keyword_hits(plain, [_normalised(k) for k in keywords[choice]]):
            if len(hit) > length:
                best, length = choice, len(hit)
    return best


def typed_choice(message: str) -> Optional[str]:
    """'sla de rest maar over' -> skip, 'doe maar de volgende' -> not_fit; None when unclear.

    Filler words are left out first; the longest keyword found wins."""
    return _best_choice(message, CHOICES)


def named_route(message: str, intent: Optional[str] = None) -> Optional[str]:
    """The route a message names ("haal zelfstudie eruit"), by its intent or by its names."""
    keys = [t.key for t in catalogue.topics_in("route")]
    if intent in keys:
        return intent
    names = load("texts")["walk"]["route_names"]
    best, length = None, 0
    for key in keys:
        for name in [catalogue.topic(key).title] + list(names.get(key) or []):
            found = re.search(r"(?<!\w)" + re.escape(str(name).lower()) + r"(?!\w)", (message or "").lower())
            if found and len(str(name)) > length:
                best, length = key, len(str(name))
    return best


def route_edit(message: str, intent: Optional[str] = None) -> Optional[Tuple[str, str]]:
    """("drop" | "add", route) when a message names a route with a choice word, else None.

    "werkplekleren niet", "geen events", "haal zelfstudie eruit" -> drop; "mentor wel" -> add.
    A bare route name ("wat is zelfstudie?") is a question about the route, not an edit."""
    from leercoach.coaching.questions import reads_as_question

    route = named_route(message, intent)
    if route is None or reads_as_question(message or ""):
        return None
    words = set(_normalised(message).split())
    plain = f" {_normalised(message)} "
    keywords = load("texts")["walk"]["keywords"]
    for action in ("drop", "add"):
        for keyword in keywords[action]:
            keyword = str(keyword).lower()
            if (" " in keyword and f" {keyword} " in plain) or keyword in words:
                return action, route
    choice = typed_choice(message)
    if choice in ("fit", "not_fit"):
        return ("add" if choice == "fit" else "drop"), route
    return None
