"""Review signals read from Python code with ``ast``: more precise than tokens.

The tree tells a list-args ``subprocess.run([...])`` from ``shell=True``, ``yaml.load`` with a
``SafeLoader`` from one without, a parameterised query from an f-string, and follows names
assigned from request data into the calls that use them. Only nodes that touch an added line
count. ``parse`` returns ``None`` when the fragment is not valid Python on its own, and the
caller falls back to token patterns.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from hunkroute.classify.patterns import Signal
from hunkroute.model import REVIEW, Line

# dotted call name → (weight, reason); the name is matched in full, then by its last part
CALLS: dict[str, tuple[float, str]] = {
    "os.system": (3.0, "shell command via os.system"),
    "os.popen": (3.0, "shell command via os.popen"),
    "pickle.loads": (3.0, "unpickles data"), "pickle.load": (3.0, "unpickles data"),
    "marshal.loads": (3.0, "unmarshals data"), "shelve.open": (2.5, "opens a shelve (pickle)"),
    "yaml.unsafe_load": (3.0, "yaml.unsafe_load"), "yaml.full_load": (3.0, "yaml.full_load"),
    "eval": (3.0, "eval() of dynamic code"), "exec": (3.0, "exec() of dynamic code"),
    "compile": (2.0, "compile() of dynamic code"), "__import__": (2.0, "dynamic import"),
    "extractall": (2.5, "extracts an archive without path checks"),
    "hashlib.md5": (2.5, "weak hash hashlib.md5"), "hashlib.sha1": (2.5, "weak hash hashlib.sha1"),
    "Markup": (3.0, "HTML built from data (Markup)"), "mark_safe": (3.0, "mark_safe() on data"),
    "render_template_string": (3.0, "template rendered from a string"),
    "tempfile.mktemp": (2.5, "tempfile.mktemp race"),
    "jwt.decode": (2.0, "decodes a JWT"), "csrf_exempt": (3.0, "CSRF protection disabled"),
    "chmod": (2.0, "changes file permissions"), "os.chown": (2.0, "changes file owner"),
    "os.setuid": (3.0, "changes process user"), "os.umask": (2.0, "changes the umask"),
}  # fmt: skip
PROCESS = frozenset({"run", "call", "check_call", "check_output", "Popen", "getoutput"})
SQL_CALLS = frozenset({"execute", "executemany", "executescript", "raw", "exec_driver_sql", "text"})
NETWORK = re.compile(r"^(requests|httpx|aiohttp|urllib\.request|session|client)\.\w+$|urlopen$")
CONCURRENCY = re.compile(
    r"^(threading\.\w+|Thread|R?Lock|Semaphore|asyncio\.(gather|create_task|wait|TaskGroup)|"
    r"\w*ThreadPoolExecutor|\w*ProcessPoolExecutor|multiprocessing\.\w+)$"
)
RANDOM = re.compile(r"^random\.(choice|choices|randint|random|randrange|getrandbits|sample)$")
SECRET_NAME = re.compile(r"(?i:secret|passw(or)?d|api_?key|token|private_?key)")
USER_DATA = re.compile(r"^(request|req|params|query|form|args|files|filename|upload\w*|payload)$")
SQL_TEXT = re.compile(r"(?i:\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b)")
WIDE_MODE = 0o007  # any permission bit for "others"
# a name assigned from request data, input() or an uploaded file's name; or such a parameter
TAINTED = re.compile(
    r"^\s*([A-Za-z_]\w*)\s*(?::[^=\n]+)?=(?!=).*(\brequest|\breq\.|\bparams\b|\bform\b|\.args\b|"
    r"\.files\b|\.filename\b|\binput\(|\bpayload\b|\bupload)|[(,]\s*(request_\w+|payload|user_input)\b",
    re.MULTILINE,
)
INTERESTING = frozenset(
    {ast.Call, ast.Assign, ast.Compare, ast.FunctionDef, ast.AsyncFunctionDef, ast.Global,
     ast.Nonlocal, ast.JoinedStr, ast.BinOp, ast.Name, ast.Attribute}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed fragment: the tree, the new-file number of each of its rows, and its source."""

    tree: ast.AST
    numbers: list[int]
    source: str


