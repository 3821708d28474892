"""Config files → a validated ``Config``: where the file is, how it is read, what it means.

The YAML is composed once for line numbers (``reader.line_index``) and read section by section by
``sections.parse_config``; every mistake is a ``ConfigError`` naming the file, line and key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from hunkroute.config.reader import line_index
from hunkroute.config.schema import CONFIG_FILE_NAMES, Config
from hunkroute.config.sections import parse_config
from hunkroute.errors import ConfigError


def find_config(explicit: str | None, root: Path) -> Path | None:
    """The config path from the flag, then ``HUNKROUTE_CONFIG``, then the repo root."""
    chosen = explicit or os.environ.get("HUNKROUTE_CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError(f"{chosen}: config file not found")
        return path
    return next((root / n for n in CONFIG_FILE_NAMES if (root / n).is_file()), None)


def load(path: Path | None) -> Config:
    """Read and validate a config file; ``None`` gives the built-in defaults."""
    if path is None:
        return parse({}, "built-in defaults", {})
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    return loads(text, str(path))


def loads(text: str, source: str) -> Config:
    """Validate config text; ``source`` names it in messages."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{source}{where}: invalid YAML: {problem}") from exc
    if data is None:
        data = {}
    lines = line_index(node) if node is not None else {}
    return parse(data, source, lines)


def parse(data: Any, source: str, lines: Mapping[tuple[str, ...], int]) -> Config:
    """Build a ``Config`` from already-loaded YAML data (``configparse`` reads every section)."""
    return parse_config(data, source, lines)
