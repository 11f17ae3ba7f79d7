"""Fixtures of the tools' tests."""

from __future__ import annotations

import functools
from dataclasses import replace

import nbformat
import pytest

from tests.conftest import ROOT
from tools import config, execute, lessons
from tools.lessons import METADATA_KEY


@pytest.fixture
def fake_kernel(monkeypatch):
    """``execute`` without a kernel: every code cell prints "ran N"; the calls are counted."""
    calls: list[str] = []

    def run(example, limit, threads, project=None, environment=None):
        assert ROOT not in example.script.parents, f"would overwrite {example.notebook}"
        calls.append(example.label)
        notebook = lessons.read(example).notebook
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
                cell.execution_count = 1
        notebook.metadata[METADATA_KEY] = {
            "key": None,
            "distributions": {},
            "run_seconds": 0.5,
            "script": example.label,
        }
        return notebook, 0.5

    monkeypatch.setattr(execute, "_timed_execute", run)
    return calls


@pytest.fixture
def project_here(monkeypatch):
    """``use(root)``: the command-line tools (``config.load()``) read the project at ``root``."""
    load = config.load

    def use(root):
        monkeypatch.setattr(config, "load", functools.partial(load, root))
        monkeypatch.chdir(root)

    return use


@pytest.fixture
def caches_elsewhere(monkeypatch, tmp_path):
    """The project's settings (``config.load``) keep its caches in ``tmp_path / "cache"``:
    a test that runs the plugin on the checkout's ``mkdocs.yml`` writes nothing into it."""
    load = config.load
    monkeypatch.setattr(
        config, "load", lambda *root: replace(load(*root), cache_dir=tmp_path / "cache")
    )
    return tmp_path / "cache"
