"""Hermetic test setup: clean environment, loopback-only network, temporary cache."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.postgres import PostgresCluster

LEAKY_PREFIXES = ("GITHUB_", "GITLAB_", "CI_", "HUNKROUTE_", "RUNNER_", "PRE_COMMIT")
LEAKY_SUFFIXES = ("_API_KEY", "_TOKEN")
# A fresh machine has no ~/.gitconfig: tests bring their own identity and never read the user's.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Hunkroute Tests", "GIT_AUTHOR_EMAIL": "tests@hunkroute.invalid",
    "GIT_COMMITTER_NAME": "Hunkroute Tests", "GIT_COMMITTER_EMAIL": "tests@hunkroute.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}  # fmt: skip


@pytest.fixture(scope="session")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty HOME for the session: tools may cache there (pre-commit), never the user's."""
    return tmp_path_factory.mktemp("home")


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like never leave the machine
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, empty_home: Path) -> Iterator[None]:
    """No leaked credentials or CI variables, no user HOME or git config, a private cache, and
    no traffic off loopback."""
    for name in list(os.environ):
        if name.startswith(LEAKY_PREFIXES) or name.endswith(LEAKY_SUFFIXES):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(empty_home))
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("HUNKROUTE_CACHE_DIR", str(tmp_path / "cache"))
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            raise AssertionError(f"test tried to reach {address!r}: only loopback is allowed")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL cluster for the whole session; tests take a database each."""
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty ledger's URL, once per store: a SQLite file, then a fresh Postgres database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/cache/ledger.sqlite3"
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.new_database()
