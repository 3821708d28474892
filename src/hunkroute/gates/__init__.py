"""Static gates: ruff, bandit, semgrep and secrets, behind one ``Gate`` type and a plain registry.

One module per tool (command line, "ran fine" exit codes, a pure JSON parser), one runner that
starts processes (``runner.py``), one place that writes a batch of files and maps findings back
(``workspace.py``), and the changed-code prescan (``prescan.py``).
"""

from __future__ import annotations

from hunkroute.gates.bandit import BANDIT
from hunkroute.gates.interface import Gate, GateJob, GateResult, GateUnavailable
from hunkroute.gates.ruff import RUFF
from hunkroute.gates.secrets import SECRETS
from hunkroute.gates.semgrep import SEMGREP
from hunkroute.model import GateName

GATES: dict[GateName, Gate] = {gate.name: gate for gate in (RUFF, BANDIT, SEMGREP, SECRETS)}

__all__ = ["GATES", "Gate", "GateJob", "GateName", "GateResult", "GateUnavailable"]
