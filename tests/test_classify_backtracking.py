"""No pattern of hunkroute backtracks without end on a long line of real code.

A real Cython PR (a call whose arguments are long identifiers, ``f(link, linked_labels,
seen_pointers, depth + 1)``) kept ``run`` busy for minutes: ``security.PLUMBING`` let ``\\w+``
split an identifier at every letter, so the failed match tried 2**len(name) ways. Each check runs
in a child process with a generous time limit, so a regression fails instead of hanging.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

LIMIT_S = 60  # the patterns take milliseconds; the bug took 2**40 steps on a 40-letter name

PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, re
    import hunkroute
    names = [m.name for m in pkgutil.walk_packages(hunkroute.__path__, "hunkroute.")]
    word = "linked_labels_and_seen_pointers_in_a_row"
    lines = []
    for sep in (", ", " ", ",", ".", " + ", "=", ": ", "-", "/", "'", '"', "(", ")"):
        body = sep.join([word] * 6)
        for shape in ("{}", "f({}", "x = f({} + 1)", "    self.g({}, depth + 1)", "if {} !",
                      "def f({}", "'{}", '\"\"\"{}', "# {}", "@{}(", "[{}", "{} ="):
            lines.append(shape.format(body) + " !")
    count = 0
    for name in names:
        if name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(name)).values():
            if isinstance(value, re.Pattern):
                count += 1
                for line in lines:
                    value.search(line)
                    value.match(line)
    print(count)
    """
)


def run_probe(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=LIMIT_S, check=True
    )
    return done.stdout.strip()


def test_plumbing_on_a_call_with_long_argument_names_ends() -> None:
    line = "                self._decode_labels_at_offset(link, " + "x" * 40 + ", depth + 1)"
    code = f"from hunkroute.classify import security; print(security.plumbing({line!r}))"
    assert run_probe(code) == "False"


def test_every_module_pattern_ends_on_long_identifier_lines() -> None:
    assert int(run_probe(PROBE)) > 50  # the probe saw the module-level patterns
