"""A throwaway PostgreSQL cluster for tests and benches: initdb, pg_ctl, loopback, trust auth.

The cluster lives in a fresh temporary directory, listens on 127.0.0.1 only (its unix socket in
that directory too), and is stopped and deleted by ``stop()``. PostgreSQL refuses to run as
root, so under root (CI containers) initdb and pg_ctl run as the ``postgres`` user through
``runuser``, and the directory is handed to that user. No PostgreSQL binaries is an error, not a
skip: CI must run the Postgres tests.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVICE_USER = "postgres"
# Tests need no crash safety; the bench passes durable=True to measure real commits.
FAST = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin directory (``PG_BIN`` overrides)."""
    override = os.environ.get("PG_BIN")
    found = [override] if override else glob.glob(BIN_GLOB)
    dirs = [Path(d) for d in found if (Path(d) / "initdb").is_file()]
    if not dirs:
        raise RuntimeError(
            f"no PostgreSQL server binaries (initdb, pg_ctl) in {override or BIN_GLOB}: "
            "install the postgresql package (apt-get install postgresql) or set PG_BIN"
        )
    return max(dirs, key=lambda d: _version(d.parent.name))


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresCluster:
    """One initdb'd, started cluster; ``url`` connects as the superuser ``postgres``."""

    def __init__(self, durable: bool = False) -> None:
        self.bin_dir = find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="hunkroute-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._databases = 0
        self._durable = durable
        self._as_user: tuple[str, ...] = ()
        if os.geteuid() == 0:
            self._drop_root()

    def _drop_root(self) -> None:
        try:
            user = pwd.getpwnam(SERVICE_USER)
        except KeyError:
            raise RuntimeError(
                f"running as root and there is no {SERVICE_USER!r} user to run PostgreSQL as"
            ) from None
        os.chown(self.root, user.pw_uid, user.pw_gid)
        # runuser lives in sbin, which a minimal PATH (/usr/bin:/bin, as .ci/run's) leaves out
        search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
        self._as_user = (
            shutil.which("runuser", path=search) or "runuser",
            "-u",
            SERVICE_USER,
            "--",
        )

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command: Sequence[str] = (*self._as_user, str(self.bin_dir / tool), *args)
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              cwd=self.root, env={**os.environ, "LC_ALL": "C"})  # fmt: skip
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr}{tail}")

    def start(self, attempts: int = 3) -> PostgresCluster:
        """initdb, then start on a free loopback port (retrying if another process took it)."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        for attempt in range(attempts):
            self.port = free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                          "-w", "-t", "30", "-o", self._options(), "start")  # fmt: skip
                return self
            except RuntimeError:
                if attempt == attempts - 1:
                    raise
        return self

    def _options(self) -> str:
        settings = ("-c", "listen_addresses=127.0.0.1", "-p", str(self.port),
                    "-c", f"unix_socket_directories={self.root}")  # fmt: skip
        return " ".join(settings + (() if self._durable else FAST))

    def stop(self) -> None:
        """Stop the server (fast, no checkpoint wait) and delete its directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh, empty database in the cluster; its URL."""
        import psycopg

        self._databases += 1
        name = f"ledger_{self._databases}"
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")  # a counter, not input: safe to format
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> PostgresCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()
