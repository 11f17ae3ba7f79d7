"""Two builds at once in one tree: each waits for the other, and the site is complete."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import mkdocs_env, run_mkdocs_build, small_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_site(executed_project, tmp_path_factory):
    """A small copy of the project (one lesson), built once on its own: the pages expected."""
    folder = tmp_path_factory.mktemp("small")
    project = small_project(folder / "project", source=executed_project)
    result = run_mkdocs_build(project, folder / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    return project, folder / "site"


@pytest.fixture
def project(small_site, tmp_path):
    """A copy of the small project, its lesson executed and its caches warm."""
    return shutil.copytree(small_site[0], tmp_path / "project")


def pages(site) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")}


def run_together(project, *commands) -> list[subprocess.CompletedProcess]:
    processes = [
        subprocess.Popen(
            command,
            cwd=project,
            env=mkdocs_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=900)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def test_two_mkdocs_builds_into_one_folder_take_turns(project, small_site):
    expected = pages(small_site[1])
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"]
    first, second = run_together(project, command, command)
    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    assert "waiting for it" in first.stderr + second.stderr
    assert pages(project / "site") == expected


def test_two_make_docs_at_once_leave_a_complete_site(project, small_site):
    expected = pages(small_site[1])
    command = [sys.executable, "-m", "tools.publish"]
    results = run_together(project, command, command)
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    assert pages(project / "site") == expected
    assert not list((project / ".cache").glob("site-*/")), "no build folder is left behind"
