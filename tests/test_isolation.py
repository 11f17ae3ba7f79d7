"""A test run neither takes from nor leaves to its surroundings (tests/conftest.py).

The tests build, execute and cache in temporary folders and copies. A test that runs a
step on the checkout itself (its ``mkdocs.yml``, its caches) writes there unnoticed: the
run fails instead, naming what it wrote, removed or changed (``pytest_sessionfinish``).
And the build settings of the shell that runs the tests reach no test
(``pytest_configure``): each test sets the ones it builds with.
"""

from __future__ import annotations

import os

from tests.conftest import ROOT, checkout_changes, checkout_files

CONFTEST = """
from tests.conftest import pytest_sessionfinish, pytest_sessionstart
"""
TESTS = """
def test_writes_into_the_checkout(request):
    (request.config.rootpath / ".cache").mkdir()
    (request.config.rootpath / ".cache" / "usage.json").write_text("{}")


def test_writes_into_its_temporary_folder(tmp_path):
    (tmp_path / "x.json").write_text("{}")
"""
TOOL_FOLDERS = (".git", ".venv", ".venv-canary", "node_modules", ".pytest_cache", ".hypothesis")


def test_files_written_removed_or_changed_are_named_and_tool_folders_left_out(tmp_path):
    for name in ("kept.txt", "changed.txt", "removed.txt", "touched.txt"):
        (tmp_path / name).write_text("a")
    for folder in TOOL_FOLDERS:
        (tmp_path / folder).mkdir()
    before = checkout_files(tmp_path)
    (tmp_path / "changed.txt").write_text("ab")
    (tmp_path / "removed.txt").unlink()
    os.utime(tmp_path / "touched.txt", ns=(0, 0))  # same size, another time
    (tmp_path / ".cache" / "usage").mkdir(parents=True)
    (tmp_path / ".cache" / "usage" / "lesson.json").write_text("{}")
    for folder in TOOL_FOLDERS:
        (tmp_path / folder / "file").write_text("x")
    (tmp_path / "tools" / "__pycache__").mkdir(parents=True)
    (tmp_path / "tools" / "__pycache__" / "plugin.pyc").write_text("x")
    assert checkout_changes(before, checkout_files(tmp_path)) == [
        "changed: changed.txt",
        "changed: touched.txt",
        "removed: removed.txt",
        f"written: {os.path.join('.cache', 'usage', 'lesson.json')}",
    ]


def run_in_a_checkout(pytester, monkeypatch, *args: str):
    """Run TESTS with this suite's hooks, in a checkout of their own (its own root folder,
    beside pytester's output files and the run's temporary folder)."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    checkout = pytester.mkdir("checkout")
    (checkout / "pytest.ini").write_text("[pytest]\n")
    (checkout / "conftest.py").write_text(CONFTEST)
    (checkout / "test_steps.py").write_text(TESTS)
    temporary = pytester.path / "temporary"
    return pytester.runpytest_subprocess(
        str(checkout), "--basetemp", str(temporary), "-p", "no:cacheprovider", *args
    )


def test_a_run_that_writes_into_the_checkout_fails_naming_the_file(pytester, monkeypatch):
    result = run_in_a_checkout(pytester, monkeypatch)
    assert result.ret == 1
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= the test run changed 1 file of the checkout =*",
            f"  written: {os.path.join('.cache', 'usage.json')}",
        ]
    )


def test_a_run_that_writes_into_temporary_folders_only_passes(pytester, monkeypatch):
    result = run_in_a_checkout(pytester, monkeypatch, "-k", "temporary")
    assert result.ret == 0
    assert "of the checkout" not in result.stdout.str()


ENVIRONMENT_CONFTEST = """
from tests.conftest import pytest_configure, pytest_report_header, pytest_unconfigure
"""
ENVIRONMENT_TESTS = """
import os


def test_the_build_settings_of_the_shell_are_gone():
    assert {name: os.environ.get(name) for name in BUILD} == dict.fromkeys(BUILD)
    assert os.environ["NNGUIDE_SCREENSHOTS"] == "shots"  # the tests' own control stays
"""


def test_build_settings_the_runner_exported_reach_no_test_and_are_named(pytester, monkeypatch):
    """A build setting in the shell that runs the tests (an author's ``NNGUIDE_EXECUTE=0``
    or ``NNGUIDE_STRICT=false``, a ``REPO_URL``) would change every build the tests make:
    the site would not execute, a warning would not fail a strict build, every page would
    link to Colab. The tests set what they build with; the run names what it ignored."""
    exported = {
        "SITE_URL": "https://example.org/",
        "REPO_URL": "https://github.com/someone/fork",
        "EDIT_URI": "edit/main/docs/",
        "NNGUIDE_STRICT": "false",
        "NNGUIDE_EXECUTE": "0",
        "NNGUIDE_TIMEOUT": "5",
    }
    for name, value in {**exported, "NNGUIDE_SCREENSHOTS": "shots"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeconftest(ENVIRONMENT_CONFTEST)
    pytester.makepyfile(
        test_environment=f"BUILD = {sorted(exported)!r}\n" + ENVIRONMENT_TESTS,
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    named = ", ".join(f"{name}={exported[name]}" for name in sorted(exported))
    result.stdout.fnmatch_lines([f"ignored (each test sets what it builds with): {named}"])
