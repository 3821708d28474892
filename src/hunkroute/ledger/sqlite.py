"""The SQLite ledger store (the default): a file in ``cache_dir``, ``sqlite:///PATH``.

WAL lets ``stats`` read while a run writes; every write is a ``BEGIN IMMEDIATE`` transaction,
which takes the database's single write lock up front, so concurrent runs on one machine queue
(up to ``BUSY_TIMEOUT_S``) instead of failing with "database is locked" half-way through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from hunkroute.errors import LedgerError
from hunkroute.ledger.db import Dialect, Params, Row, translated
from hunkroute.ledger.store import SqlLedger, attach

DIALECT = Dialect("sqlite", id_column="INTEGER PRIMARY KEY", schema_lock="")
BUSY_TIMEOUT_S = 30.0
_PREFIX = "sqlite:///"
_PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON")  # fmt: skip


def path_of(url: str) -> str:
    """The file of ``sqlite:///PATH``: relative after three slashes, absolute after four."""
    if not url.startswith(_PREFIX) or len(url) == len(_PREFIX):
        raise LedgerError(f"a SQLite ledger URL is sqlite:///PATH, not {url!r}")
    return url[len(_PREFIX) :]


class SqliteDatabase:
    """One ``sqlite3`` connection in autocommit mode; transactions are begun explicitly."""

    dialect = DIALECT

    def __init__(self, path: str) -> None:
        self._path = path
        with self._translated():
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            for pragma in _PRAGMAS:
                self._conn.execute(pragma)

    def _translated(self) -> AbstractContextManager[None]:
        return translated((sqlite3.Error, OSError), self._path)

    def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        with self._translated():
            cursor = self._conn.execute(sql, params or {})
            return cursor.fetchall() if cursor.description else []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.rows("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with self._translated():
                self._conn.rollback()
            raise
        self.rows("COMMIT")

    def close(self) -> None:
        self._conn.close()


def connect(url: str) -> SqliteDatabase:
    """The database of a ``sqlite:///`` URL, not yet migrated (tests build old versions)."""
    return SqliteDatabase(path_of(url))


def open_store(url: str) -> SqlLedger:
    """Open (creating or migrating) the SQLite ledger at ``url``."""
    return attach(connect(url))
