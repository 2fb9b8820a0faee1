"""The review app's own tables. Rasa's `events` table is only read (leercoach/review/tracker.py).

`Conversation` and its children are a summary of the tracker store, kept up to date
incrementally by leercoach.review.summary.sync(): the list, its filters and Inzichten query
these small indexed tables instead of scanning millions of JSON events.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from leercoach.handoff import store as handoff_store
from leercoach.review import roles


class User(AbstractUser):
    Role = roles.Role

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.REVIEWER)

    def has_role(self, *names: str) -> bool:
        return self.is_active and self.role in names

    # For the templates' menu (they cannot call has_role with arguments).
    @property
    def reads_conversations(self) -> bool:
        return self.has_role(*roles.READS_CONVERSATIONS)

    @property
    def administers(self) -> bool:
        return self.has_role(*roles.ADMINISTERS)


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


FILTER_COLUMNS = [
    "channel",
    "status",
    "fallbacks",
    "coaching_started",
    "plan_made",
    "feedback_up",
    "feedback_down",
]


class Conversation(models.Model):
    """One conversation (Rasa sender_id) as HR filters it; shown by its number, never by its id."""

    class Status(models.TextChoices):
        NEW = "nieuw", "nieuw"
        SEEN = "bekeken", "bekeken"
        IMPROVE = "moet_beter", "moet beter"

    sender_id = models.CharField(max_length=255, unique=True)
    channel = models.CharField(max_length=40, default="", db_index=True)
    started_at = models.DateTimeField(db_index=True)
    last_at = models.DateTimeField(db_index=True)
    user_messages = models.PositiveIntegerField(default=0)
    fallbacks = models.PositiveIntegerField(default=0)
    clarifications = models.PositiveIntegerField(default=0)
    coaching_started = models.BooleanField(default=False)
    questions_done = models.BooleanField(default=False)
    route_chosen = models.BooleanField(default=False)
    plan_made = models.BooleanField(default=False)
    feedback_up = models.PositiveIntegerField(default=0)
    feedback_down = models.PositiveIntegerField(default=0)
    # Redacted user text, lower case, for the search box (as stored in the tracker store).
    search_text = models.TextField(default="")
    # Where sync() goes on for this conversation: the last event read and the topic answered last.
    last_event_id = models.BigIntegerField(default=0)
    last_topic = models.CharField(max_length=80, default="")
    # The last user message while its answer may still be a fallback (it can arrive in the next batch).
    pending = models.JSONField(default=dict)
    # HR's own data about the conversation.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    note = models.TextField(default="", blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")

    class Meta:
        indexes = [
            # One per sort order (read either way): a page, a seek and previous / next are
            # index range scans, never a sort of the whole list.
            models.Index(fields=["-started_at", "-id"], name="conv_started_desc"),
            models.Index(fields=["-user_messages", "-id"], name="conv_messages_desc"),
            models.Index(fields=["-fallbacks", "-id"], name="conv_fallbacks_desc"),
            # One partial index per mark the filter offers, newest first, with the other filter
            # columns included: the page walks only the marked conversations, and their count
            # is an index-only scan (PostgreSQL; SQLite gets the partial indexes without INCLUDE).
            *[
                models.Index(
                    fields=["-started_at", "-id"], include=FILTER_COLUMNS, condition=condition, name=name
                )
                for name, condition in (
                    ("conv_marked_fallback", models.Q(fallbacks__gt=0)),
                    ("conv_marked_coaching", models.Q(coaching_started=True)),
                    ("conv_marked_plan", models.Q(plan_made=True)),
                    ("conv_marked_down", models.Q(feedback_down__gt=0)),
                    ("conv_marked_up", models.Q(feedback_up__gt=0)),
                )
            ],
        ]


class TopicHit(models.Model):
    """How often a conversation was answered on a catalogue topic, and the feedback on it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="topic_hits")
    topic = models.CharField(max_length=80)
    messages = models.PositiveIntegerField(default=0)
    feedback_up = models.PositiveIntegerField(default=0)
    feedback_down = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "topic"], name="topic_hit_once")]
        indexes = [models.Index(fields=["topic", "conversation"], name="topic_hit_topic")]


class RouteChoice(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="routes")
    route = models.CharField(max_length=80)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "route"], name="route_once")]


class UnansweredQuestion(models.Model):
    """A user message Leercoach could not place (fallback), redacted as stored, with its group key."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="unanswered")
    text = models.CharField(max_length=500)
    group_key = models.CharField(max_length=200, db_index=True)


class DayStats(models.Model):
    """Inzichten's totals per day a conversation started (local date) and channel.

    Kept by summary.sync() in the same transaction as the conversations it folds in (what changed,
    added; what left the summary, subtracted), so Inzichten reads a few hundred rows instead of
    aggregating every conversation."""

    day = models.DateField()
    channel = models.CharField(max_length=40, default="")
    conversations = models.IntegerField(default=0)
    messages = models.IntegerField(default=0)
    fallbacks = models.IntegerField(default=0)
    coaching_started = models.IntegerField(default=0)
    questions_done = models.IntegerField(default=0)
    route_chosen = models.IntegerField(default=0)
    plan_made = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "channel"], name="day_stats_once")]


class TopicStats(models.Model):
    """Per catalogue topic: conversations answered on it, messages, and the answer feedback."""

    topic = models.CharField(max_length=80, unique=True)
    conversations = models.IntegerField(default=0)
    messages = models.IntegerField(default=0)
    feedback_conversations = models.IntegerField(default=0)  # conversations with 👍 or 👎 on it
    feedback_up = models.IntegerField(default=0)
    feedback_down = models.IntegerField(default=0)


class RouteStats(models.Model):
    route = models.CharField(max_length=80, unique=True)
    conversations = models.IntegerField(default=0)


class UnansweredStats(models.Model):
    """Per group of unanswered questions (UnansweredQuestion.group_key): conversations, messages."""

    group_key = models.CharField(max_length=200, unique=True)
    conversations = models.IntegerField(default=0)
    messages = models.IntegerField(default=0)


class SyncState(models.Model):
    """How far sync() has read the tracker store's events table (one row)."""

    last_event_id = models.BigIntegerField(default=0)
    # False until the Inzichten totals (DayStats and the others) are built from the summary once.
    totals_built = models.BooleanField(default=False)
    # The newest erasure or purge in the audit log already reconciled with the store.
    last_audit_id = models.BigIntegerField(default=0)
    synced_at = models.DateTimeField(null=True)


class HandoffRequest(models.Model):
    """A question an employee asked to pass on to HR, with the contact they chose to give.

    The only personal data the project keeps on purpose; deleted when HR marks it handled or
    after the retention period (LEERCOACH_RETENTION_DAYS)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Written by the action server (leercoach.handoff.store, one plain INSERT): same table, same sizes.
    channel = models.CharField(max_length=handoff_store.CHANNEL_MAX_CHARS, default="")
    question = models.TextField()  # redacted
    contact = models.CharField(max_length=handoff_store.CONTACT_MAX_CHARS)  # as the employee gave it

    class Meta:
        ordering = ["created_at"]
