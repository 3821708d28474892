"""gates/legacy.py and the prescan's base batch: only what the change adds is reported."""

from __future__ import annotations

import os
import textwrap

import pytest

from hunkroute import config as configmod
from hunkroute.gates import legacy
from hunkroute.gates.prescan import prescan
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import build_setup
from hunkroute.model import Finding
from tests.helpers.gates import MemorySnapshot, Starts, changes_of, line_of

OLD = textwrap.dedent(
    """\
    import os


    def spawn(cmd):
        from subprocess import Popen, PIPE
        assert cmd
        return Popen(cmd, stdout=PIPE)
    """
)
NEW = textwrap.dedent(
    """\
    import os


    def spawn(cmd):
        from subprocess import (
            PIPE,
        )
        from subprocess import Popen
        assert cmd  # noqa: S101
        assert os.sep, (
            "separator"
        )
        return Popen(cmd, stdout=PIPE)
    """
)


def finding(line: int, rule: str = "B101", source: str = "bandit") -> Finding:
    return Finding("m.py", line, line, "note", source, rule, "msg")  # type: ignore[arg-type]


def test_a_statement_is_its_code_without_comments_breaks_or_parentheses() -> None:
    new = legacy.statements(NEW, "python")
    assert new.texts(finding(line_of(NEW, "noqa"))) == {"assert cmd"}
    assert new.texts(finding(6)) == {"from subprocess import PIPE"}  # the middle of a statement
    assert new.texts(finding(line_of(NEW, "import Popen"))) == {"from subprocess import Popen"}
    old = legacy.statements(OLD, "python")
    assert old.texts(finding(line_of(OLD, "Popen, PIPE"))) == {
        "from subprocess import Popen",
        "from subprocess import PIPE",
    }
    assert new.texts(finding(line_of(NEW, "def spawn"))) == {"def spawn(cmd):"}  # a header


def test_findings_the_base_flagged_are_legacy_and_new_ones_are_kept() -> None:
    old = legacy.statements(OLD, "python")
    flagged = legacy.flagged(
        [finding(line_of(OLD, "Popen, PIPE"), "B404"), finding(line_of(OLD, "assert cmd"))], old
    )
    split = [finding(5, "B404"), finding(line_of(NEW, "import Popen"), "B404")]
    noqa = finding(line_of(NEW, "noqa"))
    added = finding(line_of(NEW, "os.sep"))  # a new assert stays a finding
    other_tool = finding(line_of(NEW, "noqa"), "S101", "ruff")
    kept, hidden = legacy.new_only(
        [*split, noqa, added, other_tool], {"m.py": legacy.statements(NEW, "python")},
        {"m.py": flagged},
    )  # fmt: skip
    assert kept == [added, other_tool] and hidden == 3


def test_other_languages_and_broken_code_compare_the_flagged_lines() -> None:
    text = "key: value\nother:   value  \n"
    version = legacy.statements(text, "yaml")
    assert version.texts(Finding("c.yml", 2, 2, "note", "semgrep", "r", "m")) == {"other: value"}
    assert legacy.statements("def (:\n", "python").nodes == {}


@pytest.mark.tools
def test_prescan_hides_reformatted_legacy_in_the_same_batch() -> None:
    """Issue 13's done-when on a small fixture: no B404 on the split import, no B101 on noqa."""
    changes = changes_of({"pkg/spawn.py": (OLD, NEW)})
    starts = Starts()
    runner = ToolRunner(dict(os.environ), on_start=starts)
    setup = build_setup(configmod.load(None), MemorySnapshot({}))
    scanned = prescan(
        changes, MemorySnapshot({"pkg/spawn.py": NEW}), setup, runner,
        MemorySnapshot({"pkg/spawn.py": OLD}),
    )  # fmt: skip
    rules = [(f.rule, f.line) for f in scanned.findings if f.source == "bandit"]
    assert rules == [("B101", line_of(NEW, "os.sep"))]
    assert scanned.legacy_hidden >= 3
    assert starts.counts() == {"ruff": 1, "bandit": 1, "semgrep": 1}  # one batch, both versions
