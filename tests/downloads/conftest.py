"""The sdist and the wheel, built once per session with ``python -m build``, offline."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

# What a checkout has besides the sources: never part of a distribution.
NOT_SOURCES = [
    ".git",
    ".venv*",
    ".cache",
    "site",
    "node_modules",
    "artifacts",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.ipynb",
]


@dataclass
class Distributions:
    folder: Path
    wheel: Path
    sdist: Path


@pytest.fixture(scope="session")
def distributions(tmp_path_factory) -> Distributions:
    """``python -m build`` (sdist, then the wheel from it) of a copy of the working tree.

    A copy, so the build's ``build/`` and ``*.egg-info`` never land in the repository.
    ``--no-isolation``: the build backend is the one installed here (``setuptools`` in
    the ``dev`` extra's constraints), so the build needs no network; the release
    workflow's isolated build installs the same backend from ``[build-system]``.
    """
    source = tmp_path_factory.mktemp("source") / "nnguide"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    folder = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(folder), str(source)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    wheels = sorted(folder.glob("*.whl"))
    sdists = sorted(folder.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in folder.iterdir())
    return Distributions(folder, wheels[0], sdists[0])
