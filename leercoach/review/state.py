"""The review app's files in the state folder, made when a process starts, before Django reads
its settings (which only read): the folder (owner only), the generated secret key unless one is
configured, and the SQLite database file (owner only, before SQLite creates it).

Called by `python -m leercoach.review` (every command), by the WSGI entry point and by the tests.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from leercoach import settings
from leercoach.handoff import store as handoff_store
from leercoach.privacy.files import private_file

SECRET_KEY_FILE = "review-secret-key"
SQLITE_FILE = "review.sqlite3"


def prepare() -> None:
    folder = handoff_store.state_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if handoff_store.database_url().startswith("sqlite"):
        private_file(folder / SQLITE_FILE)  # pseudonyms, notes and search text
    if not settings.review_secret_key():
        _ensure_secret_key(folder / SECRET_KEY_FILE)


def _ensure_secret_key(path: Path) -> None:
    """Generated once per installation, readable by the owner only; the first writer wins (the
    gunicorn workers start at the same moment)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
