"""Build model-stage runs for tests and the bench: diffs from file contents, configs for fakes."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path

from hunkroute import config as configmod
from hunkroute import pipeline
from hunkroute.config import Config
from hunkroute.diff.source import LoadedDiff
from hunkroute.model import Judge, Report
from tests.helpers.fake_llm import FakeLLM
from tests.helpers.gates import MemorySnapshot

KEY_ENV = "FAKE_LLM_API_KEY"
KEY = "sk-fake-key-for-tests-0123456789abcdef"
ENV = {KEY_ENV: KEY}
FAST_RETRY = "{max_retries: 2, backoff_s: 0.001, max_backoff_s: 0.05, breaker_threshold: 3}"


def unified(old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """A git-style unified diff between two sets of file contents."""
    parts = []
    for path in sorted(set(old) | set(new)):
        before = old.get(path, "").splitlines(keepends=True)
        after = new.get(path, "").splitlines(keepends=True)
        body = list(difflib.unified_diff(before, after, f"a/{path}", f"b/{path}", n=3))
        if body:
            parts.append(f"diff --git a/{path} b/{path}\n" + "".join(body))
    return "".join(parts)


def change(old: Mapping[str, str], new: Mapping[str, str]) -> LoadedDiff:
    return LoadedDiff(unified(old, new).encode(), "test change", MemorySnapshot(dict(new)))


def provider_yaml(name: str, fake: FakeLLM, price_in: float, price_out: float, quality: float,
                  extra: str = "") -> str:  # fmt: skip
    return (
        f"  - {{name: {name}, api: {fake.flavour}, base_url: '{fake.base_url}', model: m-{name},"
        f" api_key_env: {KEY_ENV}, cost_per_input_token: {price_in:.12f},"
        f" cost_per_output_token: {price_out:.12f}, quality: {quality}, timeout_s: 2,"
        f" supported_tasks: [review, debugging, boilerplate]{extra}}}\n"
    )


def config_for(
    servers: Sequence[FakeLLM],
    cache_dir: Path,
    budget: float = 1.0,
    extra: str = "",
    provider_extra: str = "",
    retry: str = FAST_RETRY,
) -> Config:
    """A config with one provider per fake, cheapest first (``p0`` is the planned model)."""
    lines = [f"budget_usd: {budget}", f"cache_dir: '{cache_dir}'", "upgrade_share: 0",
             f"retry: {retry}", extra, "providers:"]  # fmt: skip
    text = "\n".join(lines) + "\n"
    for index, fake in enumerate(servers):
        price = 1e-7 * (index + 1)
        text += provider_yaml(f"p{index}", fake, price, 2 * price, 8.6 + index / 10,
                              provider_extra)  # fmt: skip
    return configmod.loads(text, "test config")


def run(
    loaded: LoadedDiff,
    conf: Config,
    title: str = "",
    judge: Judge | None = None,
    env: Mapping[str, str] = ENV,
) -> Report:
    return pipeline.run(loaded, conf, pipeline.RunOptions(title=title), env, judge=judge)


Files = dict[str, str]


def python_files(count: int, hunks_per_file: int = 1, start: int = 0) -> tuple[Files, Files]:
    """Old and new contents of ``count`` Python files; each change adds ``hunks_per_file`` new
    functions, far enough apart to be separate hunks. Hunk h of a file adds lines
    ``15h+3 .. 15h+6``: a blank line, ``def added_F_H(items):``, the total, the return."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    for f in range(start, start + count):
        before: list[str] = []
        after: list[str] = []
        for h in range(hunks_per_file):
            head = [f"def keep_{h}(value):", "    return value"]
            filler = [f"# filler {h}.{i}" for i in range(9)]
            added = ["", f"def added_{f}_{h}(items):", f"    total = sum(items) + {h}",
                     "    return total"]  # fmt: skip
            before += head + filler
            after += head + added + filler
        old[f"pkg/mod_{f}.py"] = "\n".join(before) + "\n"
        new[f"pkg/mod_{f}.py"] = "\n".join(after) + "\n"
    return old, new
