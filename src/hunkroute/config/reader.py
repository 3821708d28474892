"""A small typed reader over loaded YAML that remembers where each value came from.

``Reader`` hands out typed values key by key and records which keys it consumed, so that an
unknown key (usually a typo) is an error naming its file, line and dotted path, not a setting
silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import yaml

from hunkroute.errors import ConfigError

Path = tuple[str, ...]
_YAML12_EXPONENT = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$")
T = TypeVar("T", bound=str)


def line_index(node: yaml.Node, path: Path = ()) -> dict[Path, int]:
    """Map each key path of a composed YAML document to its 1-based line."""
    lines: dict[Path, int] = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (str(key.value),)
            lines.update(line_index(value, child))
            lines[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(line_index(item, path + (str(index),)))
    return lines


def _type_name(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "a mapping", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


class Reader:
    """Typed access to one mapping of the config, failing with file, line and key path."""

    def __init__(
        self,
        data: Any,
        path: Path,
        source: str,
        lines: Mapping[Path, int],
        expected: str = "a mapping",
    ) -> None:
        self.path = path
        self.source = source
        self.lines = lines
        self.used: set[str] = set()
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.fail(path, f"expected {expected}, got {_type_name(data)}")
        self.data: dict[str, Any] = data

    def fail(self, path: Path, message: str) -> NoReturn:
        probe = path
        while probe and probe not in self.lines:
            probe = probe[:-1]
        line = self.lines.get(probe)
        where = f"{self.source}:{line}" if line else self.source
        key = ".".join(path) or "(top level)"
        raise ConfigError(f"{where}: {key}: {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def keys(self) -> list[str]:
        return [str(k) for k in self.data]

    def _get(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def reject_unknown(self) -> None:
        unknown = [str(k) for k in self.data if k not in self.used]
        if unknown:
            self.fail(self.path + (unknown[0],), "unknown key (a typo?)")

    def section(self, key: str) -> Reader:
        return Reader(self._get(key), self.path + (key,), self.source, self.lines)

    def number(
        self,
        key: str,
        default: float | None,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> Any:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, str) and _YAML12_EXPONENT.match(value):
            value = float(value)  # PyYAML (YAML 1.1) reads 3e-07, without a dot, as a string
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(self.path + (key,), f"expected a number, got {_type_name(value)}")
        self._check_range(key, value, minimum, maximum)
        return float(value)

    def integer(self, key: str, default: int, minimum: int | None = None) -> int:
        value = self.optional_int(key, default)
        self._check_range(key, value, minimum, None)
        assert value is not None  # the default is an int
        return value

    def optional_int(self, key: str, default: int | None) -> int | None:
        value = self._get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(self.path + (key,), f"expected a whole number, got {_type_name(value)}")
        return value

    def _check_range(
        self, key: str, value: float | None, minimum: float | None, maximum: float | None
    ) -> None:
        if value is None:
            return
        if minimum is not None and value < minimum:
            self.fail(self.path + (key,), f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            self.fail(self.path + (key,), f"must be at most {maximum}, got {value}")

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(self.path + (key,), f"expected true or false, got {_type_name(value)}")
        return value

    def optional_string(self, key: str, default: str | None) -> str | None:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(self.path + (key,), f"expected a non-empty string, got {_type_name(value)}")
        return value

    def string(self, key: str, default: str) -> str:
        return self.optional_string(key, default) or default

    def required_string(self, key: str) -> str:
        value = self.optional_string(key, None)
        if value is None:
            self.fail(self.path + (key,), "missing: a non-empty string is required")
        return value

    def choice(self, key: str, choices: Sequence[T], default: T | None) -> T:
        value = self._get(key)
        if value is None and default is not None:
            return default
        if value not in choices:
            expected = ", ".join(choices)
            got = "nothing" if value is None else repr(value)
            self.fail(self.path + (key,), f"expected one of {expected}; got {got}")
        return choices[list(choices).index(value)]

    def string_list(self, key: str, default: list[str]) -> list[str]:
        value = self._get(key)
        if value is None:
            return list(default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(self.path + (key,), "expected a list of strings")
        return value

    def mapping_of_ints(self, key: str) -> dict[str, int]:
        value = self._get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(self.path + (key,), f"expected a mapping, got {_type_name(value)}")
        for name, item in value.items():
            if isinstance(item, bool) or not isinstance(item, int) or item < 0:
                self.fail(self.path + (key, str(name)), "expected a whole number >= 0")
        return {str(k): v for k, v in value.items()}

    def list_of_sections(self, key: str) -> list[Reader] | None:
        value = self._get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.fail(self.path + (key,), f"expected a list, got {_type_name(value)}")
        return [
            Reader(item, self.path + (key, str(i)), self.source, self.lines)
            for i, item in enumerate(value)
        ]

    def list_of_gates(self, key: str) -> list[Reader]:
        """Gates may be plain names or mappings with options; names become ``{name: ...}``."""
        value = self._get(key)
        if not isinstance(value, list):
            self.fail(self.path + (key,), f"expected a list, got {_type_name(value)}")
        return [
            Reader(
                {"name": item} if isinstance(item, str) else item,
                self.path + (key, str(i)),
                self.source,
                self.lines,
                "a gate name or a mapping with 'name'",
            )
            for i, item in enumerate(value)
        ]

    def quality(
        self, key: str, default: float | Mapping[str, float], categories: Mapping[str, Any]
    ) -> dict[str, float]:
        """A number for every category, or a mapping category → number."""
        value = self._get(key)
        value = default if value is None else value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"*": float(value)}
        if not isinstance(value, dict):
            self.fail(self.path + (key,), "expected a number or a mapping category → number")
        result = {}
        for name, score in value.items():
            if name != "*" and name not in categories:
                self.fail(self.path + (key, str(name)), f"unknown category {name!r}")
            if isinstance(score, bool) or not isinstance(score, int | float):
                self.fail(self.path + (key, str(name)), "expected a number")
            result[str(name)] = float(score)
        return result

    def regex(self, pattern: str, key: str) -> None:
        try:
            re.compile(pattern)
        except re.error as exc:
            self.fail(self.path + (key,), f"invalid regular expression: {exc}")
