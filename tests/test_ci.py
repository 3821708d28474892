""".ci/run and the README agree: CI runs the README's two commands; the second runs the tests."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_commands_in_a_fresh_clone_venv_and_home() -> None:
    extract = runpy.run_path(str(ROOT / ".ci" / "readme_commands.py"))["readme_commands"]
    install, test = extract((ROOT / "README.md").read_text(encoding="utf-8"))
    assert install.startswith("pip install . && python -m hunkroute run --diff examples/")
    assert test == "pip install -e '.[test]' && python -m pytest -q"
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for piece in ("git clone", "-m venv", 'PATH="$work/venv/bin:/usr/bin:/bin"',
                  'HOME="$work/home"', "readme_commands.py", "env -i"):  # fmt: skip
        assert piece in script, piece