def parse(added: tuple[Line, ...], new_lines: tuple[Line, ...]) -> Parsed | None:
    """The tree of the added lines (dedented), else of the new side; ``None`` if neither parses."""
    for lines in (added, new_lines):
        source = textwrap.dedent("\n".join(line.text for line in lines))
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        return Parsed(tree, [line.number for line in lines], source)
    return None


def review_signals(parsed: Parsed, added: frozenset[int]) -> list[Signal]:
    """Every review signal of nodes that touch an added line (one walk over the tree)."""
    tainted = frozenset(m.group(1) or m.group(3) for m in TAINTED.finditer(parsed.source))
    numbers = parsed.numbers
    out: list[Signal] = []
    for node in ast.walk(parsed.tree):
        if type(node) not in INTERESTING:
            continue
        first = numbers[node.lineno - 1]  # type: ignore[attr-defined]
        last = numbers[(node.end_lineno or node.lineno) - 1]  # type: ignore[attr-defined]
        if first not in added and last not in added and not added.intersection(range(first, last)):
            continue
        for weight, reason in _node_signals(node, tainted):
            out.append(Signal(REVIEW, weight, reason, first))
    return out


def _node_signals(node: ast.AST, tainted: frozenset[str]) -> Iterator[tuple[float, str]]:
    if isinstance(node, ast.Call):
        yield from _call_signals(node, _name(node.func), tainted)
    elif isinstance(node, ast.Assign):
        yield from _assign_signals(node)
    elif isinstance(node, ast.Compare) and _compares_secret(node):
        yield 2.5, "secret compared with == (not constant-time)"
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        for decorator in node.decorator_list:
            yield from [CALLS[n] for n in (_name(decorator),) if n in CALLS]
    elif isinstance(node, ast.Global | ast.Nonlocal):
        yield 2.0, "shared state (global)"
    elif isinstance(node, ast.JoinedStr | ast.BinOp) and _sql_text(node):
        yield 3.0, "SQL built from strings"
    elif isinstance(node, ast.Name | ast.Attribute) and SECRET_NAME.search(_name(node)):
        yield 1.5, f"credentials: {_name(node)}"


def _call_signals(
    call: ast.Call, name: str, tainted: frozenset[str]
) -> Iterator[tuple[float, str]]:
    last = name.rpartition(".")[2]
    known = CALLS.get(name) or CALLS.get(last)
    if known:
        yield known
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if name.startswith("subprocess.") or last in PROCESS and "subprocess" in name:
        yield from _process_signals(call, name, keywords)
    if last == "load" and name.startswith("yaml") and not _safe_loader(keywords.get("Loader")):
        yield 3.0, "yaml.load without SafeLoader"
    if last in SQL_CALLS and call.args and _dynamic_string(call.args[0], tainted):
        yield 3.0, f"SQL built from strings in {last}()"
    yield from _keyword_signals(keywords)
    if _mentions(call, tainted):
        yield from _tainted_call(name, last)
    if NETWORK.search(name):
        yield 2.0, f"network request {name}()"
    if CONCURRENCY.match(name):
        yield 2.0, f"concurrency: {name}()"
    if RANDOM.match(name):
        yield 1.0, f"{name}() is not cryptographic"
    mode = _mode(call, keywords)
    if mode is not None and mode & WIDE_MODE:
        yield 3.0, f"world-accessible permissions {oct(mode)}"


def _process_signals(
    call: ast.Call, name: str, keywords: dict[str, ast.expr]
) -> Iterator[tuple[float, str]]:
    shell = keywords.get("shell")
    if isinstance(shell, ast.Constant) and shell.value is True:
        yield 3.0, "subprocess call with shell=True"
    elif shell is not None:
        yield 2.5, "subprocess call with a variable shell="
    if call.args and isinstance(call.args[0], ast.JoinedStr | ast.BinOp):
        yield 2.5, "command line built from a string"
    yield 1.5, f"runs a process ({name})"


