"""Opening a ledger that cannot be used: one-line ``LedgerError``s that never show a password."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hunkroute.errors import HunkrouteError, LedgerError
from hunkroute.ledger import default_url, open_ledger
from hunkroute.ledger.sqlite import path_of
from hunkroute.ledger.url import redact, scrub
from tests.helpers.postgres import PostgresCluster

SECRET = "s3cr@t:pw"
DSN_SECRET = "s3cr%40t%3Apw"  # SECRET, percent-encoded as a URL must carry it


def assert_one_clean_line(error: LedgerError) -> None:
    message = str(error)
    assert "\n" not in message
    for leak in (SECRET, DSN_SECRET, "s3cr"):
        assert leak not in message


def test_an_unknown_scheme_names_the_known_ones_without_the_password() -> None:
    with pytest.raises(LedgerError) as caught:
        open_ledger(f"mysql://alice:{DSN_SECRET}@db.example/ledger")
    assert "sqlite://" in str(caught.value) and "postgresql://" in str(caught.value)
    assert_one_clean_line(caught.value)
    assert isinstance(caught.value, HunkrouteError)


def test_a_corrupt_sqlite_file_is_a_ledger_error(tmp_path: Path) -> None:
    broken = tmp_path / "ledger.sqlite3"
    broken.write_bytes(b"this is not a database, just bytes " * 200)
    with pytest.raises(LedgerError, match="not a database") as caught:
        open_ledger(f"sqlite:///{broken}")
    assert_one_clean_line(caught.value)


def test_a_sqlite_path_that_cannot_be_created_is_a_ledger_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(LedgerError):
        open_ledger(f"sqlite:///{tmp_path}/file/below/ledger.sqlite3")


def test_sqlite_urls_follow_the_three_and_four_slash_forms(tmp_path: Path) -> None:
    assert path_of("sqlite:///rel/ledger.db") == "rel/ledger.db"
    assert path_of("sqlite:////abs/ledger.db") == "/abs/ledger.db"
    with pytest.raises(LedgerError):
        path_of("sqlite://host/ledger.db")
    url = default_url(tmp_path / "cache")
    assert url == f"sqlite:///{tmp_path}/cache/ledger.sqlite3"
    open_ledger(url).close()  # the cache directory is created on demand


@pytest.mark.postgres
def test_an_unreachable_server_is_a_ledger_error_without_the_password(
    unused_port: int,
) -> None:
    with pytest.raises(LedgerError) as caught:
        open_ledger(f"postgresql://alice:{DSN_SECRET}@127.0.0.1:{unused_port}/ledger")
    assert "alice:***@127.0.0.1" in str(caught.value)
    assert_one_clean_line(caught.value)


@pytest.mark.postgres
def test_a_refused_login_is_a_ledger_error_without_the_password(
    postgres_cluster: PostgresCluster,
) -> None:
    url = f"postgresql://alice:{DSN_SECRET}@127.0.0.1:{postgres_cluster.port}/nosuchdb"
    with pytest.raises(LedgerError, match="alice") as caught:
        open_ledger(url)
    assert_one_clean_line(caught.value)


def test_a_missing_psycopg_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # makes ``import psycopg`` fail
    with pytest.raises(LedgerError, match=r"hunkroute\[postgres\]"):
        open_ledger("postgresql://127.0.0.1:1/ledger")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bob:pw@h:5432/db", "postgresql://bob:***@h:5432/db"),
        ("postgresql://bob@h/db", "postgresql://bob@h/db"),
        ("postgresql://h/db?user=bob&password=pw&sslmode=require",
         "postgresql://h/db?user=bob&password=***&sslmode=require"),
        ("sqlite:////tmp/ledger.db", "sqlite:////tmp/ledger.db"),
    ],
)  # fmt: skip
def test_redact_hides_passwords_only(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_scrub_removes_a_password_a_driver_echoed() -> None:
    url = f"postgresql://alice:{DSN_SECRET}@h/db"
    assert scrub(f"bad password {SECRET} for {url}", url) == (
        "bad password *** for postgresql://alice:***@h/db"
    )
