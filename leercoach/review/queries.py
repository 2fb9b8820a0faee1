"""The filtered, sorted conversation list: one definition for the list, the export and previous/next;\nits count and its pages."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import List, Optional, Tuple

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from leercoach.review.forms import ConversationFilter
from leercoach.review.models import Conversation, DayStats

SORTS = {
    "nieuwste": ("-started_at", "-id"),
    "oudste": ("started_at", "id"),
    "meeste_berichten": ("-user_messages", "-id"),
    "meeste_fallbacks": ("-fallbacks", "-id"),
}


@dataclass
class Listing:
    form: ConversationFilter
    queryset: QuerySet
    order: Tuple[str, str]
    data: dict  # the filter as applied (without the fields that were not valid)


def _day_start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def listing(params) -> Listing:
    """The conversations the filter in `params` (a GET QueryDict) selects, in its order.
    An invalid filter shows its message and selects as if that field were empty."""
    form = ConversationFilter(params or None)
    data = (
        form.cleaned_data
        if form.is_valid()
        else {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    )
    found = Conversation.objects.all()
    if data.get("van"):
        found = found.filter(started_at__gte=_day_start(data["van"]))
    if data.get("tot"):
        found = found.filter(started_at__lt=_day_start(data["tot"] + dt.timedelta(days=1)))
    if data.get("kanaal"):
        found = found.filter(channel=data["kanaal"])
    if data.get("onderwerp"):
        found = found.filter(topic_hits__topic=data["onderwerp"])
    found = found.filter(
        **{"ja": {"fallbacks__gt": 0}, "nee": {"fallbacks": 0}}.get(data.get("fallback"), {})
    )
    found = found.filter(
        **{
            "gestart": {"coaching_started": True},
            "plan": {"plan_made": True},
            "geen": {"coaching_started": False},
        }.get(data.get("coaching"), {})
    )
    found = found.filter(
        **{"negatief": {"feedback_down__gt": 0}, "positief": {"feedback_up__gt": 0}}.get(
            data.get("feedback"), {}
        )
    )
    if data.get("status"):
        found = found.filter(status=data["status"])
    if data.get("label"):
        found = found.filter(tags=data["label"])
    if data.get("q"):
        found = found.filter(search_text__contains=data["q"].lower())
    order = SORTS.get(data.get("sortering") or "nieuwste", SORTS["nieuwste"])
    return Listing(form, found.order_by(*order), order, data)


def _seek(order: Tuple[str, str], anchor: Conversation) -> Tuple[Q, Q]:
    """(after, before): the conversations after and before `anchor` in `order` (a key, then the id).

    Each is `key <= value AND (key < value OR id < anchor)` (or the mirror image): the first part
    is a range the index on the key starts from, so a seek reads a page's rows, not all before it."""
    field, _ = order
    name = field.lstrip("-")
    value = getattr(anchor, name)
    descending = field.startswith("-")

    def side(lower: bool) -> Q:
        near = "lt" if lower else "gt"
        return Q(**{f"{name}__{near}e": value}) & (
            Q(**{f"{name}__{near}": value}) | Q(**{f"id__{near}": anchor.pk})
        )

    return side(lower=descending), side(lower=not descending)


def _reverse(order: Tuple[str, str]) -> List[str]:
    return [f.lstrip("-") if f.startswith("-") else f"-{f}" for f in order]


def neighbours(found: Listing, current: Conversation) -> Tuple[Optional[int], Optional[int]]:
    """The numbers of the conversations before and after `current` in the filtered list."""
    after, before = _seek(found.order, current)
    following = found.queryset.filter(after).values_list("pk", flat=True).first()
    previous = (
        found.queryset.filter(before).order_by(*_reverse(found.order)).values_list("pk", flat=True).first()
    )
    return previous, following


# Counting: with no filter, or only period and channel, exact from the day totals sync() keeps
# (DayStats: a row per day and channel); otherwise exact up to EXACT_UP_TO (a count that stops
# there reads at most that many index entries), above it PostgreSQL's planner estimate for the
# same query, shown as "ongeveer".
EXACT_UP_TO = 10_000
COUNTED_PER_DAY = {"van", "tot", "kanaal", "sortering"}
# Paging: the links seek from the last (or first) conversation on the page (`na=` / `voor=`, an
# index range scan, as fast on page 2,000 as on page 2); a page asked for by its number alone
# (OFFSET) goes at most this deep.
MAX_OFFSET_PAGE = 400


@dataclass(frozen=True)
class Count:
    value: int
    exact: bool


