"""config.py: defaults, the seed article's template, and precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hunkroute import config
from hunkroute.errors import ConfigError

SEED = Path(__file__).parent / "fixtures" / "config" / "ai-router.config.yaml"


def test_defaults_need_no_file() -> None:
    cfg = config.load(None)
    assert cfg.budget_usd == 0.5
    assert cfg.fail_on == "error" and not cfg.fail_closed
    assert [g.name for g in cfg.gates] == ["ruff", "bandit", "semgrep", "secrets"]
    assert cfg.tests.max_severity == "note" and "conftest.py" in cfg.tests.paths
    assert {p.name for p in cfg.providers} == {
        "deepseek-v4-flash", "qwen3-coder-30b", "deepseek-r1", "ga-standard", "kimi-k2.5"
    }  # fmt: skip
    assert "algorithm" not in cfg.categories


def test_seed_template_loads_unchanged_and_means_what_it_says() -> None:
    cfg = config.load(SEED)
    assert cfg.budget_usd == 5.0
    providers = {p.name: p for p in cfg.providers}
    assert list(providers) == ["deepseek-v4-flash", "qwen3-coder-30b", "deepseek-r1", "ga-standard"]
    flash = providers["deepseek-v4-flash"]
    assert flash.cost_per_output_token == pytest.approx(0.00000025)
    assert flash.supported_tasks == ("boilerplate", "debugging", "review")
    assert flash.latency_target_ms == 400
    assert flash.quality_for("review") == 8.7  # the seed table's score, from the catalogue
    assert providers["qwen3-coder-30b"].latency_target_ms == 350
    assert providers["deepseek-r1"].supported_tasks == ("algorithm", "architecture")
    assert providers["ga-standard"].routing_mode == "dynamic"
    caps = {name: c.max_output_tokens for name, c in cfg.categories.items()}
    assert caps == {
        "review": 1200, "debugging": 800, "boilerplate": 500, "skip": 0,
        "algorithm": 1500, "architecture": 2000,
    }  # fmt: skip
    gates = {g.name: g for g in cfg.gates}
    assert list(gates) == ["ruff", "bandit", "semgrep", "secrets"]  # syntax_check, security_scan
    assert gates["ruff"].select == ("C901",)  # complexity_annotation → ruff's mccabe rule
    assert cfg.fallback and cfg.max_attempts == 3


def test_seed_provider_without_url_is_not_configured_but_known() -> None:
    providers = {p.name: p for p in config.load(SEED).providers}
    assert not providers["ga-standard"].configured
    assert providers["deepseek-v4-flash"].configured
    assert providers["deepseek-v4-flash"].base_url == "https://api.deepseek.com"


def test_unknown_provider_without_url_is_not_configured() -> None:
    cfg = config.loads("providers:\n  - name: my-model\n    cost_per_output_token: 1.0e-6\n", "c")
    assert not cfg.providers[0].configured


def test_validation_disabled_turns_gates_off_and_fallback_off() -> None:
    cfg = config.loads("validation:\n  enabled: false\n  fallback_on_failure: false\n", "c")
    assert cfg.gates == () and not cfg.fallback and cfg.max_attempts == 1


def test_empty_gates_list_turns_gates_off() -> None:
    assert config.loads("gates: []\n", "c").gates == ()


def test_gate_options() -> None:
    cfg = config.loads(
        "gates:\n  - ruff\n  - {name: semgrep, rules: [rules/], timeout_s: 30}\n", "c"
    )
    assert cfg.gates[1].rules == ("rules/",) and cfg.gates[1].timeout_s == 30


def test_quality_per_category_and_full_provider() -> None:
    text = """
providers:
  - name: local
    api: anthropic
    base_url: http://127.0.0.1:9/v1
    model: m
    api_key_env: null
    cost_per_input_token: 0
    cost_per_output_token: 0
    quality: {review: 7.0, boilerplate: 9.0}
    supported_tasks: [review, boilerplate]
    max_concurrency: 2
    context_window: 8192
