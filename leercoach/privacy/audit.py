"""The audit log: every erasure, export and purge (and, from the review app, every read).

An append-only table in the tracker store's own database, so the log lives and is backed up
with what it describes. Rows hold when, who, what and how many, never message text. The
database itself refuses UPDATE and DELETE on the table (a trigger), so not even a bug in the
project can rewrite history, with one exception: when a conversation leaves the store (erasure,
purge) the rows that named it forget which one it was (``conversation`` set to NULL, nothing
else), so its pseudonym outlives it nowhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa

metadata = sa.MetaData()
audit_log = sa.Table(
    "leercoach_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("actor", sa.String(150), nullable=False),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("conversation", sa.String(255)),
    sa.Column("count", sa.Integer, nullable=False, default=0),
    sa.Column("detail", sa.String(500), nullable=False, default=""),
)

# Who did it, when it was not a named HR user.
SYSTEM = "systeem"
EMPLOYEE = "medewerker"

_ONLY_FORGETTING = ("id", "at", "actor", "action", "count", "detail")
_SQLITE_GUARDS = [
    "DROP TRIGGER IF EXISTS leercoach_audit_no_update",  # the first version refused every UPDATE
    "CREATE TRIGGER IF NOT EXISTS leercoach_audit_only_forget BEFORE UPDATE ON leercoach_audit "
    "WHEN NEW.conversation IS NOT NULL OR "
    + " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in _ONLY_FORGETTING)
    + " BEGIN SELECT RAISE(ABORT, 'leercoach_audit is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS leercoach_audit_no_delete BEFORE DELETE ON leercoach_audit "
    "BEGIN SELECT RAISE(ABORT, 'leercoach_audit is append-only'); END",
]
_POSTGRES_GUARD = f"""
CREATE OR REPLACE FUNCTION leercoach_audit_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_LEVEL = 'ROW' THEN
    IF NEW.conversation IS NULL
       AND ({", ".join(f"NEW.{c}" for c in _ONLY_FORGETTING)})
           IS NOT DISTINCT FROM ({", ".join(f"OLD.{c}" for c in _ONLY_FORGETTING)}) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'leercoach_audit is append-only';
END $$ LANGUAGE plpgsql;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'leercoach_audit_rows') THEN
    DROP TRIGGER IF EXISTS leercoach_audit_append_only ON leercoach_audit;
    CREATE TRIGGER leercoach_audit_rows BEFORE UPDATE OR DELETE
      ON leercoach_audit FOR EACH ROW EXECUTE FUNCTION leercoach_audit_append_only();
    CREATE TRIGGER leercoach_audit_truncate BEFORE TRUNCATE
      ON leercoach_audit FOR EACH STATEMENT EXECUTE FUNCTION leercoach_audit_append_only();
  END IF;
END $$;
"""


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    actor: str
    action: str
    conversation: Optional[str]
    count: int
    detail: str


_prepared = set()


def ensure_table(engine: sa.engine.Engine) -> None:
    key = str(engine.url)
    if key in _prepared:
        return
    metadata.create_all(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for statement in _SQLITE_GUARDS:
                connection.exec_driver_sql(statement)
        elif engine.dialect.name == "postgresql":
            # Two servers starting together may race to create the trigger; one wins.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4242)"))
            connection.exec_driver_sql(_POSTGRES_GUARD)
    _prepared.add(key)


def record(
    engine: sa.engine.Engine,
    action: str,
    *,
    actor: str = SYSTEM,
    conversation: Optional[str] = None,
    count: int = 0,
    detail: str = "",
    connection: Optional[sa.engine.Connection] = None,
) -> None:
    """Appends one entry. Pass ``connection`` to make it part of the caller's transaction
    (then call :func:`ensure_table` before that transaction begins: SQLite allows one writer)."""
    row = dict(
        at=dt.datetime.now(dt.timezone.utc),
        actor=actor[:150],
        action=action[:40],
        conversation=conversation,
        count=int(count),
        detail=detail[:500],
    )
    if connection is not None:
        connection.execute(audit_log.insert().values(**row))
    else:
        ensure_table(engine)
        with engine.begin() as own:
            own.execute(audit_log.insert().values(**row))


def forget_conversations(connection: sa.engine.Connection, conversations) -> None:
    """The entries that named these conversations (a list, or a select of sender ids) no longer
    say which one it was; part of the caller's transaction (erasure, purge)."""
    connection.execute(
        audit_log.update().where(audit_log.c.conversation.in_(conversations)).values(conversation=None)
    )


def entries(
    engine: sa.engine.Engine, *, action: Optional[str] = None, limit: int = 100, offset: int = 0
) -> List[Entry]:
    """The newest entries first."""
    ensure_table(engine)
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    if action:
        query = query.where(audit_log.c.action == action)
    with engine.connect() as connection:
        return [
            Entry(r.at, r.actor, r.action, r.conversation, r.count, r.detail)
            for r in connection.execute(query)
        ]
