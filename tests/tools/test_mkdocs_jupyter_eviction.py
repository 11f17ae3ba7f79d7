"""mkdocs-jupyter's eviction of other builds' cache entries, and its workaround."""

from __future__ import annotations

import json

from mkdocs.config import load_config
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from tools import mkdocs_jupyter_eviction

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def two_language_build(tmp_path, folders: dict[str, str] | None = None) -> list[str]:
    """mkdocs-jupyter's events as a mkdocs-static-i18n build calls them: the default
    language's build, then (from its ``on_post_build``) the other language's.

    ``folders``: language -> ``cache_dir`` set before each build (the workaround).
    Returns the log lines mkdocs-jupyter wrote about its cache ("Cache hit: ...").
    """
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\n"
        "plugins:\n"
        "  - mkdocs-jupyter:\n"
        '      include: ["tutorials/*.ipynb"]\n'
        f"      cache_dir: {tmp_path / 'cache'}\n",
        encoding="utf-8",
    )
    for code in ("en", "ko"):
        folder = tmp_path / "docs" / code / "tutorials"
        folder.mkdir(parents=True, exist_ok=True)
        notebook = {**NOTEBOOK, "metadata": {"lang": code}}
        (folder / "a.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    jupyter = config.plugins["mkdocs-jupyter"]
    seen = []
    for code in ("en", "ko"):
        if folders:
            assert mkdocs_jupyter_eviction.use(config, tmp_path / folders[code])
        jupyter.on_pre_build(config)
        file = File(
            f"{code}/tutorials/a.ipynb", config.docs_dir, config.site_dir, use_directory_urls=True
        )
        files = jupyter.on_files(Files([file]), config)
        page = Page(None, files.documentation_pages()[0], config)
        page = jupyter.on_pre_page(page, config, files)
        cached = (tmp_path / jupyter.config["cache_dir"]).glob("*.json")
        seen.append(f"{code}: {len(list(cached))} entries before")
        page.render(config, files)
        jupyter.on_post_build(config)
    return seen


def test_upstream_mkdocs_jupyter_still_evicts_the_other_language_s_entries(tmp_path):
    """Fails once upstream keeps them: then remove tools/mkdocs_jupyter_eviction.py."""
    two_language_build(tmp_path)
    second = two_language_build(tmp_path)
    assert second == ["en: 1 entries before", "ko: 1 entries before"]
    entries = list((tmp_path / "cache").glob("*.json"))
    assert len(entries) == 1, (
        "mkdocs-jupyter keeps the other language's cache entry now: remove the workaround "
        "tools/mkdocs_jupyter_eviction.py and set one cache_dir in mkdocs.yml"
    )


def test_a_cache_folder_per_language_keeps_every_entry(tmp_path):
    folders = {"en": "cache/en", "ko": "cache/ko"}
    two_language_build(tmp_path, folders)
    assert two_language_build(tmp_path, folders) == [
        "en: 1 entries before",
        "ko: 1 entries before",
    ]
    assert {path.parent.name for path in (tmp_path / "cache").glob("*/*.json")} == {"en", "ko"}


def test_a_site_without_mkdocs_jupyter_is_left_alone(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    assert not mkdocs_jupyter_eviction.use(config, tmp_path)


def test_serve_dirty_renders_into_a_copy_seeded_once(tmp_path):
    full = tmp_path / "mkdocs-jupyter" / "en"
    full.mkdir(parents=True)
    (full / "page.html").write_text("full build")
    seeded: set[str] = set()
    assert mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", False, seeded) == full
    serving = mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", True, seeded)
    assert serving == tmp_path / "mkdocs-jupyter" / "dirty" / "en"
    assert (serving / "page.html").read_text() == "full build" and seeded == {"en"}
    (serving / "page.html").write_text("dirty rebuild")
    mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", True, seeded)
    assert (serving / "page.html").read_text() == "dirty rebuild", "seeded once per serve"


def test_a_dirty_rebuild_gets_back_the_entries_the_last_one_evicted(tmp_path):
    full = tmp_path / "mkdocs-jupyter" / "en"
    full.mkdir(parents=True)
    for name in ("a.json", "b.json"):
        (full / name).write_text(f"full build of {name}")
    seeded: set[str] = set()
    serving = mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", True, seeded)
    (serving / "a.json").unlink()  # evicted: the rebuild rendered b only
    (serving / "b.json").write_text("dirty rebuild of b")
    (serving / "c.json").write_text("dirty rebuild of c")
    assert mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", True, seeded) == serving
    assert {path.name: path.read_text() for path in serving.iterdir()} == {
        "a.json": "full build of a.json",
        "b.json": "dirty rebuild of b",
        "c.json": "dirty rebuild of c",
    }
    assert {path.name: path.read_text() for path in full.iterdir()} == {
        "a.json": "full build of a.json",
        "b.json": "full build of b.json",
        "c.json": "dirty rebuild of c",
    }, "what the dirty rebuilds converted is kept, the full builds' entries as they were"


def test_entries_a_first_dirty_rebuild_converted_survive_its_evictions(tmp_path):
    """``make serve`` on a fresh clone: no full build has filled the cache."""
    seeded: set[str] = set()
    serving = mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", True, seeded)
    serving.mkdir(parents=True)
    (serving / "a.json").write_text("converted by the first rebuild")
    mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", True, seeded)
    (serving / "a.json").unlink()  # evicted by a rebuild of another page
    mkdocs_jupyter_eviction.cache_dir(tmp_path, "en", True, seeded)
    assert (serving / "a.json").read_text() == "converted by the first rebuild"
