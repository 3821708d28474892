"""The prescan: one real batch over a change, and what counts (only added lines)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hunkroute import config as configmod
from hunkroute.errors import ConfigError
from hunkroute.gates.prescan import Prescan, added_lines, in_scope, prescan
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import build_setup
from hunkroute.model import Finding
from tests.helpers.gates import MemorySnapshot, Starts, changes_of, line_of

USER_RULES = Path(__file__).parent / "fixtures" / "gates" / "user-rules"

LEGACY_OLD = "def legacy(expr):\n    return eval(expr)\n"
LEGACY_NEW = LEGACY_OLD + "\n\ndef added(x):\n    return x + 1\n"
NOSEC = (
    "import subprocess  # nosec B404\n\n\n"
    "def run(cmd):\n    subprocess.call(cmd, shell=True)  # nosec B602\n"
)
FIXES = 'import os\n\nGREETING = f"hello"\n'
APP_JS = "function run(userInput) {\n  return eval(userInput);\n}\n"
NEW_FILES = {"legacy.py": LEGACY_NEW, "nosec.py": NOSEC, "fixes.py": FIXES, "web/app.js": APP_JS}
CHANGES = changes_of(
    {
        "legacy.py": (LEGACY_OLD, LEGACY_NEW),
        "nosec.py": ("", NOSEC),
        "fixes.py": ("", FIXES),
        "web/app.js": ("", APP_JS),
        "stale.py": ("x = 0\n", "x = 1\n"),
        "missing.py": ("y = 1\n", "y = 2\n"),
    }
)


@pytest.fixture(scope="module")
def scanned() -> tuple[Prescan, Starts]:
    starts = Starts()
    snapshot = MemorySnapshot({**NEW_FILES, "stale.py": "x = 2\n"})
    config = configmod.load(USER_RULES / "hunkroute.yaml")
    runner = ToolRunner(dict(os.environ), on_start=starts)
    return prescan(CHANGES, snapshot, build_setup(config, snapshot), runner), starts


def where(findings: tuple[Finding, ...], path: str) -> set[tuple[int, str, str]]:
    return {(f.line, f.source, f.rule) for f in findings if f.file == path}


@pytest.mark.tools
def test_each_gate_starts_once_for_all_files(scanned: tuple[Prescan, Starts]) -> None:
    assert scanned[1].counts() == {"ruff": 1, "bandit": 1, "semgrep": 1}
    assert scanned[0].problems == ()


@pytest.mark.tools
def test_legacy_finding_outside_the_diff_is_found_but_does_not_count(
    scanned: tuple[Prescan, Starts],
) -> None:
    result = scanned[0]
    assert (2, "bandit", "B307") in where(result.baseline.findings["legacy.py"], "legacy.py")
    assert where(result.findings, "legacy.py") == set()


@pytest.mark.tools
def test_every_counted_finding_touches_an_added_line(scanned: tuple[Prescan, Starts]) -> None:
    added = added_lines(CHANGES)
    assert scanned[0].findings
    assert all(in_scope(f, added) for f in scanned[0].findings)


@pytest.mark.tools
def test_nosec_silences_bandit_but_not_semgrep(scanned: tuple[Prescan, Starts]) -> None:
    found = where(scanned[0].findings, "nosec.py")
    assert {source for _, source, _ in found} == {"semgrep"}
    assert (5, "semgrep", "subprocess-shell-true") in found


@pytest.mark.tools
def test_user_rules_scan_other_languages_with_semgrep_only(
    scanned: tuple[Prescan, Starts],
) -> None:
    assert where(scanned[0].findings, "web/app.js") == {(2, "semgrep", "js-no-eval")}


@pytest.mark.tools
def test_ruff_safe_fixes_arrive_as_unvalidated_suggestions(
    scanned: tuple[Prescan, Starts],
) -> None:
    fixes = {
        f.rule: f for f in scanned[0].findings if f.file == "fixes.py" and f.suggestion is not None
    }
    assert fixes["F541"].suggestion == 'GREETING = "hello"'
    assert fixes["F541"].line == line_of(FIXES, "GREETING")
    assert fixes["F401"].suggestion == ""  # delete the line
    assert not any(f.validated for f in fixes.values())


@pytest.mark.tools
def test_files_missing_or_not_matching_are_gated_on_the_diff_alone(
    scanned: tuple[Prescan, Starts],
) -> None:
    notes = "\n".join(scanned[0].notes)
    assert "stale.py: gated on the diff alone (line 1 on disk differs from the diff)" in notes
    assert "missing.py: gated on the diff alone (its new version cannot be read)" in notes
    assert scanned[0].baseline.texts["stale.py"] == "x = 1\n"  # the diff's, not the disk's
    assert scanned[0].baseline.partial == {"stale.py", "missing.py"}


def test_a_missing_rules_path_is_a_config_error(tmp_path: Path) -> None:
    config_path = tmp_path / "hunkroute.yaml"
    config_path.write_text("gates:\n  - name: semgrep\n    rules: [nope.yaml]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hunkroute.yaml: gates: semgrep: rules 'nope.yaml'"):
        build_setup(configmod.load(config_path), MemorySnapshot({}))


def test_in_scope_needs_one_added_line_in_the_range() -> None:
    added = {"a.py": frozenset({5})}
    spanning = Finding("a.py", 3, 6, "error", "bandit", "B602", "m")
    before = Finding("a.py", 3, 4, "error", "bandit", "B602", "m")
    assert in_scope(spanning, added)
    assert not in_scope(before, added)
    assert not in_scope(Finding("b.py", 5, 5, "error", "ruff", "F821", "m"), added)
