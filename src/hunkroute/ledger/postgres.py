"""The PostgreSQL ledger store, ``postgresql://…``: one ledger shared by many CI runners.

psycopg 3 is an optional extra (``hunkroute[postgres]``), imported only when such a URL is
opened. Transactions run at READ COMMITTED: the guarded ``UPDATE`` of ``store.py`` row-locks
each budget row and re-checks its guard once the lock is granted, which is what makes the
budgets hold across processes. Migrations take a transaction-scoped advisory lock, because two
runners opening an empty database at once would otherwise race on ``CREATE TABLE``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

from hunkroute.errors import LedgerError
from hunkroute.ledger.db import Dialect, Params, Row, translated
from hunkroute.ledger.store import SqlLedger, attach
from hunkroute.ledger.url import redact, scrub

if TYPE_CHECKING:
    import psycopg

# 0x68756e6b = "hunk": any constant works, as long as every hunkroute uses the same one.
DIALECT = Dialect(
    "postgresql",
    id_column="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    schema_lock="SELECT pg_advisory_xact_lock(1752526443)",
)
CONNECT_TIMEOUT_S = 10
_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=256)
def to_pyformat(sql: str) -> str:
    """The shared SQL's ``:name`` parameters in psycopg's ``%(name)s`` style."""
    return _NAMED.sub(r"%(\1)s", sql)


class PostgresDatabase:
    """One psycopg connection in autocommit mode; ``transaction()`` is psycopg's own block."""

    dialect = DIALECT

    def __init__(self, url: str) -> None:
        self._url = url
        driver = _import_psycopg()
        self._error: type[Exception] = driver.Error
        with self._translated():
            self._conn: psycopg.Connection[Row] = driver.connect(
                url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )

    def _translated(self) -> AbstractContextManager[None]:
        return translated(self._error, redact(self._url), lambda text: scrub(text, self._url))

    def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        with self._translated():
            cursor = self._conn.execute(to_pyformat(sql), params or {})
            return cursor.fetchall() if cursor.description else []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._translated(), self._conn.transaction():
            yield

    def close(self) -> None:
        self._conn.close()


def _import_psycopg() -> ModuleType:
    try:
        import psycopg
    except ImportError as exc:
        raise LedgerError(
            "a postgresql:// ledger needs psycopg: pip install 'hunkroute[postgres]'"
        ) from exc
    return psycopg


def connect(url: str) -> PostgresDatabase:
    """The database of a ``postgresql://`` URL, not yet migrated (tests build old versions)."""
    return PostgresDatabase(url)


def open_store(url: str) -> SqlLedger:
    """Open (creating or migrating) the PostgreSQL ledger at ``url``."""
    return attach(connect(url))
