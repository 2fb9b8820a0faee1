"""Inzichten: aggregates over the summary tables. A group of fewer than K distinct conversations
is suppressed, so no figure can point at one employee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import List, Optional

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncWeek
from django.utils import timezone

from leercoach.review.models import Conversation, RouteChoice, TopicHit, UnansweredQuestion
from leercoach.review.reading import topic_title

K = 10  # minimum number of distinct conversations behind any figure shown
DAYS, WEEKS, TOP = 30, 26, 15
CACHE_SECONDS = 60


@dataclass
class Row:
    label: str
    conversations: int
    values: List[Optional[float]] = field(default_factory=list)  # None where suppressed

    @property
    def suppressed(self) -> bool:
        return self.conversations < K


@dataclass
class Figure:
    name: str  # also the chart's file name
    title: str
    columns: List[str]  # headers of `values`
    rows: List[Row]
    percent: bool = False  # values are fractions shown as percentages
    note: str = ""

    @property
    def shown(self) -> List[Row]:
        return [r for r in self.rows if not r.suppressed]

    @property
    def headers(self) -> List[str]:
        return ["gesprekken"] + [c for c in self.columns if c != "gesprekken"]

    def table(self) -> List[tuple]:
        """(label, cells) per row; cells is None for a suppressed row."""
        extra = [i for i, c in enumerate(self.columns) if c != "gesprekken"]
        return [
            (
                row.label,
                None
                if row.suppressed
                else [str(row.conversations)] + [self._format(row.values[i]) for i in extra],
            )
            for row in self.rows
        ]

    def _format(self, value) -> str:
        if self.percent:
            return f"{100 * (value or 0):.1f} %".replace(".", ",")
        return str(value or 0)


def _rows(groups, label, *values) -> List[Row]:
    return [Row(label(g), g["conversations"], [g[v] for v in values]) for g in groups]


def _per_day(since: dt.datetime) -> Figure:
    groups = (
        Conversation.objects.filter(started_at__gte=since)
        .annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(conversations=Count("id"), messages=Sum("user_messages"))
        .order_by("day")
    )
    return Figure(
        "per_dag",
        f"Gesprekken en berichten per dag (laatste {DAYS} dagen)",
        ["gesprekken", "berichten"],
        _rows(groups, lambda g: g["day"].strftime("%d-%m"), "conversations", "messages"),
    )


def _weekly(since: dt.datetime):
    return (
        Conversation.objects.filter(started_at__gte=since)
        .annotate(week=TruncWeek("started_at"))
        .values("week")
        .annotate(conversations=Count("id"), messages=Sum("user_messages"), fallbacks=Sum("fallbacks"))
        .order_by("week")
    )


def _week_label(group) -> str:
    year, week, _ = group["week"].isocalendar()
    return f"{year}-w{week:02d}"


def _per_week(groups) -> Figure:
    return Figure(
        "per_week",
        f"Gesprekken en berichten per week (laatste {WEEKS} weken)",
        ["gesprekken", "berichten"],
        _rows(groups, _week_label, "conversations", "messages"),
    )


def _fallback_rate(groups) -> Figure:
    rows = [
        Row(_week_label(g), g["conversations"], [g["fallbacks"] / g["messages"] if g["messages"] else 0.0])
        for g in groups
    ]
    return Figure(
        "fallback", "Niet begrepen berichten per week (fallback)", ["aandeel berichten"], rows, percent=True
    )


def _top_topics() -> Figure:
    groups = (
        TopicHit.objects.values("topic")
        .annotate(conversations=Count("id"), messages=Sum("messages"))  # one row per (conversation, topic)
        .order_by("-conversations")[:TOP]
    )
    return Figure(
        "onderwerpen",
        f"Top {TOP} onderwerpen",
        ["gesprekken", "berichten"],
        _rows(groups, lambda g: topic_title(g["topic"]), "conversations", "messages"),
    )


def _funnel() -> Figure:
    counts = Conversation.objects.aggregate(
        started=Count("id", filter=Q(coaching_started=True)),
        questions=Count("id", filter=Q(questions_done=True)),
        routes=Count("id", filter=Q(route_chosen=True)),
        plan=Count("id", filter=Q(plan_made=True)),
    )
    labels = {
        "started": "coaching gestart",
        "questions": "vragen beantwoord",
        "routes": "route gekozen",
        "plan": "plan gemaakt",
    }
    return Figure(
        "coaching",
        "Coaching: van start tot plan",
        ["gesprekken"],
        [Row(labels[k], v, [v]) for k, v in counts.items()],
    )


def _routes() -> Figure:
    groups = (
        RouteChoice.objects.values("route")
        .annotate(conversations=Count("id"))  # one row per (conversation, route): no DISTINCT needed
        .order_by("-conversations")
    )
    return Figure(
        "routes",
        "Gekozen routes",
        ["gesprekken"],
        _rows(groups, lambda g: topic_title(g["route"]), "conversations"),
    )


def _channels() -> Figure:
    groups = (
        Conversation.objects.values("channel").annotate(conversations=Count("id")).order_by("-conversations")
    )
    return Figure(
        "kanalen",
        "Kanalen",
        ["gesprekken"],
        _rows(groups, lambda g: g["channel"] or "onbekend", "conversations"),
    )


def _feedback() -> Figure:
    groups = (
        TopicHit.objects.filter(Q(feedback_up__gt=0) | Q(feedback_down__gt=0))
        .values("topic")
        .annotate(
            conversations=Count("id"),  # one row per (conversation, topic)
            up=Sum("feedback_up"),
            down=Sum("feedback_down"),
        )
        .order_by("-conversations")
    )
    return Figure(
        "feedback",
        "Had je hier iets aan? Antwoorden per onderwerp",
        ["duim omhoog", "duim omlaag"],
        _rows(groups, lambda g: topic_title(g["topic"]), "up", "down"),
    )


def _unanswered() -> Figure:
    groups = (
        UnansweredQuestion.objects.values("group_key")
        .annotate(conversations=Count("conversation", distinct=True), messages=Count("id"))
        .order_by("-conversations")[:200]
    )
    rows = [Row(g["group_key"] or "(geen woorden)", g["conversations"], [g["messages"]]) for g in groups]
    return Figure(
        "onbeantwoord",
        "Onbeantwoorde vragen, gegroepeerd op hun woorden",
        ["berichten"],
        rows,
        note="Per groep de gemeenschappelijke woorden (afgekort), nooit een los bericht.",
    )


def figures() -> List[Figure]:
    """All figures, computed at most once a minute (for all workers: aggregates need not be fresher)."""
    key = "review-insights"
    found = cache.get(key)
    if found is None:
        now = timezone.now()
        weekly = list(_weekly(now - dt.timedelta(weeks=WEEKS)))
        found = [
            _per_day(now - dt.timedelta(days=DAYS)),
            _per_week(weekly),
            _top_topics(),
            _fallback_rate(weekly),
            _unanswered(),
            _funnel(),
            _routes(),
            _channels(),
            _feedback(),
        ]
        cache.set(key, found, CACHE_SECONDS)
    return found


def figure(name: str) -> Optional[Figure]:
    return next((f for f in figures() if f.name == name), None)
