"""Print the README's first two ``sh`` blocks, one command per line: the install-and-demo command
and the test command. ``.ci/run`` runs exactly these, and tests/test_ci.py checks what they say,
so the README, CI and the tests read the commands from one place.

Run: python .ci/readme_commands.py README.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.M | re.S)


def readme_commands(text: str) -> list[str]:
    """The commands of the first two ``sh`` blocks (a block may hold several lines)."""
    blocks = BLOCK.findall(text)[:2]
    return [line for block in blocks for line in block.splitlines() if line.strip()]


if __name__ == "__main__":
    print("\n".join(readme_commands(Path(sys.argv[1]).read_text(encoding="utf-8"))))
