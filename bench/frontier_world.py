"""The simulated world of ``frontier.py``: planted problems, a PR stream, models of known skill.

Every added hunk carries exactly one planted problem with a known fix that the real gates
accept (ruff, bandit and semgrep judge it in the bench, as in a run). Which directory a file is
in decides its category (a ``classify.rules`` path rule), so the category of each problem is
known too. The fake provider (a loopback OpenAI-compatible server, ``tests.helpers.fake_llm``)
answers each hunk by a fixed draw per hunk, compared with the asking model's true skill for the
category: a correct fix, a suggestion the gates reject (it does not parse), or a silent miss
(no finding). One draw per hunk for all models means a hard hunk is hard for every model, so a
cheap model's fixes are mostly a subset of the best one's, as they are in life.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from tests.helpers.fake_llm import Say, Seen

SEED = "frontier-1"
CATEGORY_DIRS = {"api": "review", "core": "debugging", "util": "boilerplate"}
HEADER = "import hashlib\nimport shlex\nimport subprocess\n\nimport requests\nimport yaml\n\n\n"
BASE = "def keep(value):\n    return value\n"


@dataclass(frozen=True)
class Problem:
    """A planted problem: the function's lines (``{n}`` makes names unique), bad line, fix."""

    directory: str
    lines: tuple[str, ...]
    bad: str
    fix: str


PROBLEMS = (
    Problem("api", ("def load_{n}(text):", "    data = yaml.load(text)", "    return data"),
            "    data = yaml.load(text)", "    data = yaml.safe_load(text)"),
    Problem("api", ("def digest_{n}(payload):", "    return hashlib.md5(payload).hexdigest()"),
            "    return hashlib.md5(payload).hexdigest()",
            "    return hashlib.sha256(payload).hexdigest()"),
    Problem("api", ("def run_{n}(cmd):", "    return subprocess.call(cmd, shell=True)"),
            "    return subprocess.call(cmd, shell=True)",
            "    return subprocess.call(shlex.split(cmd))"),
    Problem("api",
            ("def fetch_{n}(url):", "    return requests.get(url, verify=False, timeout=10)"),
            "    return requests.get(url, verify=False, timeout=10)",
            "    return requests.get(url, timeout=10)"),
    Problem("core", ("def total_{n}(items):", "    total = 0",
                     "    for i in range(len(items) - 1):", "        total += items[i]",
                     "    return total"),
            "    for i in range(len(items) - 1):", "    for i in range(len(items)):"),
    Problem("core", ("def parse_{n}(text):", "    try:", "        return int(text)", "    except:",
                     "        return None"),
            "    except:", "    except ValueError:"),
    Problem("core", ("def first_{n}(items):", "    if items == None:", "        return None",
                     "    return items[0]"),
            "    if items == None:", "    if items is None:"),
    Problem("core", ("def is_adult_{n}(age):", "    return age > 18"),
            "    return age > 18", "    return age >= 18"),
    Problem("util", ("def switch_{n}(flag):", "    if flag == True:", '        return "on"',
                     '    return "off"'),
            "    if flag == True:", "    if flag:"),
    Problem("util", ("def is_int_{n}(value):", "    return type(value) == int"),
            "    return type(value) == int", "    return isinstance(value, int)"),
    Problem("util", ("def greet_{n}(name):", '    return "Hello, %s" % name'),
            '    return "Hello, %s" % name', '    return f"Hello, {name}"'),
)  # fmt: skip
BY_BAD = {p.bad: p for p in PROBLEMS}


@dataclass(frozen=True)
class Skill:
    """How often a model gives the known fix, a suggestion the gates reject; the rest it misses."""

    fix: float
    reject: float


