"""The labelled classifier set under ``tests/fixtures/classify``: one hunk per ``.diff`` file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hunkroute import config
from hunkroute.diff import unified as diff
from hunkroute.model import Hunk

CASES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "classify"
HEADER_KEYS = ("label", "title", "branch", "holdout")


@dataclass(frozen=True, slots=True)
class LabelledCase:
    """One hunk, the category a reviewer gave it, and the PR title/branch it came with."""

    name: str
    label: str
    hunk: Hunk
    title: str = ""
    branch: str = ""
    holdout: bool = False


def load_case(path: Path) -> LabelledCase:
    text = path.read_text(encoding="utf-8")
    header = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        if key not in HEADER_KEYS:
            raise ValueError(f"{path.name}: unknown header {key!r}")
        header[key] = value.strip()
    changes = diff.parse(text, config.load(None).files, path.name)
    (hunk,) = changes.hunks
    return LabelledCase(
        path.name,
        header["label"],
        hunk,
        header.get("title", ""),
        header.get("branch", ""),
        header.get("holdout") == "yes",
    )


def load_cases() -> list[LabelledCase]:
    return [load_case(path) for path in sorted(CASES_DIR.glob("*.diff"))]
