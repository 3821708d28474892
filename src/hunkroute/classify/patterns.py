"""Token patterns per language: the classifier's signals for code ``ast`` cannot read.

Each pattern is a compiled regular expression over one line of code with a category, a weight
and a short reason. Review patterns of a language are also joined into one expression so that a
hunk with none of their tokens is rejected by a single search, which keeps the common case cheap.
All tables are module-level constants, compiled once at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from hunkroute.diff.unified import LANGUAGES, SPECIAL_NAMES
from hunkroute.model import BOILERPLATE, DEBUGGING, REVIEW, Line

PY = frozenset({"python"})
JS = frozenset({"javascript", "typescript", "vue"})
GO = frozenset({"go"})
JVM = frozenset({"java", "kotlin", "scala"})
SH = frozenset({"shell", "dockerfile", "make"})
YML = frozenset({"yaml"})
CLIKE = JS | GO | JVM | frozenset({"c", "cpp", "csharp", "swift", "rust", "php", "dart", "css"})
CONFIG_LANGUAGES = frozenset({"yaml", "toml", "json", "ini", "terraform", "xml"})
HASH_COMMENT = frozenset({"python", "ruby", "toml", "ini", "terraform", "elixir"}) | SH | YML


# a review signal this strong decides on its own: a risky construct needs no parse to confirm
# it, and its removal is a fix
DECISIVE = 3.0
TEST_FILE = re.compile(
    r"(^|/)(tests?|__tests__|spec|[Tt]est(ing|suite)|[Ss]elf_?[Tt]ests?)/|(^|/)test_[^/]*\.py$|"
    r"_test\.(py|go)$|\.(test|spec)\.[jt]sx?$"
    r"|Tests?\.(java|kt)$|(^|/)conftest\.py$|(^|/)tests?\.py$|_tests\.py$"
)


@lru_cache(maxsize=4096)  # each hunk of a file asks again
def is_test_file(path: str) -> bool:
    """A path that holds test code (``TEST_FILE``)."""
    return TEST_FILE.search(path) is not None


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence for a category; ``line`` is a new-file line number, if any.

    A ``hint`` (a limit-like constant name, an ``assert`` in library code) counts in the sums
    but never makes a hunk review work on its own.
    """

    category: str
    weight: float
    reason: str
    line: int | None = None
    hint: bool = False

    def text(self) -> str:
        return f"{self.reason} (line {self.line})" if self.line else self.reason


def ranked_by_category(found: Iterable[Signal]) -> dict[str, list[Signal]]:
    """Per category (in order of first appearance): its signals, each reason once (the
    strongest copy), strongest first."""
    by_category: dict[str, dict[str, Signal]] = {}
    for signal in found:
        reasons = by_category.setdefault(signal.category, {})
        known = reasons.get(signal.reason)
        if known is None or signal.weight > known.weight:
            reasons[signal.reason] = signal
    return {c: sorted(r.values(), key=lambda s: -s.weight) for c, r in by_category.items()}


def halving_sum(ranked: list[Signal]) -> float:
    """The hand score of ranked signals: each counts half the one before (diminishing returns)."""
    return sum(s.weight * 0.5**i for i, s in enumerate(ranked))


@dataclass(frozen=True, slots=True)
class Pattern:
    """A token pattern and what a match means.

    Any match contains one of the ``words`` (lower-case alphanumeric runs of the text) or one of
    the ``pieces`` (lower-case substrings); a pattern with neither is tried on every text. Looking
    the text's words up costs far less than running every expression (see ``Table``).
    """

    languages: frozenset[str] | None  # None: every language
    category: str
    weight: float
    reason: str
    words: frozenset[str]
    pieces: tuple[str, ...]
    regex: re.Pattern[str]


