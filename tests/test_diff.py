"""diff.py: every shape of change git produces, skip reasons, and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest

from hunkroute import config
from hunkroute.diff import unified as diff
from hunkroute.errors import DiffError
from hunkroute.model import ChangeSet, FileChange
from tests.helpers.cli import run_main
from tests.helpers.gitrepo import GitRepo

FILES = config.load(None).files
FIXTURES = Path(__file__).parent / "fixtures" / "diffs"


def staged_diff(repo: GitRepo) -> ChangeSet:
    repo.git("add", "-A")
    raw = repo.git_bytes("diff", "--cached", "-M", "-C", "--find-copies-harder")
    return diff.parse(diff.decode(raw), FILES, "test")


def by_path(changes: ChangeSet) -> dict[str, FileChange]:
    return {f.path: f for f in changes.files}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "a = 1\nb = 2\nc = 3\n")
    repo.write("gone.py", "x = 1\n")
    repo.write("run.sh", "echo hi\n")
    repo.write("old_name.py", "".join(f"line_{i} = {i}\n" for i in range(20)))
    repo.write("logo.png", b"\x89PNG\x00\x01\x02")
    repo.commit("base")
    return repo


def test_added_modified_deleted(repo: GitRepo) -> None:
    repo.write("app.py", "a = 1\nb = 20\nc = 3\nd = 4\n")
    repo.write("new.py", "def f():\n    return 1\n")
    (repo.root / "gone.py").unlink()
    files = by_path(staged_diff(repo))
    assert files["app.py"].status == "modified"
    hunk = files["app.py"].hunks[0]
    assert [(line.number, line.text) for line in hunk.added] == [(2, "b = 20"), (4, "d = 4")]
    assert [(line.number, line.text) for line in hunk.removed] == [(2, "b = 2")]
    assert [line.number for line in hunk.context] == [1, 3]
    assert (hunk.new_start, hunk.new_end) == (1, 4)
    assert files["new.py"].status == "added" and files["new.py"].language == "python"
    assert files["gone.py"].status == "deleted"
    assert files["gone.py"].skip_reason == "deleted file"


def test_renamed_copied_and_mode_only(repo: GitRepo) -> None:
    repo.git("mv", "old_name.py", "new_name.py")
    repo.write("copy_of_app.py", "a = 1\nb = 2\nc = 3\n")
    (repo.root / "run.sh").chmod(0o755)
    files = by_path(staged_diff(repo))
    assert files["new_name.py"].status == "renamed"
    assert files["new_name.py"].old_path == "old_name.py"
    assert files["new_name.py"].hunks == ()
    assert files["copy_of_app.py"].status == "copied"
    assert files["copy_of_app.py"].old_path == "app.py"
    assert files["run.sh"].status == "mode" and files["run.sh"].hunks == ()


def test_binary_file_is_skipped(repo: GitRepo) -> None:
    repo.write("logo.png", b"\x89PNG\x00\x09\x08")
    files = by_path(staged_diff(repo))
    assert files["logo.png"].binary
    assert files["logo.png"].skip_reason == "binary file"


def test_no_newline_at_end_of_file(repo: GitRepo) -> None:
    repo.write("app.py", "a = 1\nb = 2\nc = 33")
    hunk = by_path(staged_diff(repo))["app.py"].hunks[0]
    assert [line.text for line in hunk.added] == ["c = 33"]
    assert [line.text for line in hunk.removed] == ["c = 3"]


def test_crlf_lines_lose_their_carriage_return(repo: GitRepo) -> None:
    repo.write("win.py", b"x = 1\r\ny = 2\r\n")
    hunk = by_path(staged_diff(repo))["win.py"].hunks[0]
    assert [line.text for line in hunk.added] == ["x = 1", "y = 2"]


def test_non_utf8_bytes_do_not_fail(repo: GitRepo) -> None:
    repo.write("latin.py", "name = 'caf\xe9'\n".encode("latin-1"))
    hunk = by_path(staged_diff(repo))["latin.py"].hunks[0]
    assert hunk.added[0].text == "name = 'caf\ufffd'"


def test_unicode_and_quoted_paths(repo: GitRepo) -> None:
    repo.write('dir with space/résumé "v2".py', "x = 1\n")
    files = by_path(staged_diff(repo))
    assert 'dir with space/résumé "v2".py' in files


def test_several_hunks_per_file(repo: GitRepo) -> None:
    lines = [f"line_{i} = {i}\n" for i in range(20)]
    lines[1], lines[18] = "line_1 = 100\n", "line_18 = 180\n"
    repo.write("old_name.py", "".join(lines))
    hunks = by_path(staged_diff(repo))["old_name.py"].hunks
    assert [(h.new_start, h.added[0].number) for h in hunks] == [(1, 2), (16, 19)]
    assert len({h.id for h in hunks}) == 2


def test_empty_diff() -> None:
    assert diff.parse("", FILES).files == ()


def test_lock_generated_and_vendored_files_are_skipped() -> None:
    text = (FIXTURES / "skips.diff").read_text()
    files = by_path(diff.parse(text, FILES))
    assert files["poetry.lock"].skip_reason == "lock file"
    assert files["web/package-lock.json"].skip_reason == "lock file"
    assert files["vendor/lib/util.py"].skip_reason.startswith("generated or vendored")
    assert files["proto/api_pb2.py"].skip_reason.startswith("generated or vendored")
    assert files["src/app.py"].skip_reason is None


def test_exclude_globs_are_configurable() -> None:
    text = (FIXTURES / "skips.diff").read_text()
    custom = config.loads("files:\n  exclude: ['src/**']\n", "t.yaml").files
    files = by_path(diff.parse(text, custom))
    assert files["src/app.py"].skip_reason.startswith("generated or vendored")
    assert files["vendor/lib/util.py"].skip_reason is None


def test_file_over_the_size_limit_is_skipped() -> None:
    text = (FIXTURES / "skips.diff").read_text()
    small = config.loads("files:\n  max_file_bytes: 10\n", "t.yaml").files
    assert by_path(diff.parse(text, small))["src/app.py"].skip_reason.startswith("file too large")


def test_path_outside_repository_is_refused() -> None:
    text = "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n"
    (change,) = diff.parse(text, FILES).files
    assert change.skip_reason == "refused: path outside the repository"


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("hello\nthis is not a diff\n", 1, "not a unified diff"),
        (
            "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n",
            4,
            "promises 1 more old and 1 more new line(s), got the end",
        ),
        (
            "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n?? b\n",
            5,
            "expected a hunk line (' ', '+' or '-')",
        ),
        ("--- a/x\n+++ b/x\n@@ -0,0 +0,1 @@\n+a\n", 3, "numbers a line 0"),  # found by fuzzing
        # issue 11: each of these passed with its lines dropped
        ("--- a/x\n+++ b/x\n@@ -a,b +c @@\n+evil()\n", 3, "expected a hunk header '@@ -START"),
        ("--- a/x\n+++ b/x\n@@ -1,2 @@\n+evil()\n", 3, "got '@@ -1,2 @@'"),
        ("--- a/x\n+++ b/x\n+evil()\n@@ -1 +1 @@\n-a\n+b\n", 3, "after the '---'/'+++' lines"),
        (
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+evil()\n",
            6,
            "the next file's 'diff --git' or the end of the diff, got '+evil()'",
        ),
        ("diff --git a/x b/x\n@@ -1 +1 @@\n-a\n+b\n", 2, "'---'/'+++' lines before its first"),
        ("@@ -1 +1 @@\n-a\n+b\n", 1, "a file header ('diff --git' or '---'/'+++') before"),
        ("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n+c\n", 6, "expected a hunk line ('-')"),
        (
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n-- \n2.39\n@@ -5 +5 @@\n+c\n",
            8,
            "a file header",
        ),  # a hunk after the signature belongs to no file
    ],
)
def test_malformed_diff_names_the_line(text: str, line: int, what: str) -> None:
    with pytest.raises(DiffError) as caught:
        diff.parse(text, FILES, "pr.diff")
    assert str(caught.value).startswith(f"pr.diff: line {line}:")
    assert what in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"b/caf\\303\\251.py"', "café.py"),
        ('"a/tab\\there.py"', "tab\there.py"),
        ('"b/quote\\"d.py"', 'quote"d.py'),
        ("b/plain.py", "plain.py"),
    ],
)
def test_unquote_path(raw: str, expected: str) -> None:
    assert diff.unquote_path(raw) == expected


def test_hunk_ids_are_stable_when_other_hunks_change() -> None:
    first = diff.parse((FIXTURES / "skips.diff").read_text(), FILES)
    app = by_path(first)["src/app.py"].hunks[0].id
    again = diff.parse((FIXTURES / "skips.diff").read_text().replace("poetry", "pdm"), FILES)
    assert by_path(again)["src/app.py"].hunks[0].id == app


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("a/b.py", "python"),
        ("x.tsx", "typescript"),
        ("Dockerfile", "dockerfile"),
        ("x.zzz", "text"),
    ],
)
def test_language_by_extension(path: str, language: str) -> None:
    assert diff.language_of(path) == language


def test_format_patch_message_and_stripped_blank_context_lines() -> None:
    text = (
        "From 1234 Mon Sep 17 00:00:00 2001\n"
        "Subject: [PATCH] explain @@ -1 +1 @@ in the message\n"
        "\n"
        "---\n"
        "diff --git a/m.py b/m.py\n"
        "--- a/m.py\n"
        "+++ b/m.py\n"
        "@@ -1,3 +1,3 @@ def f():\n"
        " a = 1\n"
        "\n"
        "-b = 2\n"
        "+b = 3\n"
        "-- \n"
        "2.39.5\n"
    )
    (change,) = diff.parse(text, FILES).files
    (hunk,) = change.hunks
    assert [(line.number, line.text) for line in hunk.context] == [(1, "a = 1"), (2, "")]
    assert [(line.number, line.text) for line in hunk.added] == [(3, "b = 3")]
    assert hunk.section == "def f():"


def test_a_mailbox_of_format_patch_mails_parses_every_mail() -> None:
    def mail(name: str) -> str:
        return (
            f"From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] {name}\n\n---\n"
            f" {name}.py | 1 +\n\ndiff --git a/{name}.py b/{name}.py\nindex 1..2 100644\n"
            f"--- a/{name}.py\n+++ b/{name}.py\n@@ -1 +1,2 @@\n a\n+{name} = 1\n"
            "\\ No newline at end of file\n-- \n2.39.5\n\n"
        )

    changes = diff.parse(mail("one") + mail("two"), FILES)
    assert [h.added[0].text for f in changes.files for h in f.hunks] == ["one = 1", "two = 1"]


def test_a_malformed_diff_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "pr.diff"
    source.write_text("--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n+os.system(cmd)\n")
    result = run_main(["run", "--diff", str(source), "--offline"], capsys)
    assert result.code == 2
    assert f"{source}: line 6: malformed diff: expected" in result.err


@pytest.mark.parametrize("name", ["x" * 256 + ".py", "nul\x00.py"])
def test_impossible_path_is_refused(name: str) -> None:  # found by fuzzing the offline run
    text = f"--- a/{name}\n+++ b/{name}\n@@ -1 +1 @@\n-a\n+b\n"
    (change,) = diff.parse(text, FILES).files
    assert change.skip_reason is not None and change.skip_reason.startswith("refused: no file")
