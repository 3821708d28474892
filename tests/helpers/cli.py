"""Run hunkroute the way users do: in-process through ``main`` or as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from hunkroute.cli import main

SRC = Path(__file__).resolve().parents[2] / "src"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def run_main(argv: Sequence[str], capsys: pytest.CaptureFixture[str]) -> Result:
    """Call ``main`` in-process and capture what it printed."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run_cli(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    timeout: float = 300,
    python: str = sys.executable,
) -> Result:
    """Run ``python -m hunkroute`` in a subprocess, with this checkout's ``src`` importable.

    ``python`` may be a symlink to the interpreter in a folder of its own: the gates look for
    their tools next to it first, so that folder decides which tools exist. A symlink outside
    a venv runs the base interpreter, so this environment's site-packages go on PYTHONPATH too.
    """
    full_env = dict(os.environ)
    paths = sysconfig.get_paths()
    sites = [paths["purelib"], paths["platlib"]] if python != sys.executable else []
    entries = [str(SRC), *dict.fromkeys(sites), full_env.get("PYTHONPATH")]
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, entries))
    full_env.update(env or {})
    proc = subprocess.run(
        [python, "-m", "hunkroute", *argv],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Result(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )
