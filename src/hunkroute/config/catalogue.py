"""Built-in model catalogue: the five models of the seed article's table, ready to use.

Quality scores and output prices are the seed article's table (its "Raw Quality Score" and
"Output Cost ($/M)"), so the seed's config means what the article says. Input prices, API base
URLs and model ids come from each provider's public pricing and API pages; where a figure was
not published, the comment says so and the output price stands in for it, which can only make a
reservation larger, never too small. Every value can be overridden in the user's config.
"""

from __future__ import annotations

from typing import Any

PER_MILLION = 1_000_000

CATALOGUE: dict[str, dict[str, Any]] = {
    "deepseek-v4-flash": {
        "api": "openai",
        "base_url": "https://api.deepseek.com",
        "model": "deepseek-v4-flash",
        "api_key_env": "DEEPSEEK_API_KEY",
        # Input: api-docs.deepseek.com/quick_start/pricing, cache miss $0.14/M, hit $0.028/M.
        "cost_per_input_token": 0.14 / PER_MILLION,
        "cost_per_cached_input_token": 0.028 / PER_MILLION,
        "cost_per_output_token": 0.25 / PER_MILLION,  # seed table
        "quality": 8.7,
        "supported_tasks": ["boilerplate", "debugging", "review"],
        "latency_target_ms": 400,
        "context_window": 1_000_000,
    },
    "qwen3-coder-30b": {
        "api": "openai",
        # Alibaba Model Studio's OpenAI-compatible mode (international endpoint).
        "base_url": "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        "model": "qwen3-coder-30b-a3b-instruct",
        "api_key_env": "DASHSCOPE_API_KEY",
        # Input price not published for this size in the sources we checked: output price used.
        "cost_per_input_token": 0.35 / PER_MILLION,
        "cost_per_output_token": 0.35 / PER_MILLION,  # seed table
        "quality": 8.8,
        "supported_tasks": ["debugging", "review", "boilerplate"],
        "latency_target_ms": 350,
        "context_window": 262_144,
    },
    "deepseek-r1": {
        "api": "openai",
        "base_url": "https://api.deepseek.com",
        "model": "deepseek-reasoner",  # R1's id in the DeepSeek API
        "api_key_env": "DEEPSEEK_API_KEY",
        "cost_per_input_token": 0.55 / PER_MILLION,  # DeepSeek's R1 list price, cache miss
        "cost_per_output_token": 2.50 / PER_MILLION,  # seed table
        "quality": 9.4,
        "supported_tasks": ["algorithm", "architecture"],
        "latency_target_ms": 1200,
        "context_window": 131_072,
    },
    "ga-standard": {
        # The seed names no vendor, URL or model id for this dynamic router: it stays
        # "not configured" until the user gives base_url and model.
        "api": "openai",
        "cost_per_input_token": 0.20 / PER_MILLION,  # unpublished: output price used
        "cost_per_output_token": 0.20 / PER_MILLION,  # seed table
        "quality": 8.5,
        "supported_tasks": ["boilerplate", "debugging"],
        "routing_mode": "dynamic",
    },
    "kimi-k2.5": {
        "api": "openai",
        "base_url": "https://api.moonshot.ai/v1",
        "model": "kimi-k2.5",
        "api_key_env": "MOONSHOT_API_KEY",
        "cost_per_input_token": 0.60 / PER_MILLION,  # Moonshot's published K2.5 input price
        "cost_per_output_token": 3.00 / PER_MILLION,  # seed table
        "quality": 9.0,
        "supported_tasks": ["review", "debugging", "boilerplate", "algorithm", "architecture"],
        "latency_target_ms": 1500,
        "context_window": 262_144,
    },
}


def known(name: str) -> dict[str, Any] | None:
    """The catalogue entry for a provider name, matched case-insensitively."""
    return CATALOGUE.get(name.lower())
