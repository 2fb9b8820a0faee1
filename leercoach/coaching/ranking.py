"""Orders the eight development routes for one person: transparent and deterministic.

score(route) = base + one weight per answer + a weight for the kind of goal + a weight per
group of goal words found. All numbers come from route_weights.yml (one table HR can tune);
equal scores keep the catalogue order. Every contribution is kept, so the coach can say
*why* a route fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Mapping, Optional, Tuple

from leercoach import catalogue
from leercoach.coaching.data import load
from leercoach.coaching.goal import GoalAnalysis, lemma_candidates
from leercoach.coaching.questions import is_choice, question_order

# The choice questions, in the order of texts.yml (the one place that holds the question order).
ANSWER_FACTORS = tuple(slot for slot in question_order() if is_choice(slot))
CAVEAT_AT = -2  # a weight this low or lower gets a "Let op" line


@dataclass(frozen=True)
class Contribution:
    factor: str  # an answer slot, "goal_kind" or "goal_words"
    value: str  # the answer, the kind of goal, or the goal-word group
    weight: int


@dataclass(frozen=True)
class RouteScore:
    key: str
    score: int
    contributions: Tuple[Contribution, ...]

    @property
    def title(self) -> str:
        return catalogue.topic(self.key).title

    def reasons(self) -> List[Contribution]:
        """What speaks for this route, strongest first."""
        positive = [c for c in self.contributions if c.weight > 0]
        return sorted(positive, key=lambda c: -c.weight)

    def caveats(self) -> List[Contribution]:
        negative = [c for c in self.contributions if c.weight <= CAVEAT_AT]
        return sorted(negative, key=lambda c: c.weight)


def route_keys() -> List[str]:
    return [topic.key for topic in catalogue.topics_in("route")]


def _row(raw: Mapping, columns: Mapping[str, str], where: str) -> Dict[str, int]:
    row = {key: 0 for key in route_keys()}
    for column, weight in (raw or {}).items():
        if column not in columns:
            raise ValueError(f"route_weights.yml {where}: unknown column '{column}'")
        if not isinstance(weight, int) or isinstance(weight, bool):
            raise ValueError(f"route_weights.yml {where}.{column}: weight must be a whole number")
        row[columns[column]] = weight
    return row


@lru_cache(maxsize=1)
def weights() -> Dict:
    """The weight table with column names replaced by route keys, checked on load."""
    raw = load("route_weights")
    columns = {str(k): str(v) for k, v in raw["columns"].items()}
    if sorted(columns.values()) != sorted(route_keys()):
        raise ValueError("route_weights.yml columns must name exactly the eight catalogue routes")
    return {
        "base": _row(raw.get("base"), columns, "base"),
        "answers": {
            factor: {
                str(value): _row(row, columns, f"answers.{factor}.{value}") for value, row in values.items()
            }
            for factor, values in raw["answers"].items()
        },
        "goal_kind": {str(k): _row(row, columns, f"goal_kind.{k}") for k, row in raw["goal_kind"].items()},
        "goal_words": {
            str(group): {
                "words": {str(w).lower() for w in spec["words"]},
                "weights": _row(spec["weights"], columns, f"goal_words.{group}"),
            }
            for group, spec in (raw.get("goal_words") or {}).items()
        },
    }


def _contributions(
    answers: Mapping[str, Optional[str]], goal: Optional[GoalAnalysis]
) -> List[Tuple[str, str, Dict[str, int]]]:
    table = weights()
    rows = []
    for factor in ANSWER_FACTORS:
        value = answers.get(factor)
        row = table["answers"].get(factor, {}).get(str(value)) if value is not None else None
        if row:
            rows.append((factor, str(value), row))
    if goal is not None:
        if goal.kind in table["goal_kind"]:
            rows.append(("goal_kind", goal.kind, table["goal_kind"][goal.kind]))
        found = lemma_candidates(goal)
        for group, spec in table["goal_words"].items():
            if spec["words"] & found:
                rows.append(("goal_words", group, spec["weights"]))
    return rows


def rank_routes(
    answers: Mapping[str, Optional[str]], goal: Optional[GoalAnalysis] = None
) -> List[RouteScore]:
    """All eight routes, best fit first. Unknown or missing answers simply count for nothing."""
    table = weights()
    rows = _contributions(answers, goal)
    scores = []
    for position, key in enumerate(route_keys()):
        contributions = tuple(
            Contribution(factor, value, row[key]) for factor, value, row in rows if row[key] != 0
        )
        total = table["base"][key] + sum(c.weight for c in contributions)
        scores.append((-total, position, RouteScore(key, total, contributions)))
    return [score for _, _, score in sorted(scores)]


def best(ranking: List[RouteScore], keys: List[str], count: int) -> List[str]:
    """The first ``count`` of ``keys`` (or of all routes when keys is empty) in ranking order."""
    order = [r.key for r in ranking]
    chosen = [k for k in order if k in keys] if keys else order
    return chosen[:count]
