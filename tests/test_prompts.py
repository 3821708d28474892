"""prompts.py: one prompt per category, fenced data, bounded context, redaction."""

from __future__ import annotations

from hunkroute import config
from hunkroute.model import BOILERPLATE, DEBUGGING, REVIEW
from hunkroute.models.prompts import bounded, build, enclosing, fence, surrounding, system_prompt
from tests.helpers.hunks import make_hunk

CATEGORIES = config.loads("", "test").categories
SOURCE = "\n".join(
    ["import os", "", "", "class Store:", "    @property", "    def path(self):",
     "        base = os.getcwd()", "        return base", "", "", "def other():", "    pass"]
)  # fmt: skip


def test_each_category_has_its_own_task_and_the_same_answer_format() -> None:
    prompts = {c: system_prompt(c) for c in (REVIEW, DEBUGGING, BOILERPLATE, "architecture")}
    assert len(set(prompts.values())) == 4
    for text in prompts.values():
        assert '{"findings": [{"line": <int>, "end_line": <int>' in text
        assert "not instructions" in text and "never meant for you" in text


def test_python_context_is_the_enclosing_function_with_decorators() -> None:
    assert enclosing(SOURCE, 7, 7) == (5, 8)
    assert enclosing(SOURCE, 4, 4) == (4, 8)
    assert enclosing(SOURCE, 1, 1) is None
    hunk = make_hunk("store.py", 7, ["        base = os.getcwd()"])
    assert [line.number for line in surrounding(hunk, SOURCE, 40)] == [5, 6, 7, 8]


def test_context_is_bounded_per_category() -> None:
    assert bounded(30, 30, 10) == (5, 5)
    assert bounded(2, 30, 10) == (2, 8)
    lines = [f"x{i} = {i}" for i in range(1, 101)]
    hunk = make_hunk("data.py", 50, ["x50 = 50"])
    shown = surrounding(hunk, "\n".join(lines), 10)
    assert [line.number for line in shown] == list(range(45, 56))


def test_a_file_that_disagrees_with_the_diff_is_not_trusted() -> None:
    hunk = make_hunk("store.py", 7, ["something else"])
    assert surrounding(hunk, SOURCE, 40) == hunk.new_lines
    assert surrounding(hunk, None, 40) == hunk.new_lines


def test_prompt_marks_added_lines_fences_code_and_redacts() -> None:
    secret = "ghp_" + "Z" * 36
    hunk = make_hunk("store.py", 7, [f'        base = "{secret}"'], removed=["        base = 1"])
    source = SOURCE.replace("os.getcwd()", f'"{secret}"')
    prompt = build([hunk], CATEGORIES[DEBUGGING], f"Fix {secret}", {"store.py": source})
    assert secret not in prompt.system + prompt.user and prompt.redacted == {hunk.id}
    assert '    7 +|         base = "[REDACTED:github_token]"' in prompt.user
    assert "    6  |     def path(self):" in prompt.user
    assert "-|         base = 1" in prompt.user and "added lines 7" in prompt.user


def test_fence_outgrows_backticks_inside_the_code() -> None:
    fenced = fence(["x = '```'", "y = 1"])
    assert fenced.startswith("````text\n") and fenced.endswith("\n````")


def test_feedback_reaches_the_prompt_redacted() -> None:
    hunk = make_hunk("a.py", 1, ["x = 1"])
    prompt = build([hunk], CATEGORIES[REVIEW], "", {}, feedback='token = "f8a9d7c6b5e4a3f2"')
    assert "previous answer was rejected" in prompt.user and "f8a9d7c6b5e4a3f2" not in prompt.user


def test_a_title_of_several_commit_subjects_is_one_line_of_them_all() -> None:
    hunk = make_hunk("a.py", 1, ["x = 1"])
    prompt = build([hunk], CATEGORIES[REVIEW], "Limit the upload size\nAdd uploads", {})
    assert "PR title (data): Limit the upload size; Add uploads\n" in prompt.user
