"""A failed build, by ``make docs`` or a plain ``mkdocs build``, never leaves ``site/`` worse."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import ROOT, mkdocs_env, require_marker
from tools import files, publish


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def old_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text("old home")
    (site / "en" / "page.html").write_text("old page")
    return site


def test_swap_in_replaces_the_folder_whole(tmp_path):
    site = old_site(tmp_path)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "index.html").write_text("new home")
    files.swap_in(fresh, site)
    assert snapshot(site) == {"index.html": b"new home"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("strict", [False, True])
def test_staging_swaps_in_only_a_complete_build(tmp_path, strict):
    site = old_site(tmp_path)
    before = snapshot(site)
    config = SimpleNamespace(site_dir=str(site), strict=strict)
    staging = publish.Staging(config)
    assert Path(config.site_dir) == staging.fresh and staging.fresh.parent == tmp_path
    (staging.fresh / "index.html").write_text("half")
    staging.discard()  # on_build_error
    assert snapshot(site) == before and config.site_dir == str(site)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]

    staging = publish.Staging(config)
    (staging.fresh / "index.html").write_text("warned")
    logging.getLogger("mkdocs.plugins.x").warning("a warning")
    assert staging.finish() is not strict  # --strict: a warning fails the build
    assert snapshot(site) == (before if strict else {"index.html": b"warned"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


FIXTURE = """site_name: fixture
theme:
  name: material
extra:
  nnguide:
    timeout: 60
plugins:
  - i18n:
      docs_structure: folder
      languages:
        - locale: en
          default: true
          name: en
          extra:
            labels: {download: d, script: s, notebook: n, runtime: "r {seconds}",
                      provenance: "p {date}", figure: "f {number}", executed: e, cached: c,
                      status_columns: [l, t, m, o, b, d], used_in: u, colab: c, install: i,
                      solution: so, archive: a}
  - nnguide
hooks:
  - hooks.py
"""
HOOKS = """from mkdocs.exceptions import PluginError


def on_page_markdown(markdown, page, **kwargs):
    if "FAIL" in markdown:
        raise PluginError(f"{page.file.src_uri}: this page fails")
    return markdown
"""


def plain_build(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env={**mkdocs_env(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "page",
    ["FAIL\n", "[a broken link](missing.md)\n"],
    ids=["an error in a page", "a warning under strict"],
)
def test_a_failed_plain_mkdocs_build_leaves_site_byte_identical(tmp_path, page):
    require_marker("slow", "builds a tiny site")
    (tmp_path / "docs" / "en").mkdir(parents=True)
    (tmp_path / "examples" / "en").mkdir(parents=True)
    (tmp_path / "nnguide").mkdir()
    (tmp_path / "nnguide" / "__init__.py").write_text('__version__ = "0.0.1"\n')
    (tmp_path / "mkdocs.yml").write_text(FIXTURE)
    (tmp_path / "hooks.py").write_text(HOOKS)
    (tmp_path / "docs" / "en" / "index.md").write_text("# Home\n")
    first = plain_build(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    before = snapshot(tmp_path / "site")
    assert "index.html" in before
    (tmp_path / "docs" / "en" / "bad.md").write_text(page)
    failed = plain_build(tmp_path)
    assert failed.returncode == 1, failed.stderr[-2000:]
    assert snapshot(tmp_path / "site") == before
    assert not list(tmp_path.glob(".site.*"))  # no staging folder left
    (tmp_path / "docs" / "en" / "bad.md").write_text("# Fixed\n")
    fixed = plain_build(tmp_path)
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    assert "bad/index.html" in snapshot(tmp_path / "site")
