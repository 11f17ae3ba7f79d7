"""The search scripts' JavaScript unit tests (``tests/js``), run with ``node --test``."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import ROOT


def test_the_search_protocol_s_node_tests_pass():
    node = shutil.which("node")
    assert node is not None, "node is needed for the search scripts' tests (and for `npm ci`)"
    run = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "js")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout and "# pass 0" not in run.stdout, run.stdout
