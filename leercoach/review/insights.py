"""Inzichten: figures from the totals summary.sync() keeps (DayStats, TopicStats, RouteStats,
UnansweredStats: a few hundred rows, whatever the number of conversations). A group of fewer than
K distinct conversations is suppressed, so no figure can point at one employee."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import List, Optional

from django.core.cache import cache
from django.db.models import F, Sum
from django.utils import timezone

from leercoach.review.models import DayStats, RouteStats, TopicStats, UnansweredStats
from leercoach.review.reading import topic_title

K = 10  # minimum number of distinct conversations behind any figure shown
DAYS, WEEKS, TOP = 30, 26, 15
CACHE_SECONDS = 60


@dataclass
class Row:
    label: str
    conversations: int
    values: List[Optional[float]] = field(default_factory=list)

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
        """(label, cells) per shown row. A row below K is left out entirely: its label (an
        unanswered question's word stems, a day, a topic) would point at a few people as much as
        its count."""
        extra = [i for i, c in enumerate(self.columns) if c != "gesprekken"]
        return [
            (row.label, [str(row.conversations)] + [self._format(row.values[i]) for i in extra])
            for row in self.shown
        ]

    def _format(self, value) -> str:
        if self.percent:
            return f"{100 * (value or 0):.1f} %".replace(".", ",")
        return str(value or 0)


def _rows(groups, label, *values) -> List[Row]:
    return [Row(label(g), g["conversations"], [g[v] for v in values]) for g in groups]


def _per_day(since: dt.date) -> Figure:
    groups = (
        DayStats.objects.filter(day__gte=since)
        .values("day")
        .annotate(conversations=Sum("conversations"), messages=Sum("messages"))
        .order_by("day")
    )
    return Figure(
        "per_dag",
        f"Gesprekken en berichten per dag (laatste {DAYS} dagen)",
        ["gesprekken", "berichten"],
        _rows(
            [g for g in groups if g["conversations"]],
            lambda g: g["day"].strftime("%d-%m"),
            "conversations",
            "messages",
        ),
    )


def _weekly(since: dt.date) -> List[dict]:
    """Per ISO week (its Monday) of the day the conversations started, from the day totals."""
    weeks: dict = {}
    for g in DayStats.objects.filter(day__gte=since).values("day", "conversations", "messages", "fallbacks"):
        week = weeks.setdefault(
            g["day"] - dt.timedelta(days=g["day"].weekday()),
            {"conversations": 0, "messages": 0, "fallbacks": 0},
        )
        for name in week:
            week[name] += g[name]
    return [{"week": monday, **week} for monday, week in sorted(weeks.items()) if week["conversations"]]


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
        TopicStats.objects.filter(conversations__gt=0)
        .values("topic", "conversations", "messages")
        .order_by("-conversations", "topic")[:TOP]
    )
    return Figure(
        "onderwerpen",
        f"Top {TOP} onderwerpen",
        ["gesprekken", "berichten"],
        _rows(groups, lambda g: topic_title(g["topic"]), "conversations", "messages"),
    )


def _funnel() -> Figure:
    counts = DayStats.objects.aggregate(
        started=Sum("coaching_started"),
        questions=Sum("questions_done"),
        routes=Sum("route_chosen"),
        plan=Sum("plan_made"),
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
        [Row(labels[k], v or 0, [v or 0]) for k, v in counts.items()],
    )


def _routes() -> Figure:
    groups = (
        RouteStats.objects.filter(conversations__gt=0)
        .values("route", "conversations")
        .order_by("-conversations", "route")
    )
    return Figure(
        "routes",
        "Gekozen routes",
        ["gesprekken"],
        _rows(groups, lambda g: topic_title(g["route"]), "conversations"),
    )


def _channels() -> Figure:
    groups = (
        DayStats.objects.values("channel")
        .annotate(conversations=Sum("conversations"))
        .filter(conversations__gt=0)
        .order_by("-conversations", "channel")
    )
    return Figure(
        "kanalen",
        "Kanalen",
        ["gesprekken"],
        _rows(groups, lambda g: g["channel"] or "onbekend", "conversations"),
    )


def _feedback() -> Figure:
    groups = (
        TopicStats.objects.filter(feedback_conversations__gt=0)
        .annotate(up=F("feedback_up"), down=F("feedback_down"))
        .values("topic", "feedback_conversations", "up", "down")
        .order_by("-feedback_conversations", "topic")
    )
    return Figure(
        "feedback",
        "Had je hier iets aan? Antwoorden per onderwerp",
        ["duim omhoog", "duim omlaag"],
        [Row(topic_title(g["topic"]), g["feedback_conversations"], [g["up"], g["down"]]) for g in groups],
    )


def _unanswered() -> Figure:
    groups = (
        UnansweredStats.objects.filter(conversations__gt=0)
        .values("group_key", "conversations", "messages")
        .order_by("-conversations", "group_key")[:200]
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
        today = timezone.localdate()
        weekly = _weekly(today - dt.timedelta(weeks=WEEKS))
        found = [
            _per_day(today - dt.timedelta(days=DAYS - 1)),
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
