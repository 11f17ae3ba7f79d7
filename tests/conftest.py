"""Fixtures shared by the example, site and browser tests, and the test tiers' markers.

``make test-fast`` runs ``-m "not slow and not kernel"``: a test that builds a site,
drives a browser or builds the distributions is ``slow``; one that starts a Jupyter
kernel or runs a lesson script is ``kernel``. Collection fails for a test that uses a
site fixture without ``slow``, and a site build or script run fails in a test without
its marker, so the fast tier cannot grow a build by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools import config, lessons

PROJECT = config.load()
ROOT = PROJECT.root
LANGUAGES = PROJECT.codes
DEFAULT_LANGUAGE = PROJECT.default.code
LESSONS = sorted(
    example.name for example in lessons.discover(PROJECT, languages=(DEFAULT_LANGUAGE,))
)


def lesson(lang: str, name: str) -> lessons.Lesson:
    """The lesson script ``examples/<lang>/<name>.py``, as the build reads it."""
    examples = lessons.discover(PROJECT, languages=(lang,))
    return lessons.read(next(example for example in examples if example.name == name))


# Fixtures that build the site or the distributions: a test using one is `slow`.
SLOW_FIXTURES = frozenset({"built_site", "hosted_site", "served_site", "distributions"})

_running: pytest.Item | None = None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = [
        item.nodeid
        for item in items
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests that build the site or the distributions must be marked slow: "
            + ", ".join(unmarked)
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _running
    _running = item


def require_marker(name: str, what: str) -> None:
    """Fail unless the running test carries marker ``name`` (it does ``what``)."""
    if _running is not None and _running.get_closest_marker(name) is None:
        pytest.fail(f"{_running.nodeid} {what}: mark it @pytest.mark.{name}", pytrace=False)


def copy_project(target: Path, *, caches: bool = True) -> Path:
    """A copy of the working tree at ``target``: sources, executed notebooks, caches.

    No virtualenv, git data or built site; ``caches=False`` leaves out ``.cache``
    (execution state, render and search caches) too.
    """
    left_out = [".venv*", ".git", "site", "__pycache__", "*.egg-info"]
    shutil.copytree(
        ROOT, target, ignore=shutil.ignore_patterns(*left_out, *([] if caches else [".cache"]))
    )
    return target


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def run_mkdocs_build(
    project: Path, site_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``site_dir`` (``env``: extra variables)."""
    require_marker("slow", "builds a site")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env={**mkdocs_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )


@dataclass
class BuiltSite:
    root: Path
    log: str

    def page(self, lang: str, path: str) -> Path:
        """The HTML file of ``path`` (e.g. ``tutorials/01_x/``) in ``lang``."""
        return self.root / PROJECT.language(lang).root / path / "index.html"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The whole site, built once per test session from the working tree."""
    site_dir = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(ROOT, site_dir)
    assert result.returncode == 0, result.stderr[-5000:]
    return BuiltSite(site_dir, result.stderr)


# What the Pages workflow sets from the repository it runs in (.github/workflows/pages.yml).
HOSTED = {
    "SITE_URL": "https://nnguide.github.io/nnguide/",
    "REPO_URL": "https://github.com/nnguide/nnguide",
    "EDIT_URI": "edit/main/docs/",
}


@pytest.fixture(scope="session")
def hosted_site(tmp_path_factory) -> BuiltSite:
    """The whole site as the Pages workflow builds it: with site and repository URLs."""
    site_dir = tmp_path_factory.mktemp("hosted")
    result = run_mkdocs_build(ROOT, site_dir, HOSTED)
    assert result.returncode == 0, result.stderr[-5000:]
    return BuiltSite(site_dir, result.stderr)
