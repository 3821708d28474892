"""The seam between the ledger's shared SQL and a database driver: ``Dialect`` and ``Database``.

The SQL of the ledger is written once, with ``:name`` parameters, and runs unchanged on SQLite
and PostgreSQL; a backend only says how to connect, how to begin a writing transaction, which
column type makes an id, and how its driver's errors read (always as ``LedgerError``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from hunkroute.errors import LedgerError

Params = Mapping[str, object]
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the backends' SQL: as little as possible."""

    name: str
    id_column: str  # an auto-numbered primary key
    schema_lock: str  # run first in the migration transaction; "" when BEGIN already serializes


class Database(Protocol):
    """One connection; every statement runs inside ``transaction()`` or on its own."""

    @property
    def dialect(self) -> Dialect: ...

    def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run one statement; its result rows, or ``[]`` when it returns none."""

    def transaction(self) -> AbstractContextManager[None]:
        """A writing transaction that serializes with other writers; rolls back on error."""

    def close(self) -> None:
        """Close the connection."""


def one_line(exc: BaseException) -> str:
    """A driver's error message on one line (some span several, with hints)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


@contextmanager
def translated(
    errors: type[Exception] | tuple[type[Exception], ...],
    where: str,
    clean: Callable[[str], str] = str,
) -> Iterator[None]:
    """Turn a driver's ``errors`` into one-line ``LedgerError``s naming the ledger ``where``."""
    try:
        yield
    except errors as exc:
        raise LedgerError(f"ledger {where}: {clean(one_line(exc))}") from exc
