"""The review app's table of hulpvragen, written by the action server with one plain INSERT.

One source of truth for where and what: the table and its columns are described here (the Django
model ``leercoach.review.models.HandoffRequest`` takes its lengths from here, and a test compares
this description with the table Django's migration creates), and the database is found from the
same settings the review app reads (``leercoach.review.settings``): ``LEERCOACH_REVIEW_DATABASE_URL``
(PostgreSQL) or the SQLite file ``review.sqlite3`` in ``LEERCOACH_REVIEW_STATE_DIR``. The action
server does not load Django for one insert.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from leercoach.settings import PROJECT_ROOT

TABLE = "review_handoffrequest"
CHANNEL_MAX_CHARS = 40
CONTACT_MAX_CHARS = 200
# The question is stored redacted; longer than a chat message it cannot be (the channel limit).
QUESTION_MAX_CHARS = 4000

_metadata = sa.MetaData()
handoff_requests = sa.Table(
    TABLE,
    _metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("channel", sa.String(CHANNEL_MAX_CHARS), nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("contact", sa.String(CONTACT_MAX_CHARS), nullable=False),
)


class HandoffStoreError(RuntimeError):
    """The row could not be written (no database, no table). Never carries the row's values."""


def state_dir() -> Path:
    return Path(os.environ.get("LEERCOACH_REVIEW_STATE_DIR", PROJECT_ROOT / ".leercoach"))


def database_url() -> str:
    """The review app's database, as its settings find it."""
    configured = os.environ.get("LEERCOACH_REVIEW_DATABASE_URL", "").strip()
    if configured:
        if not configured.startswith("postgres"):
            raise ValueError("LEERCOACH_REVIEW_DATABASE_URL moet een postgresql://-adres zijn")
        return "postgresql" + configured[configured.index(":") :]
    return f"sqlite:///{state_dir() / 'review.sqlite3'}"


@lru_cache(maxsize=4)
def _engine(url: str) -> sa.engine.Engine:
    # hide_parameters: a failed statement's message must never quote the contact.
    return sa.create_engine(url, hide_parameters=True, pool_pre_ping=True)


def save(channel: str, question: str, contact: str) -> None:
    """One hulpvraag into the queue HR sees. Raises HandoffStoreError, without the values."""
    now = dt.datetime.now(dt.timezone.utc)
    url = database_url()
    # Django keeps SQLite datetimes as UTC text without an offset; PostgreSQL gets an aware value.
    created = now.replace(tzinfo=None) if url.startswith("sqlite") else now
    if url.startswith("sqlite") and not (state_dir() / "review.sqlite3").exists():
        raise HandoffStoreError("the review app's database does not exist yet")
    try:
        with _engine(url).begin() as connection:
            connection.execute(
                handoff_requests.insert().values(
                    created_at=created,
                    channel=channel[:CHANNEL_MAX_CHARS],
                    question=question[:QUESTION_MAX_CHARS],
                    contact=contact,
                )
            )
    except sa.exc.SQLAlchemyError as problem:
        raise HandoffStoreError(type(problem).__name__) from None


def purge(days: int, now: dt.datetime | None = None) -> int:
    """Deletes the hulpvragen older than ``days`` (the retention period, as for conversations);
    how many. Part of every purge (leercoach.privacy.retention.purge_all), so the promise holds
    when nobody looks; the queue never shows older ones. No review database yet: nothing to delete."""
    url = database_url()
    if url.startswith("sqlite") and not (state_dir() / "review.sqlite3").exists():
        return 0
    cutoff = (now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=days)
    if url.startswith("sqlite"):
        cutoff = cutoff.astimezone(dt.timezone.utc).replace(tzinfo=None)
    try:
        with _engine(url).begin() as connection:
            table_exists = sa.inspect(connection).has_table(TABLE)
            if not table_exists:
                return 0
            return connection.execute(
                handoff_requests.delete().where(handoff_requests.c.created_at < cutoff)
            ).rowcount
    except sa.exc.SQLAlchemyError as problem:
        raise HandoffStoreError(type(problem).__name__) from None
