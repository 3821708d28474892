"""hunkroute's own security (issue 7.4): its code passes its own gates, starts no shell, makes
temporary files safely, and never reads or writes outside the repository for a path from a diff.
Keys in outputs and prompt injection are covered end to end in test_fault_matrix.py.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import threading
from pathlib import Path

import pytest

from hunkroute import config as configmod
from hunkroute import errorhandler
from hunkroute.commands.output import emit
from hunkroute.diff import unified as diff
from hunkroute.diff.source import GitObjects, WorkTree
from hunkroute.forges.github.client import GitHubClient
from hunkroute.forges.github.diff import RAW_MEDIA
from hunkroute.forges.http import ApiFiles
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import Target, _write, build_setup, scan
from tests.helpers.cli import run_main
from tests.helpers.fake_github import TOKEN, FakeGitHub
from tests.helpers.gitrepo import GitRepo

SRC = Path(__file__).resolve().parents[1] / "src" / "hunkroute"
OWN_CODE = sorted(p for p in SRC.rglob("*.py") if "rules" not in p.relative_to(SRC).parts)
SHELL_CALLS = {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"}
PROCESS_CALLS = {"subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_call",
                 "subprocess.check_output"}  # fmt: skip


@pytest.mark.tools
def test_own_code_passes_own_gates() -> None:
    """bandit and semgrep (the bundled rules), as hunkroute runs them: nothing at warning or
    error. The notes left are bandit's B101 (asserts that narrow types), B404/B603/B607 (git and
    the gates started with argument lists, found on PATH by design) and B105 on redact.py's
    secret-name regex: each reviewed, none a risk."""
    targets = [Target("", str(p.relative_to(SRC.parent)), p.read_text(), "python")
               for p in OWN_CODE]  # fmt: skip
    setup = build_setup(configmod.loads("gates: [bandit, semgrep]\n", "self"), WorkTree(SRC))
    result = scan(targets, setup, ToolRunner(dict(os.environ)))
    assert result.failures == () and set(result.ran) == {"bandit", "semgrep"}
    found = [f for fs in result.findings.values() for f in fs]
    serious = [f"{f.file}:{f.line} {f.rule} {f.message}" for f in found if f.severity != "note"]
    assert serious == []


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def shell_uses(source: str) -> list[str]:
    """Calls that start a shell: ``shell=`` anything but False, os.system and kin, and a process
    started from one command string instead of an argument list."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        shell = [k for k in node.keywords if k.arg == "shell"]
        if shell and not (isinstance(shell[0].value, ast.Constant) and not shell[0].value.value):
            found.append(f"{node.lineno}: shell=")
        if name in SHELL_CALLS or name.startswith(("os.exec", "os.spawn")):
            found.append(f"{node.lineno}: {name}")
        first = node.args[0] if node.args else None
        if name in PROCESS_CALLS and isinstance(first, ast.Constant | ast.JoinedStr | ast.BinOp):
            found.append(f"{node.lineno}: {name} with a command string")
    return found


@pytest.mark.parametrize(
    "snippet",
    ["subprocess.run(cmd, shell=True)", "os.system(cmd)", "os.popen(cmd)",
     "subprocess.run(f'git {x}')", "subprocess.Popen('ls ' + x)", "os.execvp(a, b)"],
)  # fmt: skip
def test_the_shell_scan_catches_each_form(snippet: str) -> None:
    assert shell_uses(snippet)


def test_no_shell_anywhere_in_the_code() -> None:
    found = {str(p.relative_to(SRC)): shell_uses(p.read_text()) for p in OWN_CODE}
    assert {path: uses for path, uses in found.items() if uses} == {}
    assert not any("mktemp(" in p.read_text().replace('"tempfile.mktemp"', "") for p in OWN_CODE)


