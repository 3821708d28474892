"""Configuration: the schema (the only place defaults live), the file reader, the catalogue.

``schema`` holds the typed values and their defaults; ``reader`` and ``sections`` turn YAML into
them with line numbers in every message; ``load`` finds and reads the file; ``catalogue`` is the
built-in model table and ``starter`` the commented file ``init`` writes. The names below are the
package's public face, so callers need not know which module holds what.
"""

from hunkroute.config.load import find_config, load, loads, parse
from hunkroute.config.schema import (
    BUILTIN_CATEGORIES,
    CONFIG_FILE_NAMES,
    DEFAULT_CATEGORIES,
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
    missing_keys,
    usable_providers,
)

__all__ = [
    "BUILTIN_CATEGORIES",
    "CONFIG_FILE_NAMES",
    "DEFAULT_CATEGORIES",
    "CategoryConfig",
    "ClassifyRule",
    "Config",
    "FilesConfig",
    "GateConfig",
    "GitHubConfig",
    "LearningConfig",
    "LimitsConfig",
    "PrecommitConfig",
    "ProviderConfig",
    "RetryConfig",
    "TestsConfig",
    "find_config",
    "load",
    "loads",
    "missing_keys",
    "parse",
    "usable_providers",
]
