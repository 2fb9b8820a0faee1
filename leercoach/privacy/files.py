"""Local files that hold conversations, pseudonyms or keys are readable by their owner only."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import sqlalchemy as sa

PRIVATE = 0o600


def private_file(path: str | Path) -> Path:
    """Creates ``path`` empty with mode 0600 when it is missing (an empty file is an empty SQLite
    database), and takes the group's and others' rights away from one that exists. SQLite gives
    its journal and WAL files the database file's mode. New folders are made 0700."""
    path = Path(path)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            with contextlib.suppress(PermissionError):  # not ours to change
                path.chmod(mode & 0o700)
    return path


def private_sqlite(url: str | sa.engine.URL) -> None:
    """The SQLite file a database URL names, made private before anything opens it; other
    databases are left alone."""
    url = sa.engine.make_url(url) if isinstance(url, str) else url
    database = url.database or ""
    if (
        url.drivername.startswith("sqlite")
        and database not in ("", ":memory:")
        and not database.startswith("file:")
    ):
        private_file(database)
