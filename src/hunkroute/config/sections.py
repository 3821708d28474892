"""Config sections → typed values: the reading half of ``config.py``.

Each section has a small reader function; ``parse_config`` assembles them into a ``Config``.
Both dialects land here: hunkroute's own keys and the seed article's ``routing:`` and
``validation:`` template, whose meaning is mapped onto ours (see ``SEED_GATES``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from hunkroute.config import catalogue
from hunkroute.config.reader import Reader
from hunkroute.config.schema import (
    API_NAMES,
    BUILTIN_CATEGORIES,
    DEFAULT_CATEGORIES,
    DEFAULT_QUALITY,
    FAIL_ON,
    SEED_GATES,
    SEVERITIES,
    CategoryConfig,
    ClassifyRule,
    Config,
    FilesConfig,
    GateConfig,
    GitHubConfig,
    LearningConfig,
    LimitsConfig,
    PrecommitConfig,
    ProviderConfig,
    RetryConfig,
    TestsConfig,
    default,
)
from hunkroute.model import GATE_NAMES, REVIEW


def parse_config(data: Any, source: str, lines: Mapping[tuple[str, ...], int]) -> Config:
    """Build a ``Config`` from already-loaded YAML data."""
    root = Reader(data, (), source, lines, "a mapping of settings")
    routing = root.section("routing")
    validation = root.section("validation")
    budget = root.number("budget_usd", None, minimum=0.0)
    if budget is None:
        budget = routing.number("default_budget_limit", default(Config, "budget_usd"), minimum=0.0)
    gates, fallback = _gates(root, validation)
    categories = _categories(root, routing)
    config = Config(
        budget_usd=budget,
        fail_on=root.choice("fail_on", FAIL_ON, default(Config, "fail_on")),
        fail_closed=root.boolean("fail_closed", default(Config, "fail_closed")),
        max_attempts=root.integer(
            "max_attempts", default(Config, "max_attempts") if fallback else 1, minimum=1
        ),
        fallback=fallback,
        upgrade_share=root.number(
            "upgrade_share", default(Config, "upgrade_share"), minimum=0.0, maximum=1.0
        ),
        escalate_on_findings=root.boolean(
            "escalate_on_findings", default(Config, "escalate_on_findings")
        ),
        cache_dir=root.string("cache_dir", default(Config, "cache_dir")),
        ledger=_ledger(root),
        pr_budget_usd=root.number("pr_budget_usd", default(Config, "pr_budget_usd"), 0.0),
        monthly_budget_usd=root.number(
            "monthly_budget_usd", default(Config, "monthly_budget_usd"), 0.0
        ),
        providers=_providers(root, categories),
        categories=categories,
        gates=gates,
        files=_files(root.section("files")),
        classify_rules=_classify_rules(root, categories),
        limits=_limits(root.section("limits")),
        retry=_retry(root.section("retry")),
        precommit=_precommit(root.section("precommit")),
        github=_github(root.section("github")),
        tests=_tests(root.section("tests")),
        learning=_learning(root.section("learning")),
        source=source,
    )
    for reader in (root, routing, validation):
        reader.reject_unknown()
    return config


def _ledger(root: Reader) -> str | None:
    """The ledger URL: absent means the default file, an explicit ``null`` turns it off."""
    url = root.optional_string("ledger", None)
    if url is None:
        return None if root.has("ledger") else default(Config, "ledger")
    return url


def _categories(root: Reader, routing: Reader) -> dict[str, CategoryConfig]:
    """Built-in categories plus any named by ``categories:`` or the seed's token caps."""
    seed_caps = routing.mapping_of_ints("max_output_tokens")
    section = root.section("categories")
    names = list(BUILTIN_CATEGORIES)
    names += [n for n in [*seed_caps, *section.keys()] if n not in names]
    result: dict[str, CategoryConfig] = {}
    for name in names:
        defaults = DEFAULT_CATEGORIES.get(name, DEFAULT_CATEGORIES[REVIEW])
        entry = section.section(name)
        cap = seed_caps.get(name, defaults["max_output_tokens"])
        result[name] = CategoryConfig(
            name=name,
            max_output_tokens=entry.integer("max_output_tokens", cap, minimum=0),
            min_quality=entry.number("min_quality", defaults["min_quality"], minimum=0.0),
            risk=entry.integer("risk", defaults["risk"], minimum=0),
            context_lines=entry.integer("context_lines", defaults["context_lines"], minimum=0),
            upgrade=entry.boolean("upgrade", name == REVIEW),
        )
        entry.reject_unknown()
    section.reject_unknown()
    return result


