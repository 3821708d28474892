"""gates/policy.py: test code asserts by design; its findings are notes, its keys warnings."""

from __future__ import annotations

import pytest

from hunkroute.config import TestsConfig as Rules
from hunkroute.gates.policy import in_tests, is_test_path
from hunkroute.model import Finding

PATHS = Rules().paths


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_app.py", True),
        ("src/pkg/tests/helpers.py", True),
        ("test_app.py", True),
        ("pkg/app_test.py", True),
        ("conftest.py", True),
        ("jwcrypto/tests.py", True),
        ("pkg/api_tests.py", True),
        ("src/pkg/testing/fixtures.py", True),
        ("tests/certs/server.key", True),
        ("src/pkg/app.py", False),
        ("src/contests/app.py", False),
        ("src/pkg/testing.py", False),
        ("latest_results.py", False),
    ],
)
def test_default_test_paths(path: str, expected: bool) -> None:
    assert is_test_path(path, PATHS) is expected


def test_whole_path_globs_and_nested_folders() -> None:
    assert is_test_path("qa/e2e/login.py", ("qa/e2e/",))
    assert is_test_path("src/specs/x.py", ("src/specs/*.py",))
    assert not is_test_path("e2e/login.py", ("qa/e2e/",))


def found(path: str, severity: str, source: str, rule: str) -> Finding:
    return Finding(path, 1, 1, severity, source, rule, "m")  # type: ignore[arg-type]


def test_b101_goes_others_are_capped_secrets_stay_warnings() -> None:
    findings = (
        found("tests/test_a.py", "note", "bandit", "B101"),
        found("tests/test_a.py", "error", "semgrep", "tls-verification-disabled"),
        found("tests/certs/a.key", "error", "secrets", "private-key"),
        found("tests/test_a.py", "warning", "model", "model:review"),
        found("app.py", "note", "bandit", "B101"),
        found("app.py", "error", "secrets", "private-key"),
    )
    kept = in_tests(findings, Rules())
    assert [(f.file, f.rule, f.severity) for f in kept] == [
        ("tests/test_a.py", "tls-verification-disabled", "note"),
        ("tests/certs/a.key", "private-key", "warning"),
        ("tests/test_a.py", "model:review", "warning"),  # a model's finding is left alone
        ("app.py", "B101", "note"),
        ("app.py", "private-key", "error"),
    ]


def test_a_looser_cap_keeps_more() -> None:
    findings = (
        found("tests/t.py", "error", "semgrep", "r"),
        found("tests/k.pem", "error", "secrets", "private-key"),
    )
    kept = in_tests(findings, Rules(max_severity="error"))
    assert [f.severity for f in kept] == ["error", "error"]
    capped = in_tests(findings, Rules(max_severity="warning"))
    assert [f.severity for f in capped] == ["warning", "warning"]
