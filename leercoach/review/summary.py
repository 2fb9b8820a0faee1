"""Keeps the review app's summary of the tracker store up to date, incrementally.

Rasa appends events with increasing ids; sync() reads only those after the last one it saw and
folds them into Conversation / TopicHit / RouteChoice / UnansweredQuestion. Conversations that
left the tracker store (retention purge, erasure) leave the summary too: by the same retention
rule, and by a comparison with the store whenever the audit log shows a new erasure or purge.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Dict, List, Set, Tuple

import sqlalchemy as sa
from django.db import IntegrityError, transaction
from django.utils import timezone

from leercoach import settings
from leercoach.privacy import audit
from leercoach.privacy.store import events as events_table
from leercoach.review import reading, tracker
from leercoach.review.models import (
    Conversation,
    HandoffRequest,
    RouteChoice,
    SyncState,
    TopicHit,
    UnansweredQuestion,
)

BATCH = 20_000
SEARCH_TEXT_LIMIT = 20_000  # characters of user text kept per conversation for the search box


def _at(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp or 0, tz=dt.timezone.utc)


class _Batch:
    """The summary rows one batch of events touches, loaded once and written in bulk."""

    def __init__(self, senders: List[str]) -> None:
        self.conversations: Dict[str, Conversation] = {
            c.sender_id: c for c in Conversation.objects.filter(sender_id__in=senders)
        }
        self.known = set(self.conversations)
        self.hits: Dict[Tuple[str, str], TopicHit] = {}
        for hit in TopicHit.objects.filter(conversation__sender_id__in=self.known).select_related(
            "conversation"
        ):
            self.hits[(hit.conversation.sender_id, hit.topic)] = hit
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
        UnansweredQuestion.objects.bulk_create(
            [
                UnansweredQuestion(conversation_id=ids[s], text=t[:500], group_key=reading.group_key(t))
                for s, t in self.unanswered
                if t
            ],
            batch_size=5000,
        )


CHECK_SECONDS = 5  # a page request looks for new events at most this often per process
_last_check = 0.0


def sync_if_due() -> None:
    """Called by the pages: at most one look at the tracker store every few seconds per process."""
    global _last_check
    if time.monotonic() - _last_check >= CHECK_SECONDS:
        sync()
        _last_check = time.monotonic()


def sync(batch: int = BATCH) -> int:
    """Reads the events Rasa appended since the last sync; returns how many were read."""
    read = 0
    if tracker.newest_event_id() > _state().last_event_id:
        while True:
            done = _sync_batch(batch)
            read += done
            if done < batch:
                break
    forget_gone()
    return read


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
            state.synced_at = timezone.now()
            state.save()
            return len(rows)
    except IntegrityError:
        return 0  # another worker folded in the same events at the same moment


def forget_gone() -> None:
    """Drops what the tracker store no longer has, and handoff requests past the retention period."""
    cutoff = timezone.now() - dt.timedelta(days=settings.retention_days())
    Conversation.objects.filter(last_at__lt=cutoff).delete()
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
            Conversation.objects.filter(pk__in=gone[start : start + 500]).delete()
        SyncState.objects.filter(pk=state.pk).update(last_audit_id=newest)


def _newest_removal() -> int:
    store = tracker.engine()
    audit.ensure_table(store)
    query = sa.select(sa.func.max(audit.audit_log.c.id)).where(
        audit.audit_log.c.action.in_(("erasure", "purge"))
    )
    with tracker.reading() as connection:
        return connection.execute(query).scalar() or 0
