"""What the privacy tests read: the tracker store's every table and column, and the server logs."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, List


def user_messages(db: Path) -> List[tuple]:
    """(sender_id, text) of every user message in the store, oldest first."""
    import json

    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id"
        ).fetchall()
    return [(sender, json.loads(data).get("text")) for sender, data in rows]


def hits(db: Path, logs: Path, raw_ids: Iterable[str]) -> List[str]:
    """Where any of ``raw_ids`` occurs: every value of every table of the store, every log line."""
    with sqlite3.connect(db) as connection:
        dump = "\n".join(connection.iterdump())
    found = [f"tracker store: {raw}" for raw in raw_ids if raw in dump]
    for log in sorted(logs.glob("*.log")):
        text = log.read_text(errors="replace")
        found += [f"{log.name}: {raw}" for raw in raw_ids if raw in text]
    return found
