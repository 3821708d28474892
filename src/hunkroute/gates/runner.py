"""The one place that starts gate processes: argument lists, never a shell, always a timeout.

A tool is looked for next to the running interpreter first (the virtualenv hunkroute was installed
in), then on ``PATH``. Whatever goes wrong — the tool is missing, cannot start, exits with an
unexpected code, times out or prints something that is not its JSON — becomes a
``GateUnavailable`` value with a one-line reason, never an exception and never a silent pass.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hunkroute.gates.interface import (
    Gate,
    GateJob,
    GateResult,
    GateUnavailable,
    InProcessGate,
    ToolGate,
)

log = logging.getLogger(__name__)

StartHook = Callable[[str, Sequence[str]], None]


def _interpreter_dir() -> tuple[Path, ...]:
    return (Path(sys.executable).parent,)


@dataclass(frozen=True, slots=True)
class ToolRunner:
    """Finds and starts gate tools with the caller's environment.

    ``search`` holds the folders tried before ``PATH``; ``on_start`` sees every process started
    (gate name and argument list), for ``-v`` logs and for tests that count starts.
    """

    env: Mapping[str, str]
    search: tuple[Path, ...] = field(default_factory=_interpreter_dir)
    on_start: StartHook | None = None

    def locate(self, tool: str) -> str | None:
        for folder in self.search:
            candidate = folder / tool
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
        return shutil.which(tool, path=self.env.get("PATH", os.defpath))

    def run(self, gate: Gate, job: GateJob) -> GateResult | GateUnavailable:
        """Run one gate over one batch; a gate with nothing to scan reports no findings."""
        if isinstance(gate, InProcessGate):
            return GateResult(gate.name, tuple(gate.check(job)))
        return self._start(gate, job)

    def _start(self, gate: ToolGate, job: GateJob) -> GateResult | GateUnavailable:
        args = gate.command(job)
        if args is None:
            return GateResult(gate.name, ())
        executable = self.locate(gate.tool)
        if executable is None:
            where = ", ".join(str(f) for f in self.search)
            return GateUnavailable(gate.name, f"{gate.tool} not found in {where} or on PATH")
        argv = [executable, *args]
        if self.on_start is not None:
            self.on_start(gate.name, argv)
        started = time.monotonic()
        env = gate.environment({"PATH": os.defpath, **self.env}, job)  # semgrep calls uname
        outcome = _execute(argv, job.root, env, job.settings.timeout_s)
        log.info(
            "gate %s: %d files in %.2fs", gate.name, len(job.files), time.monotonic() - started
        )
        if isinstance(outcome, str):
            return GateUnavailable(gate.name, outcome)
        code, out, err = outcome
        if code not in gate.ok_codes:
            last_words = _tail(err or out)  # semgrep --quiet explains itself in its JSON
            return GateUnavailable(gate.name, f"{gate.tool} exited with code {code}: {last_words}")
        try:
            return GateResult(gate.name, tuple(gate.parse(out, job)))
        except (ValueError, KeyError, TypeError) as exc:
            reason = f"unreadable output from {gate.tool} ({type(exc).__name__}: {exc})"
            return GateUnavailable(gate.name, f"{reason}; stderr: {_tail(err)}")


def _execute(
    argv: list[str], cwd: str, env: Mapping[str, str], timeout: float
) -> tuple[int, str, str] | str:
    """(exit code, stdout, stderr), or the reason the process did not finish."""
    try:
        # A session of its own, so that a timeout kills the tool's children too (semgrep-core).
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        return f"cannot start {argv[0]}: {exc.strerror or exc}"
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return f"timed out after {timeout:g}s"
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):  # already gone, or no process groups on this platform
        proc.kill()
    proc.communicate()


def _tail(output: str) -> str:
    """The last non-empty line of a tool's output: usually the error itself."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no output)"
