"""The config schema: typed, frozen values with the defaults, so that no file is needed.

Two dialects load into the same ``Config``: hunkroute's own keys, and the seed article's
``ai-router.config.yaml`` template (``routing:``, ``validation:``), which must load unchanged and
mean what it says there. Every mistake is a ``ConfigError`` naming the file, the line and the
key path, and what was expected. This module holds the values and the loading; the reader of
each section is in ``configparse.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Literal, get_args

from hunkroute.model import BOILERPLATE, DEBUGGING, REVIEW, SKIP

DEFAULT_QUALITY = 8.0  # an unknown model's claimed quality, for every category
FailOn = Literal["error", "warning", "never"]
# The provider registry (models/providers/registry.py) is keyed by these names; a test keeps
# the two equal.
Api = Literal["openai", "anthropic"]
API_NAMES: tuple[Api, ...] = get_args(Api)
FAIL_ON: tuple[FailOn, ...] = get_args(FailOn)
SeverityName = Literal["error", "warning", "note"]
SEVERITIES: tuple[SeverityName, ...] = get_args(SeverityName)
CONFIG_FILE_NAMES = ("hunkroute.yaml", ".hunkroute.yaml")
LEDGER_IN_CACHE_DIR = ""  # the ``ledger`` default: a SQLite file in ``cache_dir``
# The gates' own config files at the repository root (ruff's and bandit's sections, ruff.toml,
# .bandit), and .semgrepignore, which would hide files from semgrep.
GATE_CONFIG_NAMES = ("pyproject.toml", "ruff.toml", ".ruff.toml", ".bandit")
TOOL_READ_NAMES = (*GATE_CONFIG_NAMES, ".semgrepignore")

# The seed's gate words, mapped onto the real tools that do that job.
SEED_GATES: dict[str, tuple[str, ...]] = {
    "syntax_check": ("ruff",),
    "security_scan": ("bandit", "semgrep", "secrets"),
    "complexity_annotation": ("ruff",),
}


DEFAULT_EXCLUDE = (
    "**/vendor/**", "vendor/**", "**/third_party/**", "third_party/**", "**/node_modules/**",
    "node_modules/**", "**/*.min.js", "**/*.min.css", "**/*_pb2.py", "**/*_pb2_grpc.py",
    "**/*.pb.go", "**/*.generated.*", "**/generated/**", "**/dist/**", "dist/**",
    "**/*.snap", "**/__snapshots__/**",
)  # fmt: skip
DEFAULT_LOCK_FILES = (
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "Pipfile.lock",
    "uv.lock", "Cargo.lock", "Gemfile.lock", "composer.lock", "go.sum", "pdm.lock",
    "requirements*.lock", "*.lock",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """One model endpoint, its prices, quality and limits."""

    name: str
    cost_per_input_token: float
    cost_per_output_token: float
    quality: Mapping[str, float]
    supported_tasks: tuple[str, ...]
    api: Api = "openai"
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    cost_per_cached_input_token: float | None = None
    latency_target_ms: int | None = None
    max_concurrency: int = 4
    context_window: int = 32_768
    json_mode: bool = True
    temperature: float = 0.0
    timeout_s: float = 60.0
    routing_mode: str | None = None
    listed: bool = True  # named in the user's ``providers:``, not taken whole from the catalogue

    @property
    def configured(self) -> bool:
        """True when hunkroute knows where and what to call."""
        return bool(self.base_url and self.model)

    def quality_for(self, category: str) -> float:
        return self.quality.get(category, self.quality.get("*", 0.0))

    def supports(self, category: str) -> bool:
        return category in self.supported_tasks


@dataclass(frozen=True, slots=True)
class CategoryConfig:
    """What a category of work may cost and how good its model must be."""

    name: str
    max_output_tokens: int
    min_quality: float
    risk: int
    context_lines: int
    upgrade: bool


@dataclass(frozen=True, slots=True)
class GateConfig:
    """One static gate and its options."""

    name: str
    timeout_s: float = 120.0
    select: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    config_file: str | None = None


@dataclass(frozen=True, slots=True)
class FilesConfig:
    """Which files are looked at."""

    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    lock_files: tuple[str, ...] = DEFAULT_LOCK_FILES
    max_file_bytes: int = 1_000_000
    max_hunk_lines: int = 400


@dataclass(frozen=True, slots=True)
class ClassifyRule:
    """A user rule: hunks whose path matches a glob or whose added lines match a regex."""

    category: str
    reason: str
    path: str | None = None
    pattern: str | None = None


@dataclass(frozen=True, slots=True)
class LimitsConfig:
    """Caps that keep a huge PR from becoming a huge bill or a wall of comments."""

    max_hunks: int = 2000
    max_model_requests: int = 200
    max_comments: int = 50


@dataclass(frozen=True, slots=True)
class RetryConfig:
    """How hard to try a provider before falling back."""

    max_retries: int = 3
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    breaker_threshold: int = 3
    connect_timeout_s: float = 10.0


@dataclass(frozen=True, slots=True)
class PrecommitConfig:
    """Settings for the interactive hook: small budget, short deadline, fast models."""

    budget_usd: float = 0.05
    deadline_s: float = 20.0
    prefer_low_latency: bool = True


@dataclass(frozen=True, slots=True)
class GitHubConfig:
    """Settings for posting to pull requests."""

    comment_min_severity: SeverityName = "warning"
    summary_comment: bool = False


DEFAULT_TEST_PATHS = (
    "tests/",
    "test_*.py",
    "*_test.py",
    "tests.py",
    "*_tests.py",
    "conftest.py",
    "testing/",
)


@dataclass(frozen=True, slots=True)
class TestsConfig:
    """Test code: where it lives, and how loud a gate finding in it may be (issue 13).

    A path entry ending in ``/`` is a folder anywhere in the path; any other entry is a glob
    matched against the file name (or the whole path when it holds a ``/``).
    """

    paths: tuple[str, ...] = DEFAULT_TEST_PATHS
    max_severity: SeverityName = "note"


@dataclass(frozen=True, slots=True)
class LearningConfig:
    """Routing that learns each model's worth on this code from the ledger's evidence."""

    enabled: bool = True  # takes effect when a ledger is there to learn from
    audit_share: float = 0.1  # of the budget, at most, for asking a second model about a hunk
    min_samples: int = 8  # comparisons before a pair's learned quality replaces its claim


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated configuration."""

    providers: tuple[ProviderConfig, ...]
    categories: Mapping[str, CategoryConfig]
    gates: tuple[GateConfig, ...]
    budget_usd: float = 0.50
    fail_on: FailOn = "error"
    fail_closed: bool = False
    max_attempts: int = 3  # the planned model and two fallbacks; 1 when fallback is off
    fallback: bool = True
    # 0: the seed's rule, cheapest good enough; more money only on evidence (issue 14). It was
    # 0.5, which sent every review hunk to the priciest model whenever budget was left.
    upgrade_share: float = 0.0
    escalate_on_findings: bool = False  # start a hunk with a blocking prescan finding higher
    cache_dir: str = ".hunkroute-cache"
    ledger: str | None = LEDGER_IN_CACHE_DIR  # a URL; ``None`` turns the ledger off
    pr_budget_usd: float | None = None  # all runs of one PR together, across pushes
    monthly_budget_usd: float | None = None  # all runs in the ledger, per UTC calendar month
    files: FilesConfig = field(default_factory=lambda: FilesConfig())
    classify_rules: tuple[ClassifyRule, ...] = ()
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    retry: RetryConfig = field(default_factory=RetryConfig)
    precommit: PrecommitConfig = field(default_factory=PrecommitConfig)
    github: GitHubConfig = field(default_factory=GitHubConfig)
    tests: TestsConfig = field(default_factory=TestsConfig)
    learning: LearningConfig = field(default_factory=LearningConfig)
    source: str = "built-in defaults"

    def provider(self, name: str) -> ProviderConfig:
        return next(p for p in self.providers if p.name == name)

    def risk(self, category: str) -> int:
        found = self.categories.get(category)
        return found.risk if found else 0

    def with_budget(self, budget_usd: float) -> Config:
        return replace(self, budget_usd=budget_usd)