def test_report_output_never_replaces_a_device_or_fifo(tmp_path: Path) -> None:
    """``--output /dev/stdout`` (or /dev/full, a FIFO) is written in place: renaming a temp file
    over it, as root, replaced the device node itself."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        emit("report\n", str(fifo))
        assert os.read(reader, 100) == b"report\n"
    finally:
        os.close(reader)
    assert fifo.is_fifo() and [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_report_output_does_not_follow_a_planted_temp_name(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    os.symlink(victim, tmp_path / ".report.json.tmp")  # the name the old writer always used
    emit("{}\n", str(tmp_path / "report.json"))
    assert victim.read_text() == "keep me" and (tmp_path / "report.json").read_text() == "{}\n"
    assert {p.name for p in tmp_path.iterdir()} == {"victim.txt", ".report.json.tmp", "report.json"}


def test_crash_report_never_follows_a_planted_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    now = dt.datetime.now(dt.UTC)
    for ahead in range(3):
        stamp = (now + dt.timedelta(seconds=ahead)).strftime("%Y%m%dT%H%M%SZ")
        os.symlink(victim, tmp_path / f"hunkroute-crash-{stamp}.txt")
    path = errorhandler.write_crash_report(RuntimeError("boom"))
    assert victim.read_text() == "keep me"
    assert "RuntimeError: boom" in path.read_text() and not path.is_symlink()
    path.unlink()


# --- paths from the diff --------------------------------------------------------------------

OUTSIDE = ["../../etc/passwd", "/etc/passwd", "a/../../etc/passwd", "..\\..\\x.py", "C:/x.py"]


@pytest.mark.parametrize("path", OUTSIDE)
def test_paths_that_leave_the_repository_are_outside(path: str) -> None:
    assert diff.is_outside_repository(path)
    assert not diff.is_outside_repository("src/../app.py")


def test_a_diff_naming_files_outside_is_refused_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    body = "@@ -0,0 +1 @@\n+eval(input())\n"
    text = "".join(f"--- a/{p}\n+++ b/{p}\n{body}" for p in ("../../etc/passwd", "/etc/hosts"))
    (tmp_path / "evil.diff").write_text(text)
    result = run_main(["run", "--diff", "evil.diff", "--offline", "--format", "json"], capsys)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert {h["status"] for h in data["hunks"]} == {"refused"} and len(data["hunks"]) == 2
    assert all(s["reason"].startswith("refused: path outside") for s in data["skipped_files"])
    assert data["findings"] == [] and "root:" not in result.out


def test_snapshots_do_not_read_outside_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("SECRET = 1\n")
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "x = 1\n")
    os.symlink(outside, repo.root / "link.py")
    repo.commit()
    tree = WorkTree(repo.root)
    assert tree.read("app.py") == b"x = 1\n"
    for path in ("link.py", "../outside.py", str(outside)):
        assert tree.read(path) is None, path
    head = GitObjects(repo.root, "HEAD")
    assert head.read("../outside.py") is None
    assert head.read("link.py") == str(outside).encode()  # the link's target, as data


def test_a_symlink_in_the_repo_is_gated_on_the_diff_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "outside.py").write_text("import pickle\npickle.loads(data)\n")
    repo = GitRepo(tmp_path / "repo")
    os.symlink(tmp_path / "outside.py", repo.root / "link.py")
    monkeypatch.chdir(repo.root)
    (repo.root / "d.diff").write_text("--- a/link.py\n+++ b/link.py\n@@ -0,0 +1 @@\n+x = 1\n")
    argv = ["run", "--diff", "d.diff", "--offline", "--format", "json"]
    result = run_main(argv, capsys)
    assert result.code == 0 and "pickle" not in result.out


def test_the_gate_tree_writer_refuses_paths_that_leave_it(tmp_path: Path) -> None:
    for path in ("../escape.py", "/tmp/escape.py", "a/../../escape.py"):
        with pytest.raises(ValueError, match="unsafe path in a gate batch"):
            _write(str(tmp_path / "tree"), [Target("", path, "x = 1\n", "python")], {})
    assert not (tmp_path / "escape.py").exists()


def test_the_api_file_fetcher_never_asks_for_a_path_outside(tmp_path: Path) -> None:
    """httpx folds ``contents/../../x`` into ``/repos/<owner>/x``: another endpoint, with the
    token. Before the fix, this read asked the API for ``/repos/octo/etc/passwd``."""
    with FakeGitHub() as fake:
        fake.files["app.py"] = b"ok\n"
        client = GitHubClient(fake.url, TOKEN, sleep=lambda s: None)
        files = ApiFiles(client, "/repos/octo/shop/contents/", "abc", accept=RAW_MEDIA)
        for path in OUTSIDE:
            assert files.read(path) is None
        assert fake.requests == []
        assert files.read("app.py") == b"ok\n"


def test_emit_under_concurrency_leaves_a_whole_report(tmp_path: Path) -> None:
    """Two runs writing the same --output never interleave: each write is a rename."""
    target = tmp_path / "report.json"
    texts = [json.dumps({"run": n, "pad": "x" * 200_000}) for n in range(4)]
    threads = [threading.Thread(target=emit, args=(t, str(target))) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_text() in texts and [p.name for p in tmp_path.iterdir()] == ["report.json"]
