"""The ruff gate: its command line, severities, safe fixes as line suggestions, user config."""

from __future__ import annotations

import os

import pytest

from hunkroute.config import GateConfig
from hunkroute.gates import ruff
from hunkroute.gates.interface import GateJob
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import BASE, GateSetup, Target, scan


def job(settings: GateConfig, user_configs: dict[str, str]) -> GateJob:
    files = {"t0/a.py": "x = 1\n", "t0/b.js": "x\n"}
    languages = {"t0/a.py": "python", "t0/b.js": "javascript"}
    return GateJob("/tmp/root", files, languages, ("t0",), settings, user_configs)


def test_without_user_config_ruff_runs_isolated_with_the_default_rules() -> None:
    args = ruff.RUFF.command(job(GateConfig("ruff", select=("C901",)), {}))
    assert args is not None
    assert "--isolated" in args
    assert args[args.index("--select") + 1] == "E9,F,B,C901"
    assert args[-2:] == ["--", "t0/a.py"]


def test_with_user_config_ruff_extends_it_and_reads_no_defaults() -> None:
    pyproject = "[tool.ruff]\nline-length = 80\n"
    args = ruff.RUFF.command(
        job(GateConfig("ruff", select=("C901",)), {"pyproject.toml": pyproject})
    )
    assert args is not None
    assert "--isolated" not in args and "--select" not in args
    assert args[args.index("--extend-select") + 1] == "C901"


def test_a_pyproject_without_tool_ruff_is_not_a_ruff_config() -> None:
    assert not ruff.has_user_config({"pyproject.toml": "[project]\nname = 'x'\n"})
    assert ruff.has_user_config({".ruff.toml": ""})


@pytest.mark.parametrize(
    ("code", "severity"),
    [("invalid-syntax", "error"), ("F821", "error"), ("E999", "error"), ("F706", "error"),
     ("F401", "warning"), ("B006", "warning"), ("C901", "note")],
)  # fmt: skip
def test_severities_are_mapped_explicitly(code: str, severity: str) -> None:
    assert ruff.severity(code) == severity


def edit(row: int, col: int, end_row: int, end_col: int, content: str) -> dict[str, object]:
    return {
        "location": {"row": row, "column": col},
        "end_location": {"row": end_row, "column": end_col},
        "content": content,
    }


def test_a_partial_line_edit_becomes_a_whole_line_suggestion() -> None:
    text = 'import os\nx = f"hi"\n'
    assert ruff.apply_edits(text, [edit(2, 5, 2, 10, '"hi"')]) == (2, 2, 'x = "hi"')


def test_a_whole_line_deletion_does_not_touch_the_next_line() -> None:
    text = "import os\nimport sys\nprint(sys)\n"
    assert ruff.apply_edits(text, [edit(1, 1, 2, 1, "")]) == (1, 1, "")


def test_several_edits_merge_into_one_span() -> None:
    text = "a = f'x'\nb = 1\nc = f'y'\n"
    edits = [edit(1, 5, 1, 9, "'x'"), edit(3, 5, 3, 9, "'y'")]
    assert ruff.apply_edits(text, edits) == (1, 3, "a = 'x'\nb = 1\nc = 'y'")


def test_edits_outside_the_text_give_no_suggestion() -> None:
    assert ruff.apply_edits("a = 1\n", [edit(5, 1, 5, 2, "b")]) is None
    assert ruff.apply_edits("a = 1\n", []) is None


def ruff_scan(text: str, settings: GateConfig, user_configs: dict[str, str]) -> set[str]:
    setup = GateSetup((settings,), user_configs)
    result = scan([Target(BASE, "pkg/mod.py", text, "python")], setup, ToolRunner(dict(os.environ)))
    assert result.failures == ()
    return {f.rule for f in result.of(BASE, "pkg/mod.py")}


MODULE = (
    "import os\n\n\n"
    "def f(items=[]):\n"
    "    if items == None:\n"
    "        return 'a very long line indeed'\n"
)


@pytest.mark.tools
def test_default_rules_plus_the_configured_select() -> None:
    assert ruff_scan(MODULE, GateConfig("ruff", select=("E711",)), {}) == {"F401", "B006", "E711"}


@pytest.mark.tools
def test_the_repositorys_ruff_config_is_honoured() -> None:
    pyproject = '[tool.ruff]\nline-length = 30\n[tool.ruff.lint]\nselect = ["E501"]\n'
    assert ruff_scan(MODULE, GateConfig("ruff"), {"pyproject.toml": pyproject}) == {"E501"}
