"""What the review database holds about conversations, and the one way it goes.

The review app keeps copies of what the tracker store holds: the summary per conversation (its
pseudonym, its redacted search text, HR's note, its unanswered questions), and Inzichten's totals
(an unanswered question's group is named by the word stems people typed). Besides, the login
records of django-axes and Django's sessions. This module removes them with plain SQL, without
Django, because it runs in three places:

- the Rasa server, when an employee erases their conversation (in the same turn, through
  ``leercoach.privacy.erasure``);
- the purge (``leercoach.privacy.retention.purge_all``: `make purge`, `make run`'s daily purge,
  the CronJob);
- the review app itself (``summary.forget``, on Django's own connection).

So a conversation leaves the summary and its share leaves the totals in exactly one way, and a
group of the totals that no conversation is left in goes with it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from leercoach.handoff import store as handoff_store

logger = logging.getLogger(__name__)

# The review app's time zone (Django's TIME_ZONE): Inzichten counts a conversation on the local
# day it started.
TIME_ZONE = "Europe/Amsterdam"
CONVERSATIONS = "review_conversation"
# The tables that hang on a conversation, by the column that names it.
CHILDREN = ("review_topichit", "review_routechoice", "review_unansweredquestion", "review_conversation_tags")
DAY_COUNTS = (
    "conversations",
    "messages",
    "fallbacks",
    "coaching_started",
    "questions_done",
    "route_chosen",
    "plan_made",
)
TOTALS = ("review_daystats", "review_topicstats", "review_routestats", "review_unansweredstats")
CHUNK = 500


class Sql:
    """One connection's statements with %s placeholders, on either database and either client
    (an SQLAlchemy connection, or Django's cursor)."""

    def __init__(self, execute: Callable[[str, tuple], Tuple[List[tuple], int]], sqlite: bool) -> None:
        self._execute, self.sqlite = execute, sqlite

    def rows(self, statement: str, params: Sequence = ()) -> List[tuple]:
        return self._execute(statement, tuple(params))[0]

    def change(self, statement: str, params: Sequence = ()) -> int:
        """Runs an UPDATE or DELETE; how many rows it touched."""
        return self._execute(statement, tuple(params))[1]

    def moment(self, at: dt.datetime):
        """A time as the column holds it: Django keeps SQLite datetimes as UTC text."""
        if self.sqlite:
            return at.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")
        return at

    @classmethod
    def of_sqlalchemy(cls, connection: sa.engine.Connection) -> Sql:
        sqlite = connection.dialect.name == "sqlite"

        def execute(statement: str, params: tuple) -> Tuple[List[tuple], int]:
            result = connection.exec_driver_sql(statement.replace("%s", "?") if sqlite else statement, params)
            return ([tuple(row) for row in result] if result.returns_rows else []), result.rowcount

        return cls(execute, sqlite)

    @classmethod
    def of_django(cls, cursor, vendor: str) -> Sql:
        def execute(statement: str, params: tuple) -> Tuple[List[tuple], int]:
            cursor.execute(statement, params)
            return ([tuple(row) for row in cursor.fetchall()] if cursor.description else []), cursor.rowcount

        return cls(execute, vendor == "sqlite")


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _local_day(value) -> dt.date:
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(ZoneInfo(TIME_ZONE)).date()


def _subtract(
    sql: Sql, table: str, keys: Tuple[str, ...], rows: Iterable[Tuple[tuple, Dict[str, int]]]
) -> None:
    for key, counts in rows:
        counts = {name: value for name, value in counts.items() if value}
        if not counts:
            continue
        setting = ", ".join(f"{name} = {name} - %s" for name in counts)
        where = " AND ".join(f"{name} = %s" for name in keys)
        sql.change(f"UPDATE {table} SET {setting} WHERE {where}", [*counts.values(), *key])


def _forget_chunk(sql: Sql, ids: List[int]) -> int:
    marks = _marks(len(ids))
    days: Dict[tuple, Counter] = defaultdict(Counter)
    rows = sql.rows(
        "SELECT started_at, channel, user_messages, fallbacks, coaching_started, questions_done, route_chosen, "
        f"plan_made FROM {CONVERSATIONS} WHERE id IN ({marks})",
        ids,
    )
    for started_at, channel, *counts in rows:
        day = days[(_local_day(started_at), channel)]
        day["conversations"] += 1
        for name, value in zip(DAY_COUNTS[1:], counts):
            day[name] += int(value or 0)
    _subtract(sql, "review_daystats", ("day", "channel"), days.items())
    topics = sql.rows(
        "SELECT topic, COUNT(*), SUM(messages), "
        "SUM(CASE WHEN feedback_up > 0 OR feedback_down > 0 THEN 1 ELSE 0 END), "
        f"SUM(feedback_up), SUM(feedback_down) FROM review_topichit WHERE conversation_id IN ({marks}) "
        "GROUP BY topic",
        ids,
    )
    names = ("conversations", "messages", "feedback_conversations", "feedback_up", "feedback_down")
    _subtract(sql, "review_topicstats", ("topic",), [((t,), dict(zip(names, c))) for t, *c in topics])
    routes = sql.rows(
        f"SELECT route, COUNT(*) FROM review_routechoice WHERE conversation_id IN ({marks}) GROUP BY route",
        ids,
    )
    _subtract(sql, "review_routestats", ("route",), [((r,), {"conversations": n}) for r, n in routes])
    groups = sql.rows(
        "SELECT group_key, COUNT(DISTINCT conversation_id), COUNT(*) FROM review_unansweredquestion "
        f"WHERE conversation_id IN ({marks}) GROUP BY group_key",
        ids,
    )
    _subtract(
        sql,
        "review_unansweredstats",
        ("group_key",),
        [((g,), {"conversations": c, "messages": m}) for g, c, m in groups],
    )
    for child in CHILDREN:
        sql.change(f"DELETE FROM {child} WHERE conversation_id IN ({marks})", ids)
    return sql.change(f"DELETE FROM {CONVERSATIONS} WHERE id IN ({marks})", ids)


def forget(sql: Sql, ids: Sequence[int]) -> int:
    """Removes the conversations (review numbers) with everything that hangs on them, subtracts
    their share from the totals and drops the groups no conversation is left in; how many went.
    Call inside a transaction; it waits for a running sync batch (the sync state's row)."""
    ids = list(ids)
    if not ids:
        return 0
    sql.change("UPDATE review_syncstate SET last_event_id = last_event_id WHERE id = 1")  # not beside a sync
    removed = sum(_forget_chunk(sql, ids[start : start + CHUNK]) for start in range(0, len(ids), CHUNK))
    for table in TOTALS:
        sql.change(f"DELETE FROM {table} WHERE conversations <= 0")
    return removed


def _numbers(sql: Sql, sender_ids: Sequence[str]) -> List[int]:
    numbers: List[int] = []
    for start in range(0, len(sender_ids), CHUNK):
        chunk = list(sender_ids[start : start + CHUNK])
        numbers += [
            row[0]
            for row in sql.rows(
                f"SELECT id FROM {CONVERSATIONS} WHERE sender_id IN ({_marks(len(chunk))})", chunk
            )
        ]
    return numbers


def forget_senders(sql: Sql, sender_ids: Sequence[str]) -> int:
    return forget(sql, _numbers(sql, list(sender_ids)))


# ---- the review database, reached without Django ------------------------------------------


@lru_cache(maxsize=4)
def _engine(url: str) -> sa.engine.Engine:
    from leercoach.privacy.files import private_sqlite

    private_sqlite(url)
    return sa.create_engine(url, hide_parameters=True, pool_pre_ping=True)


def review_engine() -> Optional[sa.engine.Engine]:
    """The review app's database as its settings find it; None when there is none yet (a first
    run before the review app started, or an installation without it)."""
    url = handoff_store.database_url()
    if url.startswith("sqlite") and not (handoff_store.state_dir() / "review.sqlite3").exists():
        return None
    engine = _engine(url)
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table(CONVERSATIONS):
            return None
    return engine


def forget_conversation(sender_id: str) -> int:
    """The review copies of one conversation, gone (erasure). 0 when there is no review database."""
    engine = review_engine()
    if engine is None:
        return 0
    with engine.begin() as connection:
        return forget_senders(Sql.of_sqlalchemy(connection), [sender_id])


@dataclass(frozen=True)
class ReviewPurge:
    conversations: int
    handoffs: int
    sessions: int
    login_records: int


LOGIN_TABLES = ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog")


def purge(
    kept_senders: Callable[[], set], days: int, login_days: int, now: dt.datetime
) -> Optional[ReviewPurge]:
    """Everything in the review database past its time: conversations silent for ``days`` or no
    longer in the tracker store (``kept_senders``: the store's conversation ids), hulpvragen older
    than ``days``, expired sessions, login records older than ``login_days``. None without a
    review database."""
    engine = review_engine()
    if engine is None:
        return None
    cutoff = now - dt.timedelta(days=days)
    with engine.begin() as connection:
        sql = Sql.of_sqlalchemy(connection)
        stale = [
            r[0] for r in sql.rows(f"SELECT id FROM {CONVERSATIONS} WHERE last_at < %s", [sql.moment(cutoff)])
        ]
        kept = kept_senders()
        gone = [
            pk for pk, sender in sql.rows(f"SELECT id, sender_id FROM {CONVERSATIONS}") if sender not in kept
        ]
        conversations = forget(sql, sorted(set(stale) | set(gone)))
    handoffs = handoff_store.purge(days, now)
    with engine.begin() as connection:
        sql = Sql.of_sqlalchemy(connection)
        sessions = sql.change("DELETE FROM django_session WHERE expire_date < %s", [sql.moment(now)])
        before = [sql.moment(now - dt.timedelta(days=login_days))]
        sql.change(
            "DELETE FROM axes_accessattemptexpiration WHERE access_attempt_id IN "
            "(SELECT id FROM axes_accessattempt WHERE attempt_time < %s)",
            before,
        )
        records = sum(
            sql.change(f"DELETE FROM {table} WHERE attempt_time < %s", before) for table in LOGIN_TABLES
        )
    return ReviewPurge(conversations, handoffs, sessions, records)
