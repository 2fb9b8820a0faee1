"""Keeps the review app's summary of the tracker store up to date, incrementally.

Rasa appends events with increasing ids; sync() reads only those after the last one it saw and
folds them into Conversation / TopicHit / RouteChoice / UnansweredQuestion, and adds what changed
to Inzichten's totals (DayStats, TopicStats, RouteStats, UnansweredStats) in the same transaction.
Conversations that left the tracker store (retention purge, erasure) leave the summary too, and
their share of the totals with them (forget()): by the same retention rule, and by a comparison
with the store whenever the audit log shows a new erasure or purge.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

import sqlalchemy as sa
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from leercoach import settings
from leercoach.privacy import audit
from leercoach.privacy.store import events as events_table
from leercoach.review import copies, reading, tracker
from leercoach.review.models import (
    Conversation,
    DayStats,
    HandoffRequest,
    RouteChoice,
    RouteStats,
    SyncState,
    TopicHit,
    TopicStats,
    UnansweredQuestion,
    UnansweredStats,
)

logger = logging.getLogger(__name__)

BATCH = 20_000
SEARCH_TEXT_LIMIT = 20_000  # characters of user text kept per conversation for the search box


def _at(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp or 0, tz=dt.timezone.utc)


# The key columns of each totals table; every other column is a count that shares add up to.
TOTALS_KEYS = {
    DayStats: ("day", "channel"),
    TopicStats: ("topic",),
    RouteStats: ("route",),
    UnansweredStats: ("group_key",),
}
DAY_COUNTS = copies.DAY_COUNTS  # the day table's counters, one list for both
Share = Tuple[type, tuple, Dict[str, int]]


def _day_share(c: Conversation) -> Tuple[tuple, Dict[str, int]]:
    """What one conversation adds to DayStats: its (local) start day and channel, and its counts."""
    return (timezone.localdate(c.started_at), c.channel), {
        "conversations": 1,
        "messages": c.user_messages,
        "fallbacks": c.fallbacks,
        "coaching_started": int(c.coaching_started),
        "questions_done": int(c.questions_done),
        "route_chosen": int(c.route_chosen),
        "plan_made": int(c.plan_made),
    }


def _topic_share(hit: TopicHit) -> Dict[str, int]:
    return {
        "conversations": 1,
        "messages": hit.messages,
        "feedback_conversations": int(hit.feedback_up > 0 or hit.feedback_down > 0),
        "feedback_up": hit.feedback_up,
        "feedback_down": hit.feedback_down,
    }


class _Totals:
    """Changes to Inzichten's totals, added to their tables with one upsert per table
    (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n: PostgreSQL and SQLite alike)."""

    def __init__(self) -> None:
        self.changes: Dict[type, Dict[tuple, Counter]] = defaultdict(lambda: defaultdict(Counter))

    def add(self, model: type, key: tuple, values: Dict[str, int], sign: int = 1) -> None:
        change = self.changes[model][key]
        for name, value in values.items():
            change[name] += sign * int(value or 0)

    def add_all(self, shares: Iterable[Share], sign: int = 1) -> None:
        for model, key, values in shares:
            self.add(model, key, values, sign)

    def save(self) -> None:
        for model, changes in self.changes.items():
            rows = [(key, change) for key, change in changes.items() if any(change.values())]
            if not rows:
                continue
            keys = TOTALS_KEYS[model]
            counts = [
                f.column for f in model._meta.concrete_fields if f.column not in keys and f.column != "id"
            ]
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(c) for c in (*keys, *counts))
            updates = ", ".join(
                f"{c} = {table}.{c} + excluded.{c}" for c in map(connection.ops.quote_name, counts)
            )
            sql = (
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(keys) + len(counts)))}) "
                f"ON CONFLICT ({', '.join(map(connection.ops.quote_name, keys))}) DO UPDATE SET {updates}"
            )
            fields = [model._meta.get_field(k) for k in keys]
            params = [
                [f.get_db_prep_value(v, connection) for f, v in zip(fields, key)]
                + [change[c] for c in counts]
                for key, change in rows
            ]
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)


def _shares(ids: Optional[List[int]] = None) -> Iterator[Share]:
    """What the conversations `ids` (None: all of them) add to the totals, read from the summary."""

    def of(queryset: models.QuerySet, field: str = "conversation_id") -> models.QuerySet:
        return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})

    days = (
        of(Conversation.objects, "pk")
        .annotate(day=TruncDate("started_at"))
        .values("day", "channel")
        .annotate(
            conversations=Count("id"),
            messages=Sum("user_messages"),
            fallbacks=Sum("fallbacks"),
            **{flag: Count("id", filter=Q(**{flag: True})) for flag in DAY_COUNTS[3:]},
        )
        .order_by()
    )
    for g in days:
        yield DayStats, (g["day"], g["channel"]), {c: g[c] for c in DAY_COUNTS}
    topics = (
        of(TopicHit.objects)
        .values("topic")
        .annotate(
            conversations=Count("id"),  # one row per (conversation, topic)
            messages=Sum("messages"),
            feedback_conversations=Count("id", filter=Q(feedback_up__gt=0) | Q(feedback_down__gt=0)),
            feedback_up=Sum("feedback_up"),
            feedback_down=Sum("feedback_down"),
        )
        .order_by()
    )
    for g in topics:
        yield TopicStats, (g.pop("topic"),), g
    for g in of(RouteChoice.objects).values("route").annotate(conversations=Count("id")).order_by():
        yield RouteStats, (g.pop("route"),), g
    unanswered = (
        of(UnansweredQuestion.objects)
        .values("group_key")
        .annotate(conversations=Count("conversation", distinct=True), messages=Count("id"))
        .order_by()
    )
    for g in unanswered:
        yield UnansweredStats, (g.pop("group_key"),), g


def rebuild_totals() -> None:
    """Inzichten's totals from the whole summary (once, after the tables are created; or by hand:
    `python -m benchmarks.review totals` compares them with what sync() kept)."""
    with transaction.atomic():
        SyncState.objects.select_for_update().get_or_create(pk=1)  # not beside a sync batch
        for model in TOTALS_KEYS:
            model.objects.all().delete()
        totals = _Totals()
        totals.add_all(_shares())
        totals.save()


class _Batch:
    """The summary rows one batch of events touches, loaded once and written in bulk."""

    def __init__(self, senders: List[str]) -> None:
        self.conversations: Dict[str, Conversation] = {
            c.sender_id: c for c in Conversation.objects.filter(sender_id__in=senders)
        }
        self.known = set(self.conversations)
        # What the known conversations added to the totals before this batch (subtracted in save()).
        self.day_shares = {s: _day_share(c) for s, c in self.conversations.items()}
        self.hits: Dict[Tuple[str, str], TopicHit] = {}
        self.topic_shares: Dict[Tuple[str, str], Dict[str, int]] = {}
        for hit in TopicHit.objects.filter(conversation__sender_id__in=self.known).select_related(
            "conversation"
        ):
            self.hits[(hit.conversation.sender_id, hit.topic)] = hit
            self.topic_shares[(hit.conversation.sender_id, hit.topic)] = _topic_share(hit)
        self.routes_stored = set(
            RouteChoice.objects.filter(conversation__sender_id__in=self.known).values_list(
                "conversation__sender_id", "route"
            )
        )
        self.groups_stored = set(
            UnansweredQuestion.objects.filter(conversation__sender_id__in=self.known).values_list(
                "conversation__sender_id", "group_key"
            )
        )
        self.new_hits: Set[Tuple[str, str]] = set()
        self.routes: Set[Tuple[str, str]] = set()
        self.unanswered: List[Tuple[str, str]] = []

    def conversation(self, sender_id: str, event: dict) -> Conversation:
        if sender_id not in self.conversations:
            at = _at(event.get("timestamp"))
            self.conversations[sender_id] = Conversation(
                sender_id=sender_id, started_at=at, last_at=at, pending={}
            )
        return self.conversations[sender_id]

    def hit(self, sender_id: str, topic: str) -> TopicHit:
        key = (sender_id, topic)
        if key not in self.hits:
            self.hits[key] = TopicHit(topic=topic)
            self.new_hits.add(key)
        return self.hits[key]

    def apply(self, event_id: int, sender_id: str, event: dict) -> None:
        summary = self.conversation(sender_id, event)
        summary.last_event_id = event_id
        summary.last_at = max(summary.last_at, _at(event.get("timestamp")))
        kind = event.get("event")
        if kind == "user":
            self._user(sender_id, summary, reading.user_message(event))
        elif kind == "action" and event.get("name") == reading.FALLBACK_ACTION and summary.pending:
            if not summary.pending.get("marked"):  # a core fallback after a recognised intent
                summary.fallbacks += 1
                self.unanswered.append((sender_id, summary.pending.get("text", "")))
                summary.pending = {**summary.pending, "marked": True}
        elif kind == "slot":
            self._slot(sender_id, summary, event)

    def _user(self, sender_id: str, summary: Conversation, message: reading.UserMessage) -> None:
        if message.feedback:
            self._feedback(sender_id, summary, message.feedback)
            return
        summary.user_messages += 1
        summary.channel = summary.channel or message.channel
        if not message.button and len(summary.search_text) < SEARCH_TEXT_LIMIT:
            summary.search_text = (summary.search_text + "\n" + message.text.lower())[:SEARCH_TEXT_LIMIT]
        if message.clarification:
            summary.clarifications += 1
        if message.fallback:
            summary.fallbacks += 1
            self.unanswered.append((sender_id, message.text))
        topic = reading.topic_of(message.intent)
        summary.pending = {
            "text": message.text[:500],
            "marked": message.fallback or bool(message.clarification),
            "topic": topic,
        }
        if topic:
            summary.last_topic = topic
            self.hit(sender_id, topic).messages += 1

    def _feedback(self, sender_id: str, summary: Conversation, value: str) -> None:
        up = value == "up"
        summary.feedback_up += up
        summary.feedback_down += not up
        if summary.last_topic:
            hit = self.hit(sender_id, summary.last_topic)
            hit.feedback_up += up
            hit.feedback_down += not up

    def _slot(self, sender_id: str, summary: Conversation, event: dict) -> None:
        if event.get("name") == reading.TOPIC_SLOT and event.get("value") and summary.pending:
            topic = str(event["value"])
            if summary.pending.get("topic") is None and topic != summary.last_topic:
                # "de tweede", "vertel meer": the message was about the topic it resolved to
                summary.last_topic = topic
                self.hit(sender_id, topic).messages += 1
            summary.pending = {**summary.pending, "topic": topic}
        step = reading.coaching_step(event)
        if step:
            summary.coaching_started |= step.started or step.questions_done or step.plan_made
            summary.questions_done |= step.questions_done or step.plan_made
            summary.plan_made |= step.plan_made
            if step.routes_chosen:
                summary.route_chosen = True
                self.routes.update((sender_id, route) for route in step.routes_chosen)

    def save(self) -> None:
        new = [c for s, c in self.conversations.items() if s not in self.known]
        Conversation.objects.bulk_create(new, batch_size=2000)
        fields = [
            "channel",
            "last_at",
            "user_messages",
            "fallbacks",
            "clarifications",
            "coaching_started",
            "questions_done",
            "route_chosen",
            "plan_made",
            "feedback_up",
            "feedback_down",
            "search_text",
            "last_event_id",
            "last_topic",
            "pending",
        ]
        Conversation.objects.bulk_update([self.conversations[s] for s in self.known], fields, batch_size=2000)
        ids = {s: c.pk for s, c in self.conversations.items()}
        if any(ids[s] is None for s, _ in self.new_hits):  # databases that do not return new ids
            ids.update(Conversation.objects.filter(sender_id__in=list(ids)).values_list("sender_id", "pk"))
        created = []
        for key in self.new_hits:
            self.hits[key].conversation_id = ids[key[0]]
            created.append(self.hits[key])
        TopicHit.objects.bulk_create(created, batch_size=5000)
        old = [h for k, h in self.hits.items() if k not in self.new_hits]
        TopicHit.objects.bulk_update(old, ["messages", "feedback_up", "feedback_down"], batch_size=5000)
        RouteChoice.objects.bulk_create(
            [RouteChoice(conversation_id=ids[s], route=r) for s, r in self.routes],
            batch_size=5000,
            ignore_conflicts=True,
        )
        unanswered = [(s, t, reading.group_key(t)) for s, t in self.unanswered if t]
        UnansweredQuestion.objects.bulk_create(
            [UnansweredQuestion(conversation_id=ids[s], text=t[:500], group_key=g) for s, t, g in unanswered],
            batch_size=5000,
        )
        self._save_totals(unanswered)

    def _save_totals(self, unanswered: List[Tuple[str, str, str]]) -> None:
        totals = _Totals()
        for sender_id, summary in self.conversations.items():
            totals.add(DayStats, *_day_share(summary))
            if sender_id in self.day_shares:
                totals.add(DayStats, *self.day_shares[sender_id], sign=-1)
        for key, hit in self.hits.items():
            totals.add(TopicStats, (key[1],), _topic_share(hit))
            if key in self.topic_shares:
                totals.add(TopicStats, (key[1],), self.topic_shares[key], sign=-1)
        for _, route in self.routes - self.routes_stored:
            totals.add(RouteStats, (route,), {"conversations": 1})
        seen = set(self.groups_stored)
        for sender_id, _, group in unanswered:
            totals.add(
                UnansweredStats, (group,), {"messages": 1, "conversations": (sender_id, group) not in seen}
            )
            seen.add((sender_id, group))
        totals.save()


def sync(batch: int = BATCH) -> int:
    """Reads the events Rasa appended since the last sync; returns how many were read."""
    read = 0
    if not _state().totals_built:
        with transaction.atomic():
            state = SyncState.objects.select_for_update().get_or_create(pk=1)[0]
            if not state.totals_built:
                rebuild_totals()
                SyncState.objects.filter(pk=state.pk).update(totals_built=True)
    if tracker.newest_event_id() > _state().last_event_id:
        while True:
            done = _sync_batch(batch)
            read += done
            if done < batch:
                break
    forget_gone()
    SyncState.objects.filter(pk=1).update(synced_at=timezone.now())
    return read


def sync_quietly() -> None:
    """sync() for the schedule: a failed round is logged by its kind only, and the next one retries."""
    try:
        sync()
    except Exception as problem:  # the next round retries; the pages keep working
        logger.warning("Review summary not synced (%s); retrying next round.", type(problem).__name__)


def last_synced() -> Optional[dt.datetime]:
    """When sync() last finished (shown on the pages); read only, as a page view writes nothing."""
    return SyncState.objects.filter(pk=1).values_list("synced_at", flat=True).first()


def _state() -> SyncState:
    return SyncState.objects.get_or_create(pk=1)[0]


def _sync_batch(batch: int) -> int:
    try:
        with transaction.atomic():
            state = SyncState.objects.select_for_update().get_or_create(pk=1)[0]
            rows = tracker.events_after(state.last_event_id, batch)
            if not rows:
                return 0
            work = _Batch(sorted({sender for _, sender, _ in rows}))
            for event_id, sender_id, event in rows:
                work.apply(event_id, sender_id, event)
            work.save()
            state.last_event_id = rows[-1][0]
            state.save()
            return len(rows)
    except IntegrityError:
        return 0  # another worker folded in the same events at the same moment


def forget_gone() -> None:
    """Drops what the tracker store no longer has, and handoff requests past the retention period."""
    cutoff = timezone.now() - dt.timedelta(days=settings.retention_days())
    forget(Conversation.objects.filter(last_at__lt=cutoff))
    HandoffRequest.objects.filter(created_at__lt=cutoff).delete()
    state = _state()
    newest = _newest_removal()
    if newest > state.last_audit_id:
        with tracker.reading() as connection:
            kept = {row[0] for row in connection.execute(sa.select(events_table.c.sender_id).distinct())}
        gone = [
            pk for pk, sender in Conversation.objects.values_list("pk", "sender_id") if sender not in kept
        ]
        for start in range(0, len(gone), 500):
            forget(Conversation.objects.filter(pk__in=gone[start : start + 500]))
        SyncState.objects.filter(pk=state.pk).update(last_audit_id=newest)


def forget(conversations: models.QuerySet) -> int:
    """Removes the conversations (a queryset) from the summary, and their share from the totals;
    returns how many. The same SQL (leercoach.review.copies) serves the erasure in the Rasa
    server and the purge, so Inzichten never counts one that left, whoever removed it."""
    ids = list(conversations.values_list("pk", flat=True))
    if not ids:
        return 0  # the usual case, on every sync: no lock taken
    with transaction.atomic(), connection.cursor() as cursor:
        return copies.forget(copies.Sql.of_django(cursor, connection.vendor), ids)


def _newest_removal() -> int:
    store = tracker.engine()
    audit.ensure_table(store)
    query = sa.select(sa.func.max(audit.audit_log.c.id)).where(
        audit.audit_log.c.action.in_(("erasure", "purge"))
    )
    with tracker.reading() as connection:
        return connection.execute(query).scalar() or 0
