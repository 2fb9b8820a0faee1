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
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from leercoach import settings

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
    return settings.state_dir()


def database_url() -> str:
    """The review app's database, as its settings find it."""
    configured = settings.review_database_url()
    if configured:
        if not configured.startswith("postgres"):
            raise ValueError("LEERCOACH_REVIEW_DATABASE_URL moet een postgresql://-adres zijn")
        return "postgresql" + configured[configured.index(":") :]
    return f"sqlite:///{state_dir() / 'review.sqlite3'}"


@lru_cache(maxsize=4)
def _engine(url: str) -> sa.engine.Engine:
    # hide_parameters: a failed statement's message must never quote the contact.
    return sa.create_engine(url, hide_parameters=True, pool_pre_ping=True)


class HourlyLimitReached(Exception):
    """The queue already has the most hulpvragen one hour may bring (LEERCOACH_HANDOFF_MAX_PER_HOUR)."""


def _stored_time(url: str, moment: dt.datetime) -> dt.datetime:
    # Django keeps SQLite datetimes as UTC text without an offset; PostgreSQL gets an aware value.
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if url.startswith("sqlite") else moment


def _review_database() -> str:
    url = database_url()
    if url.startswith("sqlite") and not (state_dir() / "review.sqlite3").exists():
        raise HandoffStoreError("the review app's database does not exist yet")
    return url


def _in_the_last_hour(url: str, now: dt.datetime) -> sa.sql.ColumnElement:
    since = _stored_time(url, now - dt.timedelta(hours=1))
    return (
        sa.select(sa.func.count())
        .select_from(handoff_requests)
        .where(handoff_requests.c.created_at >= since)
        .scalar_subquery()
    )


def last_hour_count(now: dt.datetime | None = None) -> int:
    """How many hulpvragen came in over the last 60 minutes, from every server (the queue's table)."""
    url = _review_database()
    try:
        with _engine(url).connect() as connection:
            return connection.execute(sa.select(_in_the_last_hour(url, now or _now()))).scalar_one()
    except sa.exc.SQLAlchemyError as problem:
        raise HandoffStoreError(type(problem).__name__) from None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# Any fixed number: the key of the PostgreSQL lock that the hulpvraag saves of every server share.
_SAVE_LOCK_KEY = 0x1EE2C0AC


def _one_save_at_a_time(connection: sa.engine.Connection) -> None:
    # Under READ COMMITTED two servers can both count 'below the limit' and both insert; the lock
    # (held until the transaction ends) makes the count-and-insert one at a time. SQLite already
    # writes one transaction at a time.
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_SAVE_LOCK_KEY)))


def save(channel: str, question: str, contact: str, max_per_hour: int | None = None) -> None:
    """One hulpvraag into the queue HR sees, unless the last hour already brought ``max_per_hour``
    (default LEERCOACH_HANDOFF_MAX_PER_HOUR; the count and the insert in one statement, one server at a time,
    so servers side by side cannot both slip past).
    Raises HourlyLimitReached, or HandoffStoreError without the values."""
    url = _review_database()
    now = _now()
    limit = settings.handoff_max_per_hour() if max_per_hour is None else max_per_hour
    row = sa.select(
        sa.literal(_stored_time(url, now), sa.DateTime(timezone=True)),
        sa.literal(channel[:CHANNEL_MAX_CHARS], sa.String),
        sa.literal(question[:QUESTION_MAX_CHARS], sa.Text),
        sa.literal(contact, sa.String),
    ).where(_in_the_last_hour(url, now) < limit)
    columns = [handoff_requests.c[name] for name in ("created_at", "channel", "question", "contact")]
    try:
        with _engine(url).begin() as connection:
            _one_save_at_a_time(connection)
            inserted = connection.execute(handoff_requests.insert().from_select(columns, row)).rowcount
    except sa.exc.SQLAlchemyError as problem:
        raise HandoffStoreError(type(problem).__name__) from None
    if inserted == 0:
        raise HourlyLimitReached()


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
