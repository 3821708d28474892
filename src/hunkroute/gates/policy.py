"""What the gates' findings mean in test code (issue 13): pure rules over findings.

Tests assert by design, so bandit's B101 (``assert`` used) is never reported in test paths, and
their other gate findings are capped at ``tests.max_severity`` (default ``note``): a test that
disables TLS verification against a local server is not a production hole and must not block
the fix it tests. Secrets are the exception: fixture keys are common in tests, but a committed
key is still worth a look, so a secret in a test path stays at least ``warning``, and anywhere
else it keeps the gate's ``error``. Model findings are left as they are.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace
from fnmatch import fnmatchcase

from hunkroute.config import TestsConfig
from hunkroute.model import SEVERITY_RANK, Finding, Severity

ASSERT_USED = ("bandit", "B101")


def is_test_path(path: str, patterns: Iterable[str]) -> bool:
    """True when ``path`` is test code: under a listed folder, or a listed file name/glob."""
    folders = path.split("/")[:-1]
    name = posixpath.basename(path)
    for pattern in patterns:
        if pattern.endswith("/"):
            if _in_folder(folders, pattern.rstrip("/")):
                return True
        elif fnmatchcase(path if "/" in pattern else name, pattern):
            return True
    return False


def _in_folder(folders: list[str], wanted: str) -> bool:
    depth = wanted.count("/") + 1
    return any("/".join(folders[i : i + depth]) == wanted for i in range(len(folders) - depth + 1))


def in_tests(findings: Iterable[Finding], tests: TestsConfig) -> tuple[Finding, ...]:
    """The findings with the test-code rules applied."""
    kept: list[Finding] = []
    for finding in findings:
        if finding.source == "model" or not is_test_path(finding.file, tests.paths):
            kept.append(finding)
        elif (finding.source, finding.rule) != ASSERT_USED:
            kept.append(replace(finding, severity=_capped(finding, tests.max_severity)))
    return tuple(kept)


def _capped(finding: Finding, cap: Severity) -> Severity:
    ceiling: Severity = "warning" if finding.source == "secrets" and SEVERITY_RANK[cap] < 1 else cap
    return (
        finding.severity if SEVERITY_RANK[finding.severity] <= SEVERITY_RANK[ceiling] else ceiling
    )