def _p(
    langs: frozenset[str] | None, cat: str, weight: float, reason: str, needles: str, rx: str
) -> Pattern:
    """A pattern; in ``needles``, ``~x`` or anything not alphanumeric is a substring."""
    split = needles.split()
    words = frozenset(n for n in split if n.isalnum())
    pieces = tuple(n.removeprefix("~") for n in split if not n.isalnum())
    return Pattern(langs, cat, weight, reason, words, pieces, re.compile(rx, re.MULTILINE))


WORDS = re.compile(r"[a-z0-9]+")
QUOTES = re.compile(r"[\"']")


_USER = r"(req(uest)?\.|params|query|argv|\$_(GET|POST)|r\.URL|getParameter|\$\{\{\s*github\.event)"
# fmt: off
REVIEW_PATTERNS = (
    _p(PY, REVIEW, 3.0, "subprocess call with shell=True", "shell", r"shell\s*=\s*True"),
    _p(PY, REVIEW, 2.0, "runs a process", "subprocess os",
       r"\bsubprocess\.\w+\(|\bos\.(system|popen|exec\w*)\("),
    _p(JS, REVIEW, 3.0, "runs a shell command", "process exec execsync",
       r"\bchild_process\b|\bexec(Sync)?\(\s*`"),
    _p(GO, REVIEW, 3.0, "runs sh -c with a built command", "sh bash", r'"(ba)?sh",\s*"-c"'),
    _p(GO | JVM, REVIEW, 2.0, "runs a process", "exec processbuilder",
       r"exec\.Command|getRuntime\(\)\.exec|ProcessBuilder"),
    _p(SH, REVIEW, 3.0, "pipes a download into a shell", "sh bash zsh",
       r"\|\s*(sudo\s+)?(ba|z)?sh\b"),
    _p(SH, REVIEW, 2.5, "eval of a built string", "eval", r"^\s*eval\b"),
    _p(None, REVIEW, 3.0, "unsafe deserialization",
       "pickle cpickle marshal dill shelve yaml objectinputstream readobject unserialize",
       r"\b(c?[pP]ickle|marshal|dill)\.loads?\(|\bshelve\.open\(|\byaml\.(unsafe_|full_)?load\("
       r"(?!.*Safe)|ObjectInputStream|\breadObject\(|\bunserialize\("),
    _p(None, REVIEW, 3.0, "SQL built from strings", "select insert update delete",
       r"(?i:\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b).*"
       r"(\"\s*\+|'\s*\+|\+\s*\w+\s*\+|\$\{|%\s*\(?\w|\.format\(|\bf\"|\bf')|"
       r"\bf[\"'](?i:select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)"),
    _p(None, REVIEW, 3.0, "eval of dynamic code", "eval exec function",
       r"(?<![\w.])(eval|exec)\(|\bnew Function\("),
    _p(None, REVIEW, 2.5, "file path from user input", "open file sendfile join filepath",
       rf"(open|send_?[fF]ile|sendFile|path\.join|filepath\.Join|os\.path\.join)\(.*{_USER}"),
    _p(None, REVIEW, 2.5, "writes archive members (path traversal)",
       "namelist infolist getmembers getnames zipinputstream getnextentry",
       r"\.(namelist|infolist|getmembers|getnames)\(|ZipInputStream|getNextEntry"),
    _p(None, REVIEW, 2.0, "sets a cookie", "cookie", r"set_cookie\(|\.cookie\s*=|Set-Cookie"),
    _p(None, REVIEW, 2.5, "extracts an archive", "extractall unzip tar",
       r"\.extractall\(|\bunzip\b|\btar\s+-?x"),
    _p(None, REVIEW, 3.0, "weak hash", "md5 sha1",
       r"(?i:\b(md5|sha1)\b)(?!.*usedforsecurity\s*=\s*False)"),
    _p(None, REVIEW, 2.0, "non-cryptographic randomness", "random rand",
       r"Math\.random\(|\bmath/rand\b|new Random\(|\brandom\.(choice|randint|random|choices)\("),
    _p(None, REVIEW, 3.0, "TLS verification disabled",
       "verify insecure insecureskipverify rejectunauthorized unauthorized cert hostname curl",
       r"verify\s*=\s*False|InsecureSkipVerify:\s*true|rejectUnauthorized:\s*false|CERT_NONE|"
       r"check_hostname\s*=\s*False|curl\s+-\w*k|--insecure|NODE_TLS_REJECT_UNAUTHORIZED"),
    # Zope page templates write ``structure`` for what ``|safe`` is to Jinja; a viewlet
    # manager (``structure provider:plone.htmlhead``) renders the site's own markup
    _p(None, REVIEW, 3.0, "HTML built from data",
       "html innerhtml outerhtml dangerouslysetinnerhtml document markup safe autoescape structure",
       r"\.(inner|outer)HTML\s*=|dangerouslySetInnerHTML|document\.write\(|\bMarkup\(|mark_safe\(|"
       r"\|\s*safe\b|autoescape\s*=?\s*(False|false|off)|v-html|template\.HTML\(|"
       r"tal:(content|replace)\s*=\s*[\"']\s*structure\s+(?!provider:)|"
       r"\$\{\s*structure:\s*(?!provider:)"),
    # jQuery's ``.html(value)`` is ``innerHTML = value`` (``.text(value)`` is the escaped one)
    _p(JS | {"html"}, REVIEW, 3.0, "HTML built from data", "html(", r"\.html\(\s*[^)\s]"),
    _p(None, REVIEW, 2.0, "concurrency",
       "thread threading lock rlock semaphore asyncio multiprocessing go sync synchronized "
       "threadpoolexecutor executorservice promise",
       r"\bthreading\.|\bThread\(|\b(R?Lock|Semaphore)\(|asyncio\.(gather|create_task|wait)\(|"
       r"ThreadPoolExecutor|multiprocessing|\bgo func\b|sync\.(Mutex|WaitGroup)|\bsynchronized\b|"
       r"ExecutorService|Promise\.all\("),
    _p(None, REVIEW, 2.0, "network request", "requests httpx aiohttp urlopen fetch axios http",
       r"\b(requests|httpx|aiohttp)\.\w+\(|urlopen\(|\bfetch\(|\baxios\.|http\.(Get|Post)\("),
    _p(None, REVIEW, 2.5, "permission change", "chmod chown setuid setgid umask ~77 sudo",
       r"chmod|chown|setuid|setgid|umask|0o?77[67]|sudo "),
    _p(None, REVIEW, 1.5, "credentials or tokens",
       "~passw ~secret ~apikey ~token ~private ~credential jwt csrf session api key",
       r"(?i:passw(or)?d|secret|api_?key|access_?token|private_?key|credential|jwt|csrf|"
       r"session\[)"),
    _p(None, REVIEW, 3.0, "hard-coded secret", "~secret ~passw ~key ~token",
       r"(?i:secret|passw(or)?d|api_?key|token)\w*\s*[:=]\s*[\"'][^\"'\s]{12,}[\"']"),
    _p(YML, REVIEW, 3.0, "workflow runs untrusted PR code", "target github",
       r"pull_request_target|github\.event\.pull_request\.head|\$\{\{\s*github\.event\."),
    _p(YML, REVIEW, 2.5, "CI permissions", "write",
       r"^\s*(permissions:\s*write-all|[\w-]+:\s*write)\s*$"),
    _p(YML, REVIEW, 2.5, "privileged container", "privileged runasuser",
       r"privileged:\s*true|runAsUser:\s*0\b"),
    _p(None, REVIEW, 2.5, "request data reaches a sensitive call", "redirect",
       rf"redirect\(.*{_USER}"),
    _p(None, REVIEW, 2.5, "TLS verification made conditional", "verify",
       r"\bverify(_ssl)?\s*=\s*(?!True)\w"),
    _p(PY, REVIEW, 0.5, "reads request data", "request filename input",
       r"\brequest\.(args|form|files|json|GET|POST|data|values|cookies|headers)|\.filename\b|"
       r"\binput\("),
)
DEBUG_PATTERNS = (
    _p(None, DEBUGGING, 1.0, "branch condition", "if elif while unless until switch case && || ?",
       r"^\s*(if|elif|else if|while|unless|until|switch|case)\b|\bif\s*[\(\[]|&&|\|\|| \? .+ : "),
    _p(PY, DEBUGGING, 1.0, "branch condition", " if ", r" if .+ else "),
    _p(None, DEBUGGING, 1.5, "error handling",
       "try except finally raise throw rescue catch err errorf errors panic",
       r"^\s*(try\b|except\b|finally\b|raise\b|throw\b|rescue\b)|\bcatch\s*\(|\}\s*catch\b|"
       r"err != nil|fmt\.Errorf|errors\.(New|Is|As)\(|\bpanic\(|\.catch\("),
    _p(None, DEBUGGING, 1.5, "None/null check", "none null undefined ?. ?? nil optional objects",
       r"\bis (not )?None\b|[!=]=\s*None\b|[!=]==?\s*(null|undefined)\b|\?\.|\?\?|"
       r"(?<!err )!= nil\b|(?<!err )== nil\b|\bOptional\.|Objects\.(isNull|nonNull)"),
)
BOILER_PATTERNS = (
    _p(PY, BOILERPLATE, 1.0, "imports", "import from", r"^\s*(from\s+[\w.]+\s+)?import\s"),
    _p(JS, BOILERPLATE, 1.0, "imports", "import export require(",
       r"^\s*(import\s|export\s.*\bfrom\s|export \*)|require\("),
    _p(GO, BOILERPLATE, 1.0, "imports", 'import ~"', r'^\s*(import\b|"[\w./-]+"$|\w+ "[\w./-]+"$)'),
    _p(JVM, BOILERPLATE, 1.0, "imports", "import package", r"^\s*(import|package)\s"),
    _p(None, BOILERPLATE, 1.0, "logging", "log logger logging slog console fmt",
       r"\b(log|logger|logging|console|LOG|LOGGER|slog)\.(debug|info|warn|warning|error|"
       r"exception|log|trace|Info|Debug|Warn|Error|Printf)\(|\bfmt\.Print"),
    _p(None, BOILERPLATE, 1.0, "constants", "",
       r"^\s*(const\s+)?[A-Z][A-Z0-9_]*\s*(:[^=]+)?=\s*\S"),
    _p(PY, BOILERPLATE, 0.75, "definitions", "",
       r"^\s*((async\s+)?def |class |@\w+|\w+\s*:\s*[\w\[\]|., \"']+(=.+)?$|__all__|\"\w+\",$)"),
    _p(JS, BOILERPLATE, 0.75, "definitions", "",
       r"^\s*(export\s+)?(default\s+)?(interface|type|enum|class|function)\b|^\s*\w+\??:\s[^=(]+;$|"
       r"^\s*(describe|it|test|expect)\("),
    _p(GO, BOILERPLATE, 0.75, "definitions", "",
       r"^\s*(type\s|func\s|\w+\s+[\w.*\[\]]+(\s+`.*`)?$)"),
    _p(JVM, BOILERPLATE, 0.75, "definitions", "public private protected return this.",
       r"^\s*(public|private|protected)\s[\w<>\[\], ]+\(.*\)\s*\{$|^\s*(return|this\.)\w+;$|"
       r"^\s*this\.\w+ = \w+;$"),
    _p(PY, BOILERPLATE, 0.75, "type annotations", "-> typeddict protocol typevar",
       r"\) -> |\b(TypedDict|Protocol|TypeVar)\b"),
)
# fmt: on
# review reasons that Python's tree reading (signals.py) does not model: kept beside its own
TREE_BLIND = frozenset({"writes archive members (path traversal)", "sets a cookie"})