def _keyword_signals(keywords: dict[str, ast.expr]) -> Iterator[tuple[float, str]]:
    verify = keywords.get("verify") or keywords.get("verify_ssl")
    if isinstance(verify, ast.Constant) and verify.value is False:
        yield 3.0, "TLS verification disabled (verify=False)"
    elif verify is not None and not isinstance(verify, ast.Constant):
        yield 2.5, "TLS verification depends on a variable"
    escape = keywords.get("autoescape")
    if isinstance(escape, ast.Constant) and escape.value is False:
        yield 3.0, "template autoescape disabled"
    options = keywords.get("options") or keywords.get("algorithms")
    if options is not None and re.search(r"verify_\w+': False|'none'", ast.unparse(options)):
        yield 3.0, "token verification weakened"


def _tainted_call(name: str, last: str) -> Iterator[tuple[float, str]]:
    if last in ("open", "Path", "join", "send_file", "send_from_directory", "save", "FileResponse"):
        yield 2.5, f"file path from user input ({last})"
    elif last == "redirect":
        yield 2.5, "redirect to a URL from user input"
    elif NETWORK.search(name):
        yield 2.5, "request to a URL from user input"


def _assign_signals(node: ast.Assign) -> Iterator[tuple[float, str]]:
    target = _name(node.targets[0])
    value = node.value
    if isinstance(value, ast.Constant) and isinstance(value.value, bool):
        if target.endswith("check_hostname") and value.value is False:
            yield 3.0, "TLS hostname check disabled"
        if target == "DEBUG" and value.value is True:
            yield 2.0, "debug mode enabled"
    if isinstance(value, ast.Attribute) and value.attr == "CERT_NONE":
        yield 3.0, "TLS certificate verification disabled"
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        if SECRET_NAME.search(target) and len(value.value) >= 12 and " " not in value.value:
            yield 3.0, f"hard-coded secret in {target}"


def _is_user_data(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return bool(USER_DATA.match(node.id))
    if isinstance(node, ast.Attribute):
        return node.attr in ("filename", "files", "form", "args") or _is_user_data(node.value)
    return isinstance(node, ast.Call) and _name(node.func) == "input"


def _mentions(call: ast.Call, tainted: frozenset[str]) -> bool:
    args = [*call.args, *(k.value for k in call.keywords)]
    return any(
        _is_user_data(n) or (isinstance(n, ast.Name) and n.id in tainted)
        for arg in args
        for n in ast.walk(arg)
    )


def _dynamic_string(node: ast.expr, tainted: frozenset[str]) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, ast.Add | ast.Mod)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format"
    return isinstance(node, ast.Name) and node.id in tainted


def _sql_text(node: ast.JoinedStr | ast.BinOp) -> bool:
    if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Add | ast.Mod):
        return False
    if isinstance(node, ast.JoinedStr) and not _dynamic_string(node, frozenset()):
        return False
    strings = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)]
    return any(isinstance(s, str) and SQL_TEXT.search(s) for s in strings)


def _compares_secret(node: ast.Compare) -> bool:
    if not all(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
        return False
    names = [_name(n) for n in (node.left, *node.comparators)]
    return any(re.search(r"(?i:signature|digest|hmac|token|passw)", n) for n in names)


def _safe_loader(loader: ast.expr | None) -> bool:
    name = _name(loader)
    return "Safe" in name or "BaseLoader" in name


def _mode(call: ast.Call, keywords: dict[str, ast.expr]) -> int | None:
    """The permission bits a chmod/mkdir call sets, when they are a literal."""
    if not _name(call.func).endswith(("chmod", "mkdir", "makedirs")):
        return None
    for node in [*call.args, keywords.get("mode")]:
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value >= 0o100:
            return node.value
    return None


def _name(node: ast.AST | None) -> str:
    """``a.b.c`` for names and attribute chains, ``""`` for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return _name(node.func)
    return ""