def count(found: Listing) -> Count:
    data = found.data
    if not {k for k, v in data.items() if v not in (None, "")} - COUNTED_PER_DAY:
        days = DayStats.objects.all()
        if data.get("van"):
            days = days.filter(day__gte=data["van"])
        if data.get("tot"):
            days = days.filter(day__lte=data["tot"])
        if data.get("kanaal"):
            days = days.filter(channel=data["kanaal"])
        return Count(days.aggregate(n=Sum("conversations"))["n"] or 0, True)
    queryset = found.queryset.order_by().values("pk")
    counted = queryset[: EXACT_UP_TO + 1].count()
    if counted <= EXACT_UP_TO:
        return Count(counted, True)
    if connection.vendor != "postgresql":  # SQLite: the first run's small database
        return Count(queryset.count(), True)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    return Count(max(round(estimate, -3), EXACT_UP_TO), False)


@dataclass
class Page:
    object_list: List[Conversation]
    number: int
    size: int
    count: Count
    has_previous: bool
    has_next: bool
    capped: bool = False  # asked for a page beyond MAX_OFFSET_PAGE by its number

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count.value // self.size))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.object_list)

    @property
    def previous_query(self) -> str:
        return f"pagina={self.number - 1}&voor={self.object_list[0].pk}" if self.has_previous else ""

    @property
    def next_query(self) -> str:
        return f"pagina={self.number + 1}&na={self.object_list[-1].pk}" if self.has_next else ""


def _positive(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


def page(found: Listing, params, size: int) -> Page:
    """One page of the filtered list: after (`na`) or before (`voor`) a conversation, else by its
    number (`pagina`, at most MAX_OFFSET_PAGE); past the end, the last page."""
    counted = count(found)
    shown = found.queryset.defer("search_text", "pending", "note").prefetch_related("tags", "topic_hits")
    number = _positive(params.get("pagina")) or 1
    forward = bool(_positive(params.get("na")))
    anchor_pk = _positive(params.get("na")) or _positive(params.get("voor"))
    name = found.order[0].lstrip("-")
    anchor = Conversation.objects.filter(pk=anchor_pk).only("id", name).first() if anchor_pk else None
    if anchor is not None:
        after, before = _seek(found.order, anchor)
        if forward:
            rows = list(shown.filter(after)[: size + 1])
            if rows:
                return Page(rows[:size], max(number, 2), size, counted, True, len(rows) > size)
        else:
            rows = list(shown.filter(before).order_by(*_reverse(found.order))[: size + 1])
            if len(rows) > size:
                return Page(rows[:size][::-1], max(number, 2), size, counted, True, True)
            number = 1  # the start of the list: the first page
    capped = number > MAX_OFFSET_PAGE
    number = min(number, MAX_OFFSET_PAGE)
    if counted.exact:
        number = min(number, max(1, -(-counted.value // size)))
    # The numbers first (an index-only scan past the offset), then those rows: a deferred join.
    numbers = list(found.queryset.values_list("pk", flat=True)[(number - 1) * size : number * size + 1])
    by_number = shown.in_bulk(numbers[:size])
    rows = [by_number[n] for n in numbers[:size] if n in by_number]
    return Page(rows, number, size, counted, number > 1, len(numbers) > size, capped)


@dataclass
class SeekPage:
    """A page of a list paged only by seeking (`na=` / `voor=` a row), as the conversation list's
    links do: the same cost on the last page as on the first, whatever a flood added."""

    object_list: list
    has_previous: bool
    has_next: bool

    @property
    def previous_query(self) -> str:
        return f"voor={self.object_list[0].pk}" if self.has_previous else ""

    @property
    def next_query(self) -> str:
        return f"na={self.object_list[-1].pk}" if self.has_next else ""


def seek_page(queryset: QuerySet, order: Tuple[str, str], params, size: int) -> SeekPage:
    """``size`` rows of ``queryset`` in ``order`` (a key, then the id) after (`na`) or before
    (`voor`) the row with that id; the first page without one, or when that row is gone."""
    anchor_pk = _positive(params.get("na")) or _positive(params.get("voor"))
    anchor = queryset.model.objects.filter(pk=anchor_pk).first() if anchor_pk else None
    ordered = queryset.order_by(*order)
    if anchor is not None:
        after, before = _seek(order, anchor)
        if _positive(params.get("na")):
            rows = list(ordered.filter(after)[: size + 1])
            if rows:
                return SeekPage(rows[:size], True, len(rows) > size)
        else:
            rows = list(ordered.filter(before).order_by(*_reverse(order))[: size + 1])
            if len(rows) > size:
                return SeekPage(rows[:size][::-1], True, True)
    rows = list(ordered[: size + 1])
    return SeekPage(rows[:size], False, len(rows) > size)
