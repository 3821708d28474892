"""Which rules of different tools name the same problem (issue 13): data only.

Keys are ``(source, rule)``; values are the problem's name, which is the id of hunkroute's
semgrep rule for it (``gates/rules/*.yaml``), so that a semgrep finding is its own key. Bandit
ids from bandit's documentation (``bandit -h`` lists them).
"""

from __future__ import annotations

from hunkroute.model import Source

BANDIT_TO_SEMGREP: dict[str, str] = {
    "B602": "subprocess-shell-true",  # subprocess call with shell=True
    "B604": "subprocess-shell-true",  # any other function with shell=True
    "B301": "unsafe-deserialization",  # pickle and friends
    "B403": "unsafe-deserialization",  # import pickle
    "B307": "eval-exec-dynamic",  # eval
    "B102": "eval-exec-dynamic",  # exec
    "B501": "tls-verification-disabled",  # requests with verify=False
    "B506": "yaml-unsafe-load",  # yaml.load
    "B108": "insecure-temp-file",  # hardcoded /tmp
    "B306": "insecure-temp-file",  # mktemp
    "B324": "weak-hash-for-security",  # md5/sha1 without usedforsecurity=False
    "B105": "hardcoded-secret",  # hardcoded password string
    "B106": "hardcoded-secret",  # hardcoded password argument
    "B605": "os-system-dynamic",  # os.system and friends with a shell
    "B202": "tarfile-extract-unfiltered",  # tarfile.extractall without a filter
    "B201": "debug-server-enabled",  # flask debug=True
    "B104": "bind-all-interfaces",  # 0.0.0.0
    "B103": "chmod-world-writable",  # permissive file mode
    "B311": "insecure-random-secret",  # random for security
    "B701": "jinja-autoescape-off",  # jinja2 autoescape=False
    "B608": "sql-built-from-strings",  # SQL built from strings
}

PROBLEMS: dict[tuple[Source, str], str] = {
    ("bandit", rule): problem for rule, problem in BANDIT_TO_SEMGREP.items()
}


def problem_of(source: Source, rule: str) -> str | None:
    """The shared problem a finding names, or None when no other tool reports it."""
    if source == "semgrep":
        return rule
    return PROBLEMS.get((source, rule))
