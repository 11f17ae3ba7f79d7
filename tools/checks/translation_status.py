"""List the Korean pages whose English counterpart changed after them.

A Korean page (``docs/ko/**/*.md`` or ``examples/ko/*.py``) is out of date when
its English counterpart (``docs/en/…``, ``examples/en/…``) differs from the one at
the Korean page's last commit: the English commits since (those that are not
ancestors of it) are listed. Uncommitted edits count too: an English page edited in
the working tree while its Korean page is not.

Usage::

    python -m tools.checks.translation_status [--root DIR] [--check]

prints one block per out-of-date page (with the English commits to translate)
and a one-line summary; ``--check`` exits with status 1 when a page is out of
date. ``make translation-status`` runs it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tools.config import ROOT


@dataclass
class Status:
    """The translation state of one Korean page."""

    korean: str
    english: str
    english_commits: list[str] = field(default_factory=list)  # "<sha> <date> <subject>"
    english_uncommitted: bool = False
    korean_committed: bool = True  # False for a new translation not committed yet

    @property
    def outdated(self) -> bool:
        """Whether the English page changed after the Korean one."""
        return bool(self.english_commits) or self.english_uncommitted


class _GitFailed(RuntimeError):
    """A git command exited with an error (git itself is installed)."""


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise RuntimeError("git is not installed: the status comes from git's history") from None
    if result.returncode != 0:
        raise _GitFailed(f"git {' '.join(args)} failed in {root}: {result.stderr.strip()}")
    return result.stdout


def pairs(root: Path = ROOT) -> list[tuple[str, str]]:
    """``(korean, english)`` paths, relative to ``root``, of every Korean page."""
    found = []
    korean_files = sorted((root / "docs" / "ko").rglob("*.md")) + sorted(
        (root / "examples" / "ko").glob("*.py")
    )
    for path in korean_files:
        korean = path.relative_to(root).as_posix()
        parts = korean.split("/")
        english = "/".join([parts[0], "en", *parts[2:]])
        found.append((korean, english))
    return found


def status(root: Path = ROOT) -> list[Status]:
    """The state of every Korean page under ``root`` (a git work tree).

    Args:
        root: The repository root.

    Returns:
        One :class:`Status` per Korean page with an English counterpart, in path order.

    Raises:
        ValueError: If ``root`` is not a directory.
        RuntimeError: If ``root`` is not inside a git work tree (the files without
            their history, as a downloaded archive has them), or git is not installed.
    """
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"root must be a directory, got {str(root)!r}")
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except _GitFailed:  # by its exit status: git's message is in the user's language
        raise RuntimeError(
            f"root {str(root)!r} is not in a git work tree: the status comes from git's history"
        ) from None
    has_head = (
        subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True
        ).returncode
        == 0
    )
    modified = set()
    if has_head:
        modified = set(_git(root, "diff", "--name-only", "HEAD").split())
    untracked = set(_git(root, "ls-files", "--others", "--exclude-standard").split())
    result = []
    for korean, english in pairs(root):
        if not (root / english).is_file():
            continue
        state = Status(korean, english)
        last = _git(root, "log", "-1", "--format=%H", "--", korean).strip() if has_head else ""
        state.korean_committed = bool(last)
        # The English commits since, where the English page differs from the one the
        # translator had: a merge of commits the translation already had changes nothing.
        if last and _git(root, "diff", "--name-only", last, "HEAD", "--", english).strip():
            state.english_commits = _git(
                root, "log", "--format=%h %ad %s", "--date=short", f"{last}..HEAD", "--", english
            ).splitlines()
        korean_edited = korean in modified or korean in untracked
        english_edited = english in modified or english in untracked
        state.english_uncommitted = english_edited and not korean_edited
        result.append(state)
    return result


def report(states: list[Status]) -> str:
    """Human-readable list of the out-of-date Korean pages."""
    lines = []
    outdated = [s for s in states if s.outdated]
    for state in outdated:
        lines.append(f"{state.korean}  (English: {state.english})")
        for commit in state.english_commits:
            lines.append(f"    {commit}")
        if state.english_uncommitted:
            lines.append("    uncommitted changes to the English page")
    lines.append(
        f"{len(outdated)} of {len(states)} Korean pages need updating"
        if outdated
        else f"All {len(states)} Korean pages are up to date with their English pages"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if a page is out of date"
    )
    args = parser.parse_args(argv)
    try:
        states = status(args.root)
    except (ValueError, RuntimeError) as error:
        print(f"translation-status: {error}", file=sys.stderr)
        return 2
    print(report(states))
    return 1 if args.check and any(s.outdated for s in states) else 0


if __name__ == "__main__":
    sys.exit(main())
