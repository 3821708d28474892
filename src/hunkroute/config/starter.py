"""``hunkroute init``: a commented starter config that loads as it is."""

from __future__ import annotations

from pathlib import Path

from hunkroute.errors import InputError

STARTER = """\
# hunkroute configuration. Every key is optional: what is left out keeps its default.
# Docs: README.md, section "Configuration".

budget_usd: 0.50          # hard ceiling per run / per PR, in US dollars
fail_on: error            # error | warning | never: which gate findings block the merge
fail_closed: false        # true: exit 4 when a provider, gate or GitHub is unavailable
max_attempts: 3           # tries per hunk, fallbacks included
cache_dir: .hunkroute-cache
upgrade_share: 0          # cheapest good enough; >0 spends left-over budget on better models
escalate_on_findings: false  # true: a hunk with a blocking prescan finding starts higher
# pr_budget_usd: 2.00     # all runs of one PR together, across pushes
# monthly_budget_usd: 50  # everything in the ledger per calendar month (UTC)
# ledger: postgresql://ledger@db/hunkroute  # default: a SQLite file in cache_dir

# Models. A provider is used when its api_key_env is set in the environment.
# api: openai (any OpenAI-compatible chat-completions API) or anthropic.
providers:
  - name: deepseek-v4-flash          # known to the built-in catalogue: prices, URL and model id
  - name: qwen3-coder-30b
  - name: kimi-k2.5
  # - name: local-coder              # an OpenAI-compatible server of your own
  #   api: openai
  #   base_url: http://localhost:11434/v1
  #   model: qwen2.5-coder:7b
  #   api_key_env: null               # no key needed
  #   cost_per_input_token: 0
  #   cost_per_output_token: 0
  #   quality: 7.5                    # or per category: {review: 7.0, boilerplate: 8.0}
  #   supported_tasks: [boilerplate, debugging]
  #   latency_target_ms: 800
  #   max_concurrency: 2
  #   context_window: 32768

# What each kind of work may cost and how good its model must be.
categories:
  review:      {max_output_tokens: 1200, min_quality: 8.5}
  debugging:   {max_output_tokens: 800,  min_quality: 8.0}
  boilerplate: {max_output_tokens: 500,  min_quality: 7.0}

# Static gates run on the changed lines and on every AI suggestion. [] turns them off.
gates: [ruff, bandit, semgrep]

files:
  exclude: ["**/vendor/**", "**/generated/**", "**/*_pb2.py", "**/*.min.js"]
  max_file_bytes: 1000000
  max_hunk_lines: 400

# Your own classification rules, checked before the built-in signals.
classify:
  rules:
    - {path: "src/auth/**", category: review, reason: "auth code is always reviewed"}

limits:
  max_model_requests: 200
  max_comments: 50

precommit:
  budget_usd: 0.05
  deadline_s: 20
"""


def write_starter(path: Path, force: bool) -> Path:
    """Write the starter config, refusing to overwrite unless ``force``."""
    if path.exists() and not force:
        raise InputError(f"{path}: already exists (use --force to overwrite)")
    try:
        path.write_text(STARTER, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from exc
    return path
