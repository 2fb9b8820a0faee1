"""The conversation store, found from the same endpoints file the Rasa servers read.

Purge, erasure, export and the review app all reach Rasa's ``events`` table through this
module, so they act on exactly the database the servers write to: the embedded SQLite file on
a first run, PostgreSQL (``LEERCOACH_TRACKER_STORE_URL``) in production.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator, List, Optional

import sqlalchemy as sa

from leercoach import settings
from leercoach.privacy.files import private_sqlite
from leercoach.settings import PROJECT_ROOT

DEFAULT_ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
_SQL_STORE_ARGUMENTS = ("dialect", "host", "port", "db", "username", "password", "query")

metadata = sa.MetaData()
# Rasa's own table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), described here so that
# the tools that read and delete do not need to load Rasa's ORM.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


class StoreConfigError(RuntimeError):
    """The endpoints file names no SQL tracker store this module can open."""


def endpoints_file() -> Path:
    return settings.endpoints_file()


def database_url(endpoints: Optional[Path] = None):
    """The SQLAlchemy URL of the tracker store in ``endpoints`` (environment variables expanded
    as Rasa expands them)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    path = Path(endpoints or endpoints_file())
    config = read_endpoint_config(str(path), "tracker_store")
    if config is None or not config.type:
        raise StoreConfigError(f"{path} has no tracker_store")
    if config.type.lower() != "sql" and not config.type.endswith("SQLTrackerStore"):
        raise StoreConfigError(f"{path}: tracker_store type {config.type!r} is not an SQL store")
    arguments = {k: v for k, v in config.kwargs.items() if k in _SQL_STORE_ARGUMENTS}
    if config.url:
        arguments["host"] = config.url
    url = SQLTrackerStore.get_db_url(**arguments)
    if not isinstance(url, str) and url.drivername.startswith("sqlite") and url.database:
        # Rasa runs with the project as its working directory (make run, make cluster).
        database = Path(url.database)
        if not database.is_absolute():
            url = url.set(database=str(PROJECT_ROOT / database))
    return url


def engine_from_endpoints(endpoints: Optional[Path] = None) -> sa.engine.Engine:
    """An engine for the tracker store's database; creates Rasa's table if it is not there yet."""
    url = database_url(endpoints)
    private_sqlite(url)
    engine = sa.create_engine(url, pool_pre_ping=True, future=True)
    metadata.create_all(engine, tables=[events])
    return engine


def conversation_events(engine: sa.engine.Engine, conversation_id: str) -> List[dict]:
    """Every stored event of one conversation (all sessions), oldest first, as Rasa stored it."""
    query = sa.select(events.c.data).where(events.c.sender_id == conversation_id).order_by(events.c.id)
    with engine.connect() as connection:
        return [json.loads(data) for (data,) in connection.execute(query)]


def conversation_ids(engine: sa.engine.Engine) -> Iterator[str]:
    with engine.connect() as connection:
        yield from (row[0] for row in connection.execute(sa.select(events.c.sender_id).distinct()))
