"""The ledger's tables and their migrations, applied by hunkroute itself when a ledger opens.

``ledger_version`` holds one row per applied migration; a ledger is at the highest version in it.
Migrations only ever append: version N is ``MIGRATIONS[N - 1]``, written once for both dialects
(``{id}`` is the dialect's auto-numbered key). Times are fixed-width ISO-8601 UTC text
(``2026-01-31T23:59:59.000000Z``) so both databases compare and group them the same way.

Money columns and the run's budget invariant are checked by the database too: a bug in the
bookkeeping fails its transaction rather than overspend.
"""

from __future__ import annotations

from hunkroute.errors import LedgerError
from hunkroute.ledger.db import Database

_V1 = (
    """CREATE TABLE runs (
        id {id},
        repo TEXT NOT NULL,
        pr BIGINT,
        head_sha TEXT NOT NULL,
        started_at TEXT NOT NULL,
        closed_at TEXT,
        budget_nano BIGINT NOT NULL,
        pr_budget_nano BIGINT,
        monthly_budget_nano BIGINT,
        spent_nano BIGINT NOT NULL DEFAULT 0,
        reserved_nano BIGINT NOT NULL DEFAULT 0,
        premium_baseline_nano BIGINT NOT NULL DEFAULT 0,
        CHECK (spent_nano >= 0 AND reserved_nano >= 0),
        CHECK (spent_nano + reserved_nano <= budget_nano)
    )""",
    # One row per shared budget: 'pr:<repo>#<number>' and 'month:<YYYY-MM>'.
    """CREATE TABLE scopes (
        key TEXT PRIMARY KEY,
        spent_nano BIGINT NOT NULL DEFAULT 0,
        reserved_nano BIGINT NOT NULL DEFAULT 0,
        CHECK (spent_nano >= 0 AND reserved_nano >= 0)
    )""",
    """CREATE TABLE reservations (
        id {id},
        run_id BIGINT NOT NULL REFERENCES runs (id),
        amount_nano BIGINT NOT NULL CHECK (amount_nano >= 0),
        pr_scope TEXT,
        month_scope TEXT NOT NULL,
        reserved_at TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        category TEXT NOT NULL,
        hunk_ids TEXT NOT NULL
    )""",
    """CREATE TABLE attempts (
        id {id},
        run_id BIGINT NOT NULL REFERENCES runs (id),
        at TEXT NOT NULL,
        week TEXT NOT NULL,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        category TEXT NOT NULL,
        input_tokens BIGINT NOT NULL,
        cached_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        cost_nano BIGINT NOT NULL CHECK (cost_nano >= 0),
        cost_source TEXT NOT NULL,
        outcome TEXT NOT NULL,
        verdict TEXT NOT NULL,
        latency_ms BIGINT NOT NULL,
        hunk_ids TEXT NOT NULL,
        hunk_count BIGINT NOT NULL
    )""",
    "CREATE INDEX runs_pr ON runs (repo, pr)",
    "CREATE INDEX runs_open ON runs (closed_at, started_at)",
    "CREATE INDEX reservations_run ON reservations (run_id)",
    "CREATE INDEX attempts_at ON attempts (at)",
)

# Version 2 (issue 14, learning): audited attempts, and the index the evidence query groups by.
_V2 = (
    "ALTER TABLE attempts ADD COLUMN audit BOOLEAN NOT NULL DEFAULT FALSE",
    "CREATE INDEX attempts_model ON attempts (model, category)",
)

# Version 3 (issue 15, audits in runs): one row per comparison of a model with the category's
# best on one hunk, and the audit flag on reservations, so an orphaned audit is filed as one.
_V3 = (
    """CREATE TABLE comparisons (
        id {id},
        run_id BIGINT NOT NULL REFERENCES runs (id),
        at TEXT NOT NULL,
        hunk_id TEXT NOT NULL,
        category TEXT NOT NULL,
        model TEXT NOT NULL,
        best TEXT NOT NULL,
        kind TEXT NOT NULL,
        matched BOOLEAN NOT NULL
    )""",
    "CREATE INDEX comparisons_model ON comparisons (model, category)",
    "ALTER TABLE reservations ADD COLUMN audit BOOLEAN NOT NULL DEFAULT FALSE",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3)
LATEST = len(MIGRATIONS)

_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS ledger_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
)"""


def version(db: Database) -> int:
    """The highest migration applied; 0 for a ledger without tables."""
    db.rows(_VERSION_TABLE)
    return int(db.rows("SELECT COALESCE(MAX(version), 0) FROM ledger_version")[0][0])


def migrate(db: Database, upto: int = LATEST) -> int:
    """Bring the ledger to version ``upto`` in one transaction; refuse one newer than this code."""
    with db.transaction():
        if db.dialect.schema_lock:
            db.rows(db.dialect.schema_lock)
        current = version(db)
        if current > LATEST:
            raise LedgerError(
                f"the ledger's schema is version {current}, newer than this hunkroute knows "
                f"({LATEST}): upgrade hunkroute"
            )
        for number in range(current + 1, upto + 1):
            for statement in MIGRATIONS[number - 1]:
                db.rows(statement.format(id=db.dialect.id_column))
            db.rows("INSERT INTO ledger_version (version) VALUES (:v)", {"v": number})
        return max(current, upto)
