"""The suite's SQLite test database (in memory, one per xdist worker) copied to a file as migrated, before any test ran:
tests whose worker processes need a database file of their own start from a copy of it (escalations/tests/conftest.py
`_sqlite_template`) instead of migrating a new file in a process of their own (a minute on a loaded machine)."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

MIGRATED_SQLITE = pytest.StashKey[Path]()


def keep_migrated_sqlite(config: pytest.Config, directory: Path) -> None:
    """Called once the test database is migrated: on SQLite, back it up to a file in `directory` (SQLite's online
    backup, page by page: the same schema, triggers and rows as migrating gives)."""
    if connection.vendor != "sqlite":
        return
    path = directory / "migrated.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    config.stash[MIGRATED_SQLITE] = path


def migrated_sqlite(config: pytest.Config) -> Path | None:
    return config.stash.get(MIGRATED_SQLITE, None)