"""
    (local,) = config.loads(text, "c").providers
    assert local.api == "anthropic" and local.api_key_env is None
    assert local.quality_for("review") == 7.0 and local.quality_for("debugging") == 0.0


def test_extra_categories_from_categories_section() -> None:
    cfg = config.loads("categories:\n  algorithm: {min_quality: 9.2}\n", "c")
    assert cfg.categories["algorithm"].min_quality == 9.2
    assert cfg.categories["algorithm"].max_output_tokens == 1500


def test_supported_tasks_may_name_a_known_category_the_config_leaves_off() -> None:
    text = (
        "providers:\n  - {name: deep, cost_per_output_token: 0.000002,"
        " supported_tasks: [review, algorithm, architecture]}\n"
    )
    cfg = config.loads(text, "c.yaml")
    (provider,) = cfg.providers
    assert provider.supported_tasks == ("review", "algorithm", "architecture")
    assert "algorithm" not in cfg.categories  # listed, not enabled: nothing is routed to it


def test_classify_rules() -> None:
    text = "classify:\n  rules:\n    - {path: 'src/auth/**', category: review}\n"
    (rule,) = config.loads(text, "c").classify_rules
    assert rule.category == "review" and rule.reason == "config rule: src/auth/**"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("budget_usd: lots\n", "c.yaml:1: budget_usd: expected a number, got a string"),
        ("budget_usd: -1\n", "c.yaml:1: budget_usd: must be at least 0.0, got -1"),
        ("fail_on: sometimes\n", "c.yaml:1: fail_on: expected one of error, warning, never"),
        ("budget: 1\n", "c.yaml:1: budget: unknown key (a typo?)"),
        ("providers:\n  - name: x\n    cost_per_output_token: 1\n    colour: red\n",
         "c.yaml:4: providers.0.colour: unknown key"),
        ("providers:\n  - cost_per_output_token: 1\n", "providers.0.name: missing"),
        ("providers:\n  - name: x\n", "providers.0.cost_per_output_token: missing"),
        ("providers:\n  - name: x\n    cost_per_output_token: 1\n    supported_tasks: [poetry]\n",
         "c.yaml:4: providers.0.supported_tasks: unknown category 'poetry' (known: algorithm,"),
        ("providers:\n  - name: x\n    cost_per_output_token: 1\n    supported_tasks: [reveiw]\n",
         "supported_tasks: unknown category 'reveiw'; did you mean 'review'?"),
        ("providers:\n  - {name: deepseek-r1}\n  - {name: deepseek-r1}\n", "'deepseek-r1' repeats"),
        ("gates: [ruff, pylint]\n", "c.yaml:1: gates.1.name: expected one of ruff, bandit"),
        ("validation:\n  gates: [lint]\n", "c.yaml:2: validation.gates: unknown gate 'lint'"),
        ("routing:\n  max_output_tokens:\n    review: many\n", "routing.max_output_tokens.review"),
        ("classify:\n  rules:\n    - {category: review}\n", "exactly one of 'path'"),
        ("classify:\n  rules:\n    - {pattern: '(', category: review}\n", "invalid regular"),
        ("[1, 2]\n", "c.yaml:1: (top level): expected a mapping of settings, got a list"),
        ("a: [\n", "c.yaml:2: invalid YAML"),
        ("max_attempts: 1.5\n", "max_attempts: expected a whole number, got a number"),
        ("categories:\n  review: {upgrade: maybe}\n", "review.upgrade: expected true or false"),
        ("learning:\n  audit_share: 2\n", "c.yaml:2: learning.audit_share: must be at most 1.0"),
        ("learning:\n  min_samples: 0\n", "c.yaml:2: learning.min_samples: must be at least 1"),
        ("learning:\n  audits: 3\n", "c.yaml:2: learning.audits: unknown key"),
    ],
)  # fmt: skip
def test_bad_config_names_file_line_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.loads(text, "c.yaml")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_find_config_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.find_config(None, tmp_path) is None
    (tmp_path / ".hunkroute.yaml").write_text("budget_usd: 1\n")
    assert config.find_config(None, tmp_path) == tmp_path / ".hunkroute.yaml"
    (tmp_path / "other.yaml").write_text("budget_usd: 2\n")
    monkeypatch.setenv("HUNKROUTE_CONFIG", str(tmp_path / "other.yaml"))
    assert config.find_config(None, tmp_path) == tmp_path / "other.yaml"
    with pytest.raises(ConfigError, match="config file not found"):
        config.find_config(str(tmp_path / "missing.yaml"), tmp_path)


def test_unreadable_config_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"budget_usd: \xff\n")
    with pytest.raises(ConfigError, match="cannot read config"):
        config.load(bad)


def test_keys_and_usable_providers() -> None:
    cfg = config.load(None)
    assert "DEEPSEEK_API_KEY" in config.missing_keys(cfg.providers, {})
    usable = config.usable_providers(cfg, {"DEEPSEEK_API_KEY": "k"})
    assert {p.name for p in usable} == {"deepseek-v4-flash", "deepseek-r1"}


def test_starter_config_loads() -> None:
    from hunkroute.config.starter import STARTER

    cfg = config.loads(STARTER, "starter")
    assert [p.name for p in cfg.providers] == ["deepseek-v4-flash", "qwen3-coder-30b", "kimi-k2.5"]


def test_exponent_without_a_dot_is_a_number() -> None:
    # YAML 1.1 reads 3e-07 as a string; prices are naturally written that way
    text = "providers:\n  - {name: x, cost_per_output_token: 3e-07, cost_per_input_token: 1E-7}\n"
    (provider,) = config.loads(text, "c").providers
    assert provider.cost_per_output_token == 3e-07 and provider.cost_per_input_token == 1e-07
    assert config.loads("budget_usd: 5e-3\n", "c").budget_usd == 0.005


def test_tests_section_overrides_the_schema_defaults() -> None:
    cfg = config.loads("tests:\n  paths: [qa/]\n  max_severity: warning\n", "t.yaml")
    assert cfg.tests.paths == ("qa/",) and cfg.tests.max_severity == "warning"
    with pytest.raises(ConfigError, match=r"t.yaml:2: tests.max_severity: expected one of"):
        config.loads("tests:\n  max_severity: loud\n", "t.yaml")


def test_only_listed_providers_are_marked_as_the_users() -> None:
    assert not any(p.listed for p in config.load(None).providers)  # the whole catalogue
    assert all(p.listed for p in config.load(SEED).providers)


def test_learning_section() -> None:
    assert config.loads("", "c.yaml").learning == config.LearningConfig()
    loaded = config.loads("learning: {enabled: false, audit_share: 0.2, min_samples: 5}\n", "c")
    assert loaded.learning == config.LearningConfig(False, 0.2, 5)