def _tables(language: str) -> tuple[Table, Table]:
    """The review patterns of a language and its other patterns."""
    chosen = [
        p
        for p in REVIEW_PATTERNS + DEBUG_PATTERNS + BOILER_PATTERNS
        if p.languages is None or language in p.languages
    ]
    review = tuple(p for p in chosen if p.category == REVIEW)
    other = tuple(p for p in chosen if p.category != REVIEW)
    return _table(review), _table(other)


@dataclass(frozen=True, slots=True)
class Table:
    """Patterns indexed by their needles: which ones a text can match, found by set lookups."""

    patterns: tuple[Pattern, ...]
    words: frozenset[str]
    by_word: Mapping[str, tuple[int, ...]]
    by_piece: tuple[tuple[str, tuple[int, ...]], ...]
    always: frozenset[int]

    def candidates(self, lowered: str, words: frozenset[str]) -> list[int]:
        """Indexes of the patterns that may match, in table order."""
        found = set(self.always)
        for word in words & self.words:
            found.update(self.by_word[word])
        for piece, indexes in self.by_piece:
            if piece in lowered:
                found.update(indexes)
        return sorted(found)


def _table(chosen: tuple[Pattern, ...]) -> Table:
    by_word: dict[str, list[int]] = {}
    by_piece: dict[str, list[int]] = {}
    for i, pattern in enumerate(chosen):
        for word in pattern.words:
            by_word.setdefault(word, []).append(i)
        for piece in pattern.pieces:
            by_piece.setdefault(piece, []).append(i)
    return Table(
        patterns=chosen,
        words=frozenset(by_word),
        by_word=MappingProxyType({w: tuple(i) for w, i in by_word.items()}),
        by_piece=tuple((piece, tuple(i)) for piece, i in by_piece.items()),
        always=frozenset(i for i, p in enumerate(chosen) if not (p.words or p.pieces)),
    )


