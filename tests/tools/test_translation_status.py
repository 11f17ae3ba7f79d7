"""tools/translation_status.py: Korean pages whose English page changed after them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LESSONS, ROOT
from tools.checks import translation_status

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def write(repo: Path, path: str, text: str) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def commit(repo: Path, message: str, *paths: str) -> None:
    git(repo, "add", *paths)
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path):
    """A repository with two pages and one lesson, translated and committed."""
    git(tmp_path, "init", "-q", "-b", "main")
    for lang, word in (("en", "Home"), ("ko", "홈")):
        write(tmp_path, f"docs/{lang}/index.md", f"# {word}\n")
        write(tmp_path, f"docs/{lang}/api/index.md", f"# API {word}\n")
        write(tmp_path, f"examples/{lang}/01_first.py", f"# %% [markdown]\n# # {word}\n")
    commit(tmp_path, "Site in both languages", "docs", "examples")
    return tmp_path


def outdated(repo: Path) -> dict[str, list[str]]:
    return {
        s.korean: [line.split(" ", 2)[2] for line in s.english_commits]
        for s in translation_status.status(repo)
        if s.outdated
    }


def test_everything_translated_is_up_to_date(repo):
    states = translation_status.status(repo)
    assert [(s.korean, s.english) for s in states] == [
        ("docs/ko/api/index.md", "docs/en/api/index.md"),
        ("docs/ko/index.md", "docs/en/index.md"),
        ("examples/ko/01_first.py", "examples/en/01_first.py"),
    ]
    assert outdated(repo) == {}
    assert "All 3 Korean pages are up to date" in translation_status.report(states)


def test_english_commits_after_the_korean_page_are_listed(repo):
    write(repo, "docs/en/index.md", "# Home\n\nNew paragraph.\n")
    commit(repo, "Home: new paragraph", "docs/en/index.md")
    write(repo, "examples/en/01_first.py", "# %% [markdown]\n# # Home, again\n")
    commit(repo, "Lesson 1: new title", "examples/en/01_first.py")
    write(repo, "docs/en/index.md", "# Home\n\nNew paragraph, fixed.\n")
    commit(repo, "Home: typo", "docs/en/index.md")

    assert outdated(repo) == {
        "docs/ko/index.md": ["Home: typo", "Home: new paragraph"],
        "examples/ko/01_first.py": ["Lesson 1: new title"],
    }
    text = translation_status.report(translation_status.status(repo))
    assert "docs/ko/index.md  (English: docs/en/index.md)" in text
    assert "2 of 3 Korean pages need updating" in text


def test_translating_after_the_english_change_clears_the_page(repo):
    write(repo, "docs/en/index.md", "# Home\n\nNew paragraph.\n")
    commit(repo, "Home: new paragraph", "docs/en/index.md")
    assert list(outdated(repo)) == ["docs/ko/index.md"]
    write(repo, "docs/ko/index.md", "# 홈\n\n새 문단.\n")
    commit(repo, "홈: 새 문단 번역", "docs/ko/index.md")
    assert outdated(repo) == {}


def test_a_korean_change_alone_does_not_mark_the_page(repo):
    write(repo, "docs/ko/index.md", "# 홈\n\n다듬은 문장.\n")
    commit(repo, "홈: 문장 다듬기", "docs/ko/index.md")
    assert outdated(repo) == {}


def test_english_commits_the_translated_page_already_had_do_not_mark_it(repo):
    """Two merges of the same two branches: the Korean page is translated after the
    second, whose English page is the first's. The first merge is not an ancestor of the
    translation and changed the English page against both its parents, but the English
    page the translator read is today's: nothing to translate."""
    english = "docs/en/api/index.md"
    write(repo, english, "# API Home\n\na\n\nb\n\nc\n")
    commit(repo, "API: three paragraphs", english)
    git(repo, "checkout", "-q", "-b", "side")
    write(repo, english, "# API Home\n\nA\n\nb\n\nc\n")
    commit(repo, "API: first paragraph", english)
    git(repo, "checkout", "-q", "main")
    write(repo, english, "# API Home\n\na\n\nb\n\nC\n")
    commit(repo, "API: last paragraph", english)
    git(repo, "checkout", "-q", "-b", "translation", "side")
    git(repo, "merge", "-q", "--no-edit", "main~0")  # the same merge as main's below
    write(repo, "docs/ko/api/index.md", "# API 홈\n\nA\n\nb\n\nC\n")
    commit(repo, "API 번역", "docs/ko/api/index.md")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "side")
    assert list(outdated(repo)) == ["docs/ko/api/index.md"]  # main has the old translation
    git(repo, "merge", "-q", "--no-edit", "translation")
    assert outdated(repo) == {}