DEFAULT_CATEGORIES: dict[str, dict[str, Any]] = {
    REVIEW: {"max_output_tokens": 1200, "min_quality": 8.5, "risk": 3, "context_lines": 60},
    DEBUGGING: {"max_output_tokens": 800, "min_quality": 8.0, "risk": 2, "context_lines": 40},
    BOILERPLATE: {"max_output_tokens": 500, "min_quality": 7.0, "risk": 1, "context_lines": 10},
    SKIP: {"max_output_tokens": 0, "min_quality": 0.0, "risk": 0, "context_lines": 0},
    # The seed's extra categories, live when a config names them.
    "algorithm": {"max_output_tokens": 1500, "min_quality": 9.0, "risk": 2, "context_lines": 80},
    "architecture": {"max_output_tokens": 2000, "min_quality": 9.0, "risk": 3, "context_lines": 80},
}
BUILTIN_CATEGORIES = (REVIEW, DEBUGGING, BOILERPLATE, SKIP)


def missing_keys(providers: Sequence[ProviderConfig], env: Mapping[str, str]) -> list[str]:
    """Env var names of configured providers whose key is not set."""
    return sorted(
        {
            p.api_key_env
            for p in providers
            if p.configured and p.api_key_env and not env.get(p.api_key_env)
        }
    )


def usable_providers(config: Config, env: Mapping[str, str]) -> tuple[ProviderConfig, ...]:
    """Providers that can be called now: configured, and with their key when they need one."""
    return tuple(
        p
        for p in config.providers
        if p.configured and (not p.api_key_env or env.get(p.api_key_env))
    )


def default(cls: type[Any], name: str) -> Any:
    """The schema's default for one field: readers take it from here instead of repeating it."""
    found = next(f for f in fields(cls) if f.name == name)
    if found.default is not MISSING:
        return found.default
    if found.default_factory is not MISSING:
        return found.default_factory()
    raise LookupError(f"{cls.__name__}.{name} has no default")
