"""SARIF 2.1.0 for GitHub code scanning (``--format sarif``, ``github/codeql-action/upload-sarif``).

GitHub reads a subset of SARIF (FACTS.md §6): each rule needs ``id``, short and full descriptions
and ``help``; each result a message, a location and ``partialFingerprints``. The fingerprint is
the same content-based one the review comments carry, so alerts do not duplicate when lines
shift. Rule ids and paths stay stable across runs for the same reason.
"""

from __future__ import annotations

import json
from typing import Any

from hunkroute import __version__
from hunkroute.model import Finding, Report
from hunkroute.report import anchors
from hunkroute.report.comments import also_text
from hunkroute.report.view import PLAIN, View

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/hunkroute/hunkroute"
LEVEL = {"error": "error", "warning": "warning", "note": "note"}
PROBLEM = {"error": "error", "warning": "warning", "note": "recommendation"}
MAX_RESULTS = 25_000  # GitHub rejects a run with more


def rule_id(finding: Finding) -> str:
    return f"{finding.source}/{finding.rule}"


def _rule(finding: Finding) -> dict[str, Any]:
    rid = rule_id(finding)
    what = (
        f"{finding.source} rule {finding.rule}"
        if finding.source != "model"
        else f"AI review ({finding.rule}), suggestions checked by ruff, bandit and semgrep"
    )
    return {
        "id": rid,
        "name": rid.replace("/", "-"),
        "shortDescription": {"text": what[:1024]},
        "fullDescription": {"text": f"{what}; reported by hunkroute."[:1024]},
        "help": {"text": f"See the {finding.source} documentation for {finding.rule}."},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {
            "tags": ["hunkroute", finding.source],
            "problem.severity": PROBLEM[finding.severity],
            "precision": "medium" if finding.source == "model" else "high",
        },
    }


def _result(finding: Finding, index: int, fingerprint: str) -> dict[str, Any]:
    region = {"startLine": finding.line, "endLine": max(finding.line, finding.end_line)}
    result: dict[str, Any] = {
        "ruleId": rule_id(finding),
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": (finding.message or finding.rule) + also_text(finding)},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": finding.file}, "region": region}}
        ],
        "partialFingerprints": {
            "primaryLocationLineHash": fingerprint,
            "hunkroute/v1": fingerprint,
        },
    }
    if finding.model:
        result["properties"] = {"model": finding.model, "validated": finding.validated}
    if finding.also:  # the other tools that reported this problem on this line
        also = [{"source": r.source, "rule": r.rule} for r in finding.also]
        result.setdefault("properties", {})["also"] = also
    return result


def to_dict(report: Report) -> dict[str, Any]:
    """The SARIF log as a dictionary: one run, one rule per (source, rule) pair."""
    lines = anchors.diff_lines(r.hunk for r in report.hunks)
    findings = report.findings[:MAX_RESULTS]
    names = anchors.fingerprints(findings, lines)
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    results = []
    for finding, name in zip(findings, names, strict=True):
        rid = rule_id(finding)
        if rid not in rules:
            rules[rid] = len(rule_list)
            rule_list.append(_rule(finding))
        results.append(_result(finding, rules[rid], name))
    driver = {"name": "hunkroute", "version": __version__, "informationUri": INFO_URI}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {**driver, "rules": rule_list}},
                "automationDetails": {"id": "hunkroute/"},
                "results": results,
            }
        ],
    }


def render(report: Report, view: View = PLAIN) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