def test_uncommitted_english_edits_are_reported(repo):
    write(repo, "docs/en/api/index.md", "# API Home\n\nEdited.\n")
    states = {s.korean: s for s in translation_status.status(repo)}
    assert states["docs/ko/api/index.md"].english_uncommitted
    assert states["docs/ko/api/index.md"].outdated
    assert not states["docs/ko/index.md"].outdated
    assert "uncommitted changes to the English page" in translation_status.report(
        list(states.values())
    )
    # Editing the Korean page alongside it counts as translating it.
    write(repo, "docs/ko/api/index.md", "# API 홈\n\n고침.\n")
    assert outdated(repo) == {}


def test_command_line_lists_pages_and_check_sets_the_exit_status(repo, capsys):
    assert translation_status.main(["--root", str(repo), "--check"]) == 0
    write(repo, "examples/en/01_first.py", "# %% [markdown]\n# # Home, again\n")
    commit(repo, "Lesson 1: new title", "examples/en/01_first.py")
    capsys.readouterr()
    assert translation_status.main(["--root", str(repo)]) == 0
    assert translation_status.main(["--root", str(repo), "--check"]) == 1
    out = capsys.readouterr().out
    assert "examples/ko/01_first.py  (English: examples/en/01_first.py)" in out
    assert "Lesson 1: new title" in out


def run_script(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    """The script on ``args``; ``path``: the ``PATH`` it finds git on."""
    return subprocess.run(
        [sys.executable, "-m", "tools.checks.translation_status", *args],
        cwd=ROOT,
        env={**os.environ, "PATH": path if path is not None else os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_script_reads_this_repository_s_pages(tmp_path):
    """On a git history of this checkout's pages (the checkout may have none of its own:
    a downloaded archive)."""
    for folder in ("docs", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "The pages", "docs", "examples")
    result = run_script("--root", str(tmp_path), "--check")
    assert result.returncode == 0, result.stderr
    korean = len(translation_status.pairs(tmp_path))
    assert result.stdout == f"All {korean} Korean pages are up to date with their English pages\n"
    (tmp_path / "examples" / "en" / f"{LESSONS[0]}.py").write_text("# %%\nx = 2\n")
    result = run_script("--root", str(tmp_path), "--check")
    assert result.returncode == 1
    assert f"examples/ko/{LESSONS[0]}.py  (English: examples/en/{LESSONS[0]}.py)" in result.stdout


# A git whose messages are in another language: it fails as git does outside a work tree.
GERMAN_GIT = """#!/bin/sh
echo "fatal: Kein Git-Repository (oder irgendeines der Elternverzeichnisse): .git" >&2
exit 128
"""


@pytest.mark.parametrize(
    "kind", ["not a directory", "no git history", "git in another language", "no git"]
)
def test_a_root_the_script_cannot_read_is_one_line_naming_it(tmp_path, kind):
    root = tmp_path / "missing" if kind == "not a directory" else tmp_path / "root"
    if kind != "not a directory":
        root.mkdir()
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    path = None
    if kind == "git in another language":
        (bin_folder / "git").write_text(GERMAN_GIT)
        (bin_folder / "git").chmod(0o755)
        path = str(bin_folder)
    elif kind == "no git":
        path = str(bin_folder)
    result = run_script("--root", str(root), path=path)
    assert result.returncode == 2
    assert result.stdout == ""
    expected = {
        "not a directory": f"root must be a directory, got {str(root)!r}",
        "no git": "git is not installed: the status comes from git's history",
    }.get(
        kind, f"root {str(root)!r} is not in a git work tree: the status comes from git's history"
    )
    assert result.stderr == f"translation-status: {expected}\n"


def test_bad_roots_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"root must be a directory, got '.*missing'"):
        translation_status.status(tmp_path / "missing")
    with pytest.raises(RuntimeError, match=r"root '.*' is not in a git work tree"):
        translation_status.status(tmp_path)