# The truth the simulation draws from. Claims (in frontier.py's config) lie about cheap both
# ways: 8.7 for review, where it fixes under a third and silently misses half; 7.5 for
# debugging (under min_quality 8), where it fixes nearly as much as the best model.
TRUE_SKILL: dict[str, dict[str, Skill]] = {
    "premium": {"review": Skill(0.92, 0.03), "debugging": Skill(0.93, 0.03),
                "boilerplate": Skill(0.95, 0.02)},
    "mid": {"review": Skill(0.87, 0.04), "debugging": Skill(0.87, 0.05),
            "boilerplate": Skill(0.92, 0.03)},
    "cheap": {"review": Skill(0.28, 0.22), "debugging": Skill(0.88, 0.05),
              "boilerplate": Skill(0.92, 0.04)},
}  # fmt: skip
PRICES = {"premium": (3.0e-6, 15.0e-6), "mid": (0.8e-6, 3.2e-6), "cheap": (0.15e-6, 0.6e-6)}
CLAIMS = {"premium": {"review": 9.4, "debugging": 9.4, "boilerplate": 9.4},
          "mid": {"review": 8.9, "debugging": 8.9, "boilerplate": 8.9},
          "cheap": {"review": 8.7, "debugging": 7.5, "boilerplate": 8.0}}  # fmt: skip


@dataclass(frozen=True)
class Planted:
    """Where one planted problem is in a PR, and its fix."""

    file: str
    line: int
    category: str
    fix: str


@dataclass(frozen=True)
class PullRequest:
    """Old and new file contents of one PR, and what is planted in it."""

    number: int
    old: Mapping[str, str]
    new: Mapping[str, str]
    planted: tuple[Planted, ...]


def stream(count: int, per_pr: int = 6) -> list[PullRequest]:
    """``count`` PRs of ``per_pr`` files, each one hunk with one problem, cycling the kinds."""
    prs = []
    for number in range(count):
        old: dict[str, str] = {}
        new: dict[str, str] = {}
        planted = []
        for slot in range(per_pr):
            problem = _pick(number, slot)
            path = f"{problem.directory}/m{number}_{slot}.py"
            lines = [line.format(n=f"{number}_{slot}") for line in problem.lines]
            old[path] = HEADER + BASE
            new[path] = HEADER + BASE + "\n\n" + "\n".join(lines) + "\n"
            at = (HEADER + BASE + "\n\n").count("\n") + 1 + lines.index(problem.bad)
            planted.append(Planted(path, at, CATEGORY_DIRS[problem.directory], problem.fix))
        prs.append(PullRequest(number, old, new, tuple(planted)))
    return prs


def _pick(number: int, slot: int) -> Problem:
    """Two files of each category per PR, the kinds turning over from PR to PR."""
    directory = ("api", "core", "util")[slot % 3]
    kinds = [p for p in PROBLEMS if p.directory == directory]
    return kinds[(number + slot // 3) % len(kinds)]


def draw(file: str, line: int) -> float:
    digest = hashlib.sha256(f"{SEED}\0{file}\0{line}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


ROW = re.compile(r"^\s*(\d+) \+\| (.*)$")
FILE = re.compile(r"^File (\S+) \(")


def answer(seen: Seen) -> Say:
    """The fake's answer to one request: per planted line found in the prompt, by skill."""
    model = str(seen.body.get("model", "")).removeprefix("m-")
    findings, file = [], ""
    for text in seen.prompt.splitlines():
        if header := FILE.match(text):
            file = header.group(1)
        row = ROW.match(text)
        problem = BY_BAD.get(row.group(2)) if row else None
        if row and problem and file:
            finding = _finding(model, file, int(row.group(1)), problem)
            findings += [finding] if finding else []
    body = json.dumps({"findings": findings})
    return Say(body, usage=(len(seen.prompt) // 4, len(body) // 4 + 40, 0))


def _finding(model: str, file: str, line: int, problem: Problem) -> dict[str, object] | None:
    skill = TRUE_SKILL[model][CATEGORY_DIRS[problem.directory]]
    u = draw(file, line)
    if u < skill.fix:
        suggestion = problem.fix
    elif u < skill.fix + skill.reject:
        suggestion = problem.fix.rstrip(":") + "(("  # does not parse: the gates reject it
    else:
        return None
    return {"line": line, "end_line": line, "severity": "error", "message": "planted problem",
            "suggestion": suggestion}  # fmt: skip
