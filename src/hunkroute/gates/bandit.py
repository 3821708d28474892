"""bandit: Python security checks, ``bandit -f json``, honouring ``# nosec`` and the repo's config.

The repository's ``[tool.bandit]`` (pyproject.toml) is passed with ``-c``. A ``.bandit`` INI file is
not handed to bandit: it may name an output file or targets, and config from a pull request is
untrusted input, so only its ``skips`` and ``tests`` are read and passed as flags.
"""

from __future__ import annotations

import configparser
import json
import tomllib
from collections.abc import Mapping
from typing import Any

from hunkroute.gates.interface import GateJob, relative
from hunkroute.model import Finding, GateName, Severity

Level = str  # bandit's HIGH / MEDIUM / LOW (UNDEFINED in odd plugins)

# (severity, confidence) → ours. A finding bandit itself is unsure of is one step milder.
SEVERITY: dict[tuple[Level, Level], Severity] = {
    ("HIGH", "HIGH"): "error",
    ("HIGH", "MEDIUM"): "error",
    ("HIGH", "LOW"): "warning",
    ("MEDIUM", "HIGH"): "warning",
    ("MEDIUM", "MEDIUM"): "warning",
    ("MEDIUM", "LOW"): "note",
    ("LOW", "HIGH"): "note",
    ("LOW", "MEDIUM"): "note",
    ("LOW", "LOW"): "note",
}


def severity(level: Level, confidence: Level) -> Severity:
    return SEVERITY.get((level.upper(), confidence.upper()), "warning")


def config_flags(user_configs: Mapping[str, str], config_file: str | None) -> list[str]:
    """Flags for the user's bandit settings: ``-c`` for a config file, ``-s``/``-t`` (.bandit)."""
    if config_file:
        return ["-c", config_file]
    flags: list[str] = []
    if _pyproject_has_bandit(user_configs.get("pyproject.toml")):
        flags += ["-c", "pyproject.toml"]
    ini = configparser.ConfigParser(interpolation=None)
    try:
        ini.read_string(user_configs.get(".bandit", ""))
    except configparser.Error:
        return flags
    for key, flag in (("skips", "-s"), ("tests", "-t")):
        value = ini.get("bandit", key, fallback="").strip()
        if value:
            flags += [flag, value]
    return flags


def _pyproject_has_bandit(text: str | None) -> bool:
    if text is None:
        return False
    try:
        return "bandit" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return False


class BanditGate:
    """The bandit gate."""

    name: GateName = "bandit"
    tool = "bandit"
    ok_codes = frozenset({0, 1})  # 1: issues found; a crash is caught by unreadable output

    def command(self, job: GateJob) -> list[str] | None:
        targets = sorted(p for p in job.python_files() if p.endswith(".py"))
        if not targets:
            return None
        flags = config_flags(job.user_configs, job.settings.config_file)
        if job.settings.select:
            flags += ["-t", ",".join(job.settings.select)]
        return ["-f", "json", "-q", *flags, "--", *targets]

    def environment(self, env: Mapping[str, str], job: GateJob) -> dict[str, str]:
        return dict(env)

    def parse(self, output: str, job: GateJob) -> list[Finding]:
        data = json.loads(output)
        return [_finding(item, job) for item in data["results"]]


def _finding(item: Mapping[str, Any], job: GateJob) -> Finding:
    lines = [int(n) for n in item.get("line_range") or [item["line_number"]]]
    line = int(item["line_number"])
    return Finding(
        file=relative(str(item["filename"]), job.root),
        line=line,
        end_line=max([line, *lines]),
        severity=severity(str(item["issue_severity"]), str(item["issue_confidence"])),
        source="bandit",
        rule=str(item["test_id"]),
        message=f"{item['issue_text']} ({item['issue_severity']} severity, "
        f"{item['issue_confidence']} confidence)",
    )


BANDIT = BanditGate()
