"""Project files that are not Python code: the publishing workflow."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def actionlint() -> str:
    found = Path(sys.executable).with_name("actionlint")
    return str(found) if found.exists() else shutil.which("actionlint")


def test_pages_workflow_passes_actionlint():
    workflow = ROOT / ".github" / "workflows" / "pages.yml"
    result = subprocess.run([actionlint(), str(workflow)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses:\n"
    )
    result = subprocess.run([actionlint(), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "broken.yml" in result.stdout
