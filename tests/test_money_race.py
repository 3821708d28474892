"""Four real ``hunkroute run`` processes on one PostgreSQL ledger whose monthly budget holds
about two runs (issue 14): together they never spend more, at least one is cut short with
``skipped_budget``, and ``stats`` agrees with their reports and with what the server billed."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hunkroute.model import nano_to_usd, token_cost_nano
from tests.helpers.cli import Result, run_cli
from tests.helpers.fake_llm import FakeLLM, Say
from tests.helpers.gitrepo import GitRepo
from tests.helpers.llmcase import KEY, KEY_ENV, provider_yaml
from tests.helpers.postgres import PostgresCluster

FILES = 4  # one request per file and run
PRICE_IN, PRICE_OUT = 1e-7, 2e-7
RUN_COST = FILES * token_cost_nano(1000, PRICE_IN) + FILES * token_cost_nano(100, PRICE_OUT)


def change_repo(root: Path) -> GitRepo:
    repo = GitRepo(root)
    repo.write("README.md", "base\n")
    base = repo.commit("base")
    for i in range(FILES):
        repo.write(f"m{i}.py", f"def f{i}(x):\n    return x + {i}\n")
    head = repo.commit("head")
    repo.write("change.diff", repo.git("diff", base, head))
    return repo


def one_run(repo: GitRepo, config: Path, url: str, index: int, tmp_path: Path) -> Result:
    env = {KEY_ENV: KEY, "HUNKROUTE_LEDGER_URL": url,
           "HUNKROUTE_CACHE_DIR": str(tmp_path / f"cache{index}")}  # fmt: skip
    argv = ["run", "--diff", "change.diff", "--config", str(config), "--format", "json"]
    return run_cli(argv, repo.root, env=env, timeout=120)


@pytest.mark.postgres
def test_four_concurrent_runs_never_overspend_the_month(
    postgres_cluster: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres_cluster.new_database()
    repo = change_repo(tmp_path / "repo")
    monthly = nano_to_usd(RUN_COST * 2 + RUN_COST // 4)
    with FakeLLM("openai", lambda seen: Say(delay_s=0.3)) as fake:
        config = tmp_path / "hunkroute.yaml"
        config.write_text(
            f"budget_usd: 1\nmonthly_budget_usd: {monthly}\ngates: []\nproviders:\n"
            + provider_yaml("p0", fake, PRICE_IN, PRICE_OUT, 8.6)
        )
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda i: one_run(repo, config, url, i, tmp_path), range(4)))
    assert all(r.code == 0 for r in results), [r.err for r in results]
    reports = [json.loads(r.out) for r in results]
    spent = sum(round(r["spent_usd"] * 1e9) for r in reports)
    billed = sum(token_cost_nano(i, PRICE_IN) + token_cost_nano(o, PRICE_OUT)
                 for i, o, _ in fake.billed)  # fmt: skip
    assert spent == billed <= round(monthly * 1e9)
    assert any(h["status"] == "skipped_budget" for r in reports for h in r["hunks"])
    assert max(r["monthly_spent_usd"] for r in reports) == nano_to_usd(spent)
    stats = run_cli(["stats", "--ledger", url, "--format", "json"], tmp_path)
    assert stats.code == 0, stats.err
    data = json.loads(stats.out)
    assert (data["runs"], data["spent_usd"]) == (4, nano_to_usd(spent))
    (row,) = data["by_model"]
    assert (row["calls"], row["input_tokens"], row["output_tokens"]) == (
        len(fake.billed),
        sum(i for i, _, _ in fake.billed),
        sum(o for _, o, _ in fake.billed),
    )
