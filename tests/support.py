"""Helpers for the tests that talk to real servers."""

import contextlib
import json
import socket
import urllib.request
import uuid
from typing import List


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on the port (connections closing in TIME_WAIT don't count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def say(rasa_port: int, sender: str, message: str) -> List[dict]:
    """One message over Rasa's REST channel, as the widget sends it; the bot's replies."""
    request = urllib.request.Request(
        f"http://localhost:{rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


POSTGRES = "postgresql://postgres@127.0.0.1:5432"


@contextlib.contextmanager
def postgres_database(prefix: str = "leercoach_test"):
    """A fresh PostgreSQL database on the local server (trust auth); its URL. Dropped afterwards."""
    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(f"{POSTGRES}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def sqlite_endpoints(path, action_port: int, db) -> None:
    """A one-machine endpoints file (as endpoints.yml) with its own SQLite store and action port."""
    path.write_text(
        f'action_endpoint:\n  url: "http://localhost:{action_port}/webhook"\n'
        "tracker_store:\n  type: leercoach.privacy.tracker_store.PrivateSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {db}\n"
    )
