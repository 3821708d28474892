"""End-to-end model stage: 300 hunks in 60 files against a fake server answering after 500 ms.

Targets (issue 3), max_concurrency 16: wall time at most 1.3x the ideal (requests / 16 rounded
up x 0.5 s, plus gate time: the prescan of the 60 files, timed on its own in the same run, and
the judge's rounds), at least 10x faster than calling one hunk at a time (one request per
hunk, one after another, plus the same gate time; the same batched requests in a row are
printed too), and a rerun that answers every request from the cache.

Run: python bench/e2e_bench.py
"""

from __future__ import annotations

import json
import math
import multiprocessing
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.helpers.fake_llm import FakeLLM, Say  # noqa: E402
from tests.helpers.llmcase import ENV, change, config_for, python_files, run  # noqa: E402

from hunkroute import pipeline  # noqa: E402
from hunkroute.model import Candidate, Judge, Verdict  # noqa: E402

DELAY_S = 0.5
CONCURRENCY = 16
FIX = (
    '{"findings": [{"line": 5, "end_line": 5, "severity": "note", "message": "m", '
    '"suggestion": "    total = sum(items, 0)"}]}'
)


def serve_forever(urls: multiprocessing.Queue[str], stop: multiprocessing.Event) -> None:  # type: ignore[type-arg]
    """The fake provider in its own process, as a real one would be: no shared GIL."""
    with FakeLLM("openai", lambda seen: Say(FIX, delay_s=DELAY_S)) as fake:
        urls.put(fake.url)
        stop.wait()


def stats(url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{url}/__stats") as response:  # noqa: S310 - loopback only
        return dict(json.load(response))


def main() -> int:
    old, new = python_files(60, hunks_per_file=5)
    judge_s = 0.0
    gates_judge: list[Judge] = []  # the real one (ruff, bandit, semgrep), built by prepare

    def judge(candidates: list[Candidate]) -> list[Verdict]:
        nonlocal judge_s
        start = time.perf_counter()
        verdicts = gates_judge[0](candidates)
        judge_s += time.perf_counter() - start
        return verdicts

    context = multiprocessing.get_context("fork")
    urls: multiprocessing.Queue[str] = context.Queue()
    stop = context.Event()
    server = context.Process(target=serve_forever, args=(urls, stop), daemon=True)
    server.start()
    url = urls.get(timeout=10)
    fake = SimpleNamespace(flavour="openai", base_url=f"{url}/v1")
    try:
        with tempfile.TemporaryDirectory() as cache:
            conf = config_for([fake], Path(cache), budget=10.0,  # type: ignore[list-item]
                              provider_extra=f", max_concurrency: {CONCURRENCY}",
                              extra="limits: {max_model_requests: 1000}")  # fmt: skip
            start = time.perf_counter()
            prepared = pipeline.prepare(change(old, new), conf, pipeline.RunOptions(), ENV)
            prescan_s = time.perf_counter() - start
            gates_judge.append(prepared.judge)
            start = time.perf_counter()
            first = run(change(old, new), conf, judge=judge)
            wall = time.perf_counter() - start
            requests = stats(url)["requests"]
            start = time.perf_counter()
            second = run(change(old, new), conf, judge=judge)
            rerun = time.perf_counter() - start
            after = stats(url)
    finally:
        stop.set()
        server.join(5)
    rerun_requests = after["requests"] - requests
    hunks = len(first.hunks)
    ideal = math.ceil(requests / CONCURRENCY) * DELAY_S + prescan_s + judge_s
    serial = requests * DELAY_S + prescan_s + judge_s  # the same requests and gates, in a row
    cached = sum(1 for h in second.hunks for a in h.attempts if a.outcome == "cached")
    print(f"hunks {hunks} in 60 files, {requests} requests, server max in flight "
          f"{after['max_in_flight']}")  # fmt: skip
    print(f"prescan gates {prescan_s:.2f} s, judge {judge_s:.2f} s")
    print(f"wall {wall:.2f} s, ideal {ideal:.2f} s -> {wall / ideal:.2f}x ideal (target <= 1.3)")
    per_hunk = hunks * DELAY_S + prescan_s + judge_s
    print(f"one hunk at a time: {per_hunk:.1f} s -> {per_hunk / wall:.1f}x faster (target >= 10)")
    print(f"the same {requests} batched requests in a row: {serial:.1f} s -> {serial / wall:.1f}x")
    print(f"rerun {rerun:.2f} s, {rerun_requests} requests, {cached}/{hunks} hunks cached, "
          f"spent ${second.spent_nano / 1e9:.6f}")  # fmt: skip
    ok = wall <= 1.3 * ideal and per_hunk / wall >= 10 and rerun_requests == 0
    ok = ok and second.spent_nano == 0 and {h.status for h in first.hunks} == {"reviewed"}
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
