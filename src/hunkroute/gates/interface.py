"""The gate plug-in interface and the values a gate run produces.

Two kinds of gate share one registry. A ``ToolGate`` is data plus a pure parser (STYLE.md §5):
which executable to start, the arguments for one batch, the exit codes that mean "ran fine", and
``parse(output, job) -> list[Finding]``; starting the process is ``runner.py``'s job alone, so a
gate module never touches ``subprocess``. An ``InProcessGate`` is a pure ``check(job)`` over the
batch's texts (the secrets gate): no process, nothing to install.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol, runtime_checkable

from hunkroute.config import GateConfig
from hunkroute.model import Finding, GateName


@dataclass(frozen=True, slots=True)
class GateJob:
    """One gate's run over one batch of files written below ``root``.

    ``files`` maps each path relative to ``root`` to its text and ``languages`` to its language;
    ``trees`` are the top folders of ``root`` (one per variant), each holding a copy of the
    repository's root config files named in ``user_configs`` (name → text). ``partial`` files
    are fragments rebuilt from the diff (``diffview.py``).
    """

    root: str
    files: Mapping[str, str]
    languages: Mapping[str, str]
    trees: tuple[str, ...]
    settings: GateConfig
    user_configs: Mapping[str, str]
    partial: frozenset[str] = frozenset()

    def python_files(self) -> list[str]:
        return [path for path, language in self.languages.items() if language == "python"]


@dataclass(frozen=True, slots=True)
class GateResult:
    """A gate that ran: its findings, with ``file`` relative to the job's ``root``."""

    gate: GateName
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class GateUnavailable:
    """A gate that did not run to the end: missing, crashed, timed out or unreadable output."""

    gate: GateName
    reason: str

    def describe(self) -> str:
        return f"gate {self.gate} unavailable: {self.reason}"


class ToolGate(Protocol):
    """One static-analysis tool run as a process."""

    @property
    def name(self) -> GateName: ...

    @property
    def tool(self) -> str:
        """The executable's name, looked up next to the interpreter, then on PATH."""
        ...

    @property
    def ok_codes(self) -> frozenset[int]:
        """Exit codes that mean the tool ran (with or without findings)."""
        ...

    def command(self, job: GateJob) -> list[str] | None:
        """Arguments after the executable, run with ``cwd=job.root``; None: nothing to scan."""
        ...

    def environment(self, env: Mapping[str, str], job: GateJob) -> dict[str, str]:
        """The process environment, derived from the caller's."""
        ...

    def parse(self, output: str, job: GateJob) -> list[Finding]:
        """The tool's JSON output → findings; raises ValueError/KeyError/TypeError if unreadable."""
        ...


@runtime_checkable
class InProcessGate(Protocol):
    """A gate that reads the batch's texts itself, in this process."""

    @property
    def name(self) -> GateName: ...

    def check(self, job: GateJob) -> list[Finding]:
        """Findings over ``job.files``, with ``file`` relative to the job's ``root``."""
        ...


Gate = ToolGate | InProcessGate


def relative(path: str, root: str) -> str:
    """A tool's path for a scanned file (absolute, ``./x`` or ``x``) relative to ``root``."""
    pure = PurePosixPath(path.replace("\\", "/"))
    base = PurePosixPath(root.replace("\\", "/"))
    if pure.is_absolute() and pure.is_relative_to(base):
        pure = pure.relative_to(base)
    return str(pure)