_TABLES = MappingProxyType(
    {name: _tables(name) for name in {"text", *LANGUAGES.values(), *SPECIAL_NAMES.values()}}
)


def review_signals(language: str, lines: tuple[Line, ...], text: str) -> list[Signal]:
    """Review signals of the token patterns; ``text`` is ``lines`` joined with newlines."""
    return _search(_TABLES.get(language, _TABLES["text"])[0], lines, text)


def other_signals(language: str, lines: tuple[Line, ...], text: str) -> list[Signal]:
    """Debugging and boilerplate signals of the token patterns."""
    return _search(_TABLES.get(language, _TABLES["text"])[1], lines, text)


def _search(table: Table, lines: tuple[Line, ...], text: str) -> list[Signal]:
    """One search per pattern over the whole text: its first match names the line."""
    out: list[Signal] = []
    lowered = text.lower()
    for index in table.candidates(lowered, frozenset(WORDS.findall(lowered))):
        pattern = table.patterns[index]
        match = pattern.regex.search(text)
        if match is not None:
            line = lines[text.count("\n", 0, match.start())].number
            out.append(Signal(pattern.category, pattern.weight, pattern.reason, line))
    return out


def code_part(text: str) -> str:
    """A Python line without its trailing comment (when no quote before the ``#`` could make it
    part of a string), stripped."""
    before, hash_, _ = text.partition("#")
    return before.strip() if hash_ and not QUOTES.search(before) else text.strip()


def is_comment(language: str, stripped: str) -> bool:
    """True for a line that is only a comment in the language (``stripped`` has no indent)."""
    if language in HASH_COMMENT:
        return stripped.startswith("#") and not stripped.startswith("#!")
    if language in CLIKE:
        return stripped.startswith(("//", "/*", "*"))
    if language in ("sql", "lua"):
        return stripped.startswith("--")
    return stripped.startswith("<!--")


def code_lines(language: str, lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """The lines that are neither blank nor comments."""
    return tuple(line for line in lines if (s := line.text.strip()) and not is_comment(language, s))
