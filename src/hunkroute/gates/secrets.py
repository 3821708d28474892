"""The secrets gate: private keys and known token shapes in the files of a batch, in process.

Secrets are found by the same shapes that redaction uses (``secretshapes.py``), so what is kept
from a model is also what blocks a merge (issue 13). It reads every file of the batch whatever
its language: a key in ``tests/certs/server.key`` is as real as one in code. Findings are
errors; the test-code policy (``gates/policy.py``) makes those in test paths warnings. The
message never repeats the secret.
"""

from __future__ import annotations

from collections.abc import Iterator

from hunkroute.gates.interface import GateJob
from hunkroute.model import Finding, GateName
from hunkroute.secretshapes import KEY_BEGIN, KEY_END, TOKEN_PATTERNS

ADVICE = "revoke it and keep it out of the repository"


class SecretsGate:
    """The secrets gate (pure Python, no process)."""

    name: GateName = "secrets"

    def check(self, job: GateJob) -> list[Finding]:
        return [finding for path, text in job.files.items() for finding in scan_text(path, text)]


def scan_text(path: str, text: str) -> Iterator[Finding]:
    """Private key blocks (begin to end line) and token-shaped strings in one file."""
    lines = text.split("\n")
    start: int | None = None
    for number, line in enumerate(lines, 1):
        if start is None and KEY_BEGIN.search(line):
            start = number
        if start is not None:
            if KEY_END.search(line) or number == len(lines):
                yield _finding(path, start, number, "private-key", f"a private key: {ADVICE}")
                start = None
            continue
        yield from _tokens(path, number, line)


def _tokens(path: str, number: int, line: str) -> Iterator[Finding]:
    for kind, pattern in TOKEN_PATTERNS:
        # AWS's documented sample keys end in EXAMPLE: docs and tests quote them, nobody uses them
        if any(not m.group(0).endswith("EXAMPLE") for m in pattern.finditer(line)):
            what = kind.replace("_", " ")
            yield _finding(path, number, number, kind.replace("_", "-"), f"a {what}: {ADVICE}")


def _finding(path: str, line: int, end_line: int, rule: str, message: str) -> Finding:
    return Finding(path, line, end_line, "error", "secrets", rule, message)


SECRETS = SecretsGate()
