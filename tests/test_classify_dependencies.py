"""classify/dependencies.py: requirement files are dependency changes, .gitignore is config."""

from __future__ import annotations

import pytest

from hunkroute.classify.classifier import ClassifyContext, classify
from hunkroute.diff.unified import is_dependency_file, is_documentation, is_repo_config
from tests.helpers.gates import changes_of


def category(path: str, old: str, new: str) -> tuple[str, tuple[str, ...]]:
    (hunk,) = changes_of({path: (old, new)}).hunks
    found = classify(hunk, ClassifyContext())
    return found.category, found.reasons


@pytest.mark.parametrize(
    "path",
    ["requirements.txt", "requirements-dev.txt", "constraints.txt", "requirements/test.txt",
     "deps/base.in"],
)  # fmt: skip
def test_requirement_files_are_dependencies_not_documentation(path: str) -> None:
    assert is_dependency_file(path) and not is_documentation(path)


@pytest.mark.parametrize(
    "path", [".gitignore", "sub/.dockerignore", ".gitattributes", ".editorconfig", "MANIFEST.in"]
)
def test_ignore_like_files_are_config(path: str) -> None:
    assert is_repo_config(path) and not is_documentation(path) and not is_dependency_file(path)
    assert category(path, "a\n", "a\nb\n") == ("boilerplate", ("repository config file",))


def test_notes_and_readme_stay_documentation() -> None:
    assert is_documentation("docs/notes.txt") and is_documentation("README")


def test_a_routine_bump_is_boilerplate() -> None:
    old, new = "requests==2.31.0\nidna==3.4\n", "requests==2.32.0\nidna==3.7\n"
    assert category("requirements.txt", old, new) == ("boilerplate", ("dependency change",))


def test_a_downgrade_is_review() -> None:
    found, reasons = category(
        "requirements/base.txt", "Flask_Login==0.6.3\n", "flask-login==0.6.2\n"
    )
    assert found == "review" and "downgraded" in reasons[0] and "0.6.3 → 0.6.2" in reasons[0]


@pytest.mark.parametrize(
    "line",
    ["--extra-index-url https://pypi.example.org/simple", "-i https://mirror.example/simple",
     "git+https://example.org/pkg.git@main#egg=pkg", "-f ./wheels"],
)  # fmt: skip
def test_a_changed_source_is_review(line: str) -> None:
    found, reasons = category(
        "requirements.txt", "requests==2.32.0\n", f"{line}\nrequests==2.32.0\n"
    )
    assert found == "review" and "package index or source changed" in reasons[0]


def test_pins_in_a_config_file_are_a_dependency_change() -> None:
    old = "[testenv]\ndeps =\n    lintpkg~=4.0.1\n    fmtpkg~=22.1.0\n    other\n"
    new = "[testenv]\ndeps =\n    lintpkg~=5.0.4\n    fmtpkg~=22.6.0\n    other\n"
    assert category("tox.ini", old, new) == ("boilerplate", ("dependency change",))
    setting = "[testenv]\ncommands = run --fast\n"
    assert category("tox.ini", setting, setting.replace("fast", "slow"))[1] != (
        "dependency change",
    )


def test_a_pin_given_to_a_bare_requirement_is_a_dependency_change() -> None:
    old = '[project.optional-dependencies]\ndev = [\n    "fakefs",\n    "pytest",\n]\n'
    new = old.replace('"fakefs"', '"fakefs>=6.1.6"')
    assert category("pyproject.toml", old, new) == ("boilerplate", ("dependency change",))
    names = old.replace('"fakefs"', '"otherfs"')  # no pin on either side: not a pin change
    assert category("pyproject.toml", old, names)[1] != ("dependency change",)


def test_a_code_file_named_like_a_changelog_is_not_documentation() -> None:
    assert not is_documentation("IPython/core/history.py")
    assert not is_documentation("app/news.py")
    assert (
        is_documentation("HISTORY.rst") and is_documentation("NEWS") and is_documentation("LICENSE")
    )
