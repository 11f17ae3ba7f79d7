"""tools/canary.py: the versions ``make canary`` tested against the ones CI tested."""

from __future__ import annotations

import importlib.metadata

import pytest

from tools import canary

CONSTRAINTS = """\
# written by make constraints
Jinja2==3.1.6
markdown_it_py==4.0.0  # a comment
numpy==2.3.1 ; python_version >= "3.11"
-e ./tools
torch>=2
"""


def test_the_pins_are_read_by_normalised_name_and_other_lines_left_out(tmp_path):
    path = tmp_path / "constraints.txt"
    path.write_text(CONSTRAINTS, encoding="utf-8")
    assert canary.read_constraints(path) == {
        "jinja2": "3.1.6",
        "markdown-it-py": "4.0.0",
        "numpy": "2.3.1",
    }


def test_new_gone_and_changed_versions_are_listed_and_nnguide_left_out():
    tested = {"a": "1.0", "b": "2.0", "c": "3.0", "nnguide": "0.2.0"}
    now = {"a": "1.0", "b": "2.1", "d": "4.0", "nnguide": "0.3.0"}
    assert canary.differences(tested, now) == [
        "  ~ b 2.0 -> 2.1",
        "  - c 3.0 (no longer installed)",
        "  + d 4.0 (not in the tested set)",
    ]


@pytest.mark.parametrize("status", [0, 1])
def test_the_report_names_the_verdict_and_exits_with_the_suite_s_status(tmp_path, capsys, status):
    path = tmp_path / "constraints.txt"
    pytest_version = importlib.metadata.version("pytest")
    path.write_text(f"pytest=={pytest_version}\n", encoding="utf-8")
    assert canary.main([str(path), "--status", str(status)]) == status
    out = capsys.readouterr().out.splitlines()
    verdict = "passed" if status == 0 else f"FAILED (exit status {status})"
    assert out[0] == f"Tests with the newest allowed versions: {verdict}"
    assert out[1] == f"Versions that differ from {path}:"
    assert f"  ~ pytest {pytest_version} -> {pytest_version}" not in out
    assert all(line.startswith("  + ") for line in out[2:])  # the rest is not in the file


@pytest.mark.parametrize("kind", ["missing", "a folder", "not UTF-8"])
def test_a_constraints_file_it_cannot_read_is_one_line_naming_it(tmp_path, capsys, kind):
    path = tmp_path / "constraints.txt"
    if kind == "a folder":
        path.mkdir()
    elif kind == "not UTF-8":
        path.write_bytes(b"caf\xe9==1.0\n")
    assert canary.main([str(path)]) == 2
    reason = {
        "missing": "No such file or directory",
        "a folder": "Is a directory",
        "not UTF-8": "not UTF-8",
    }[kind]
    assert capsys.readouterr().err == f"constraints: cannot read {str(path)!r}: {reason}\n"