def _providers(
    root: Reader, categories: Mapping[str, CategoryConfig]
) -> tuple[ProviderConfig, ...]:
    """The configured providers, or the whole built-in catalogue when none are listed."""
    entries = root.list_of_sections("providers")
    listed = entries is not None
    if entries is None:
        entries = [
            Reader({"name": name}, ("providers", name), "built-in catalogue", {})
            for name in catalogue.CATALOGUE
        ]
    providers = tuple(replace(_provider(e, categories), listed=listed) for e in entries)
    names = [p.name for p in providers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        root.fail(("providers",), f"provider names must be unique, {duplicates[0]!r} repeats")
    return providers


def _known_tasks(entry: Reader, categories: Mapping[str, CategoryConfig]) -> list[str]:
    """``supported_tasks`` as listed: a known category counts even if this config leaves it off
    (the seed's model table lists ``algorithm``); an unknown name is a typo, with a guess."""
    tasks = entry.string_list("supported_tasks", [])
    known = sorted(set(categories) | set(DEFAULT_CATEGORIES))
    for task in tasks:
        if task not in known:
            guess = difflib.get_close_matches(task, known, n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else f" (known: {', '.join(known)})"
            entry.fail(entry.path + ("supported_tasks",), f"unknown category {task!r}{hint}")
    return tasks


def _provider(entry: Reader, categories: Mapping[str, CategoryConfig]) -> ProviderConfig:
    name = entry.required_string("name")
    base = catalogue.known(name) or {}
    output_price = entry.number("cost_per_output_token", base.get("cost_per_output_token"), 0.0)
    if output_price is None:
        entry.fail(entry.path + ("cost_per_output_token",), "missing: a price per output token")
    input_price = entry.number("cost_per_input_token", base.get("cost_per_input_token"), 0.0)
    if entry.has("supported_tasks"):
        tasks = _known_tasks(entry, categories)
    else:  # catalogue tasks in categories this config does not use are left out
        tasks = [t for t in base.get("supported_tasks", [REVIEW]) if t in categories]
    provider = ProviderConfig(
        name=name,
        api=entry.choice("api", API_NAMES, base.get("api", default(ProviderConfig, "api"))),
        base_url=entry.optional_string("base_url", base.get("base_url")),
        model=entry.optional_string("model", base.get("model")),
        api_key_env=entry.optional_string("api_key_env", base.get("api_key_env")),
        # An unknown input price is charged at the output price: reservations stay safe.
        cost_per_input_token=output_price if input_price is None else input_price,
        cost_per_output_token=output_price,
        cost_per_cached_input_token=entry.number(
            "cost_per_cached_input_token", base.get("cost_per_cached_input_token"), 0.0
        ),
        quality=entry.quality("quality", base.get("quality", DEFAULT_QUALITY), categories),
        supported_tasks=tuple(tasks),
        latency_target_ms=entry.optional_int("latency_target_ms", base.get("latency_target_ms")),
        max_concurrency=entry.integer(
            "max_concurrency", default(ProviderConfig, "max_concurrency"), minimum=1
        ),
        context_window=entry.integer(
            "context_window",
            base.get("context_window", default(ProviderConfig, "context_window")),
            1,
        ),
        json_mode=entry.boolean("json_mode", default(ProviderConfig, "json_mode")),
        temperature=entry.number(
            "temperature", default(ProviderConfig, "temperature"), minimum=0.0, maximum=2.0
        ),
        timeout_s=entry.number("timeout_s", default(ProviderConfig, "timeout_s"), minimum=0.1),
        routing_mode=entry.optional_string("routing_mode", base.get("routing_mode")),
    )
    entry.reject_unknown()
    return provider


def _gates(root: Reader, validation: Reader) -> tuple[tuple[GateConfig, ...], bool]:
    """Gates from ``gates:`` (ours) or ``validation:`` (the seed's), and the fallback flag."""
    fallback = validation.boolean("fallback_on_failure", default(Config, "fallback"))
    enabled = validation.boolean("enabled", True)
    if root.has("gates"):
        return tuple(_gate(item) for item in root.list_of_gates("gates")), fallback
    if not validation.has("gates"):
        gates = tuple(GateConfig(name) for name in GATE_NAMES) if enabled else ()
        return gates, fallback
    words = validation.string_list("gates", [])
    names: list[str] = []
    select: list[str] = []
    for word in words:
        if word not in SEED_GATES and word not in GATE_NAMES:
            known = ", ".join([*SEED_GATES, *GATE_NAMES])
            validation.fail(("validation", "gates"), f"unknown gate {word!r} (known: {known})")
        names += [g for g in SEED_GATES.get(word, (word,)) if g not in names]
        if word == "complexity_annotation":
            select.append("C901")
    if not enabled:
        return (), fallback
    return tuple(
        GateConfig(n, select=tuple(select) if n == "ruff" else ()) for n in names
    ), fallback


def _gate(item: Reader) -> GateConfig:
    gate = GateConfig(
        name=item.choice("name", GATE_NAMES, None),
        timeout_s=item.number("timeout_s", default(GateConfig, "timeout_s"), minimum=1.0),
        select=tuple(item.string_list("select", [])),
        rules=tuple(item.string_list("rules", [])),
        config_file=item.optional_string("config", None),
    )
    item.reject_unknown()
    return gate


def _files(section: Reader) -> FilesConfig:
    files = FilesConfig(
        exclude=tuple(section.string_list("exclude", list(default(FilesConfig, "exclude")))),
        lock_files=tuple(
            section.string_list("lock_files", list(default(FilesConfig, "lock_files")))
        ),
        max_file_bytes=section.integer(
            "max_file_bytes", default(FilesConfig, "max_file_bytes"), minimum=1
        ),
        max_hunk_lines=section.integer(
            "max_hunk_lines", default(FilesConfig, "max_hunk_lines"), minimum=1
        ),
    )
    section.reject_unknown()
    return files


def _classify_rules(
    root: Reader, categories: Mapping[str, CategoryConfig]
) -> tuple[ClassifyRule, ...]:
    section = root.section("classify")
    rules = []
    for item in section.list_of_sections("rules") or []:
        category = item.choice("category", tuple(categories), None)
        path, pattern = item.optional_string("path", None), item.optional_string("pattern", None)
        if (path is None) == (pattern is None):
            item.fail(item.path, "give exactly one of 'path' (a glob) or 'pattern' (a regex)")
        if pattern is not None:
            item.regex(pattern, "pattern")
        reason = item.optional_string("reason", None) or f"config rule: {path or pattern}"
        rules.append(ClassifyRule(category, reason, path, pattern))
        item.reject_unknown()
    section.reject_unknown()
    return tuple(rules)


def _limits(section: Reader) -> LimitsConfig:
    limits = LimitsConfig(
        max_hunks=section.integer("max_hunks", default(LimitsConfig, "max_hunks"), minimum=1),
        max_model_requests=section.integer(
            "max_model_requests", default(LimitsConfig, "max_model_requests"), minimum=0
        ),
        max_comments=section.integer(
            "max_comments", default(LimitsConfig, "max_comments"), minimum=0
        ),
    )
    section.reject_unknown()
    return limits


def _retry(section: Reader) -> RetryConfig:
    retry = RetryConfig(
        max_retries=section.integer("max_retries", default(RetryConfig, "max_retries"), minimum=0),
        backoff_s=section.number("backoff_s", default(RetryConfig, "backoff_s"), minimum=0.0),
        max_backoff_s=section.number(
            "max_backoff_s", default(RetryConfig, "max_backoff_s"), minimum=0.0
        ),
        breaker_threshold=section.integer(
            "breaker_threshold", default(RetryConfig, "breaker_threshold"), minimum=1
        ),
        connect_timeout_s=section.number(
            "connect_timeout_s", default(RetryConfig, "connect_timeout_s"), minimum=0.1
        ),
    )
    section.reject_unknown()
    return retry


def _precommit(section: Reader) -> PrecommitConfig:
    precommit = PrecommitConfig(
        budget_usd=section.number(
            "budget_usd", default(PrecommitConfig, "budget_usd"), minimum=0.0
        ),
        deadline_s=section.number(
            "deadline_s", default(PrecommitConfig, "deadline_s"), minimum=0.1
        ),
        prefer_low_latency=section.boolean(
            "prefer_low_latency", default(PrecommitConfig, "prefer_low_latency")
        ),
    )
    section.reject_unknown()
    return precommit


def _github(section: Reader) -> GitHubConfig:
    github = GitHubConfig(
        comment_min_severity=section.choice(
            "comment_min_severity", SEVERITIES, default(GitHubConfig, "comment_min_severity")
        ),
        summary_comment=section.boolean(
            "summary_comment", default(GitHubConfig, "summary_comment")
        ),
    )
    section.reject_unknown()
    return github


def _tests(section: Reader) -> TestsConfig:
    tests = TestsConfig(
        paths=tuple(section.string_list("paths", list(default(TestsConfig, "paths")))),
        max_severity=section.choice(
            "max_severity", SEVERITIES, default(TestsConfig, "max_severity")
        ),
    )
    section.reject_unknown()
    return tests


def _learning(section: Reader) -> LearningConfig:
    learning = LearningConfig(
        enabled=section.boolean("enabled", default(LearningConfig, "enabled")),
        audit_share=section.number(
            "audit_share", default(LearningConfig, "audit_share"), minimum=0.0, maximum=1.0
        ),
        min_samples=section.integer(
            "min_samples", default(LearningConfig, "min_samples"), minimum=1
        ),
    )
    section.reject_unknown()
    return learning
