"""Static gates: ruff, bandit and semgrep, behind one ``Gate`` protocol and a plain registry.

One module per tool (command line, "ran fine" exit codes, a pure JSON parser), one runner that
starts processes (``runner.py``), one place that writes a batch of files and maps findings back
(``workspace.py``), and the changed-code prescan (``prescan.py``).
"""

from __future__ import annotations

from hunkroute.gates.bandit import BANDIT
from hunkroute.gates.interface import Gate, GateJob, GateResult, GateUnavailable
from hunkroute.gates.ruff import RUFF
from hunkroute.gates.semgrep import SEMGREP
from hunkroute.model import GateName

GATES: dict[GateName, Gate] = {gate.name: gate for gate in (RUFF, BANDIT, SEMGREP)}

__all__ = ["GATES", "Gate", "GateJob", "GateName", "GateResult", "GateUnavailable"]
