"""Fixtures shared by the example, site and browser tests."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "ko")
LESSONS = sorted(path.stem for path in (ROOT / "examples" / "en").glob("[0-9][0-9]_*.py"))


def load_tool(name: str):
    """Import ``tools/<name>.py`` (the tools folder is not a package) as module ``name``."""
    sys.path.insert(0, str(ROOT / "tools"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def run_mkdocs_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``site_dir``."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env=mkdocs_env(),
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
        prefix = self.root if lang == "en" else self.root / lang
        return prefix / path / "index.html"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The whole site, built once per test session from the working tree."""
    site_dir = tmp_path_factory.mktemp("site")
    result = run_mkdocs_build(ROOT, site_dir)
    assert result.returncode == 0, result.stderr[-5000:]
    return BuiltSite(site_dir, result.stderr)
