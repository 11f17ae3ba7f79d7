"""mkdocs-static-i18n issue #198 and its workaround, :mod:`tools.static_i18n_198`."""

from __future__ import annotations

import json

from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from tools import static_i18n_198

NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def i18n_files(tmp_path):
    """A two-language site with one notebook, its file list after the plugins' ``on_files``."""
    for code in ("en", "ko"):
        folder = tmp_path / "docs" / code
        (folder / "tutorials").mkdir(parents=True)
        (folder / "index.md").write_text("# Home\n", encoding="utf-8")
        (folder / "tutorials" / "a.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\n"
        "plugins:\n"
        "  - i18n:\n"
        "      docs_structure: folder\n"
        "      languages:\n"
        "        - {locale: en, default: true, name: English, build: true}\n"
        "        - {locale: ko, name: Korean, build: true}\n"
        "  - mkdocs-jupyter:\n"
        '      include: ["tutorials/*.ipynb"]\n',
        encoding="utf-8",
    )
    site = load_config(str(tmp_path / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    site.plugins.on_startup(command="build", dirty=False)
    site = site.plugins.on_config(site)
    site.plugins.on_pre_build(config=site)
    return site, site.plugins.on_files(get_files(site), config=site)


def test_upstream_198_the_i18n_file_list_still_drops_the_notebook_pages(tmp_path):
    """Fails once upstream fixes #198: then remove tools/static_i18n_198.py and its use."""
    _, files = i18n_files(tmp_path)
    notebook = files.get_file_from_path("en/tutorials/a.ipynb")
    assert notebook is not None
    assert not notebook.is_documentation_page(), (
        "mkdocs-static-i18n keeps mkdocs-jupyter's notebooks as pages now (issue #198 fixed): "
        "remove the workaround tools/static_i18n_198.py"
    )


def test_the_notebook_is_a_page_again_at_the_same_place_with_its_alternates(tmp_path):
    site, files = i18n_files(tmp_path)
    notebook = files.get_file_from_path("en/tutorials/a.ipynb")
    alternates = {
        "en": ("en/tutorials/a.ipynb", "tutorials/a/index.html"),
        "ko": ("ko/tutorials/a.ipynb", "ko/tutorials/a/index.html"),
    }
    page = static_i18n_198.as_page(notebook, site, alternates)
    assert page.is_documentation_page()
    assert (page.src_uri, page.dest_uri, page.url) == (
        notebook.src_uri,
        notebook.dest_uri,
        notebook.url,
    )
    assert page.abs_dest_path == notebook.abs_dest_path
    assert page.abs_src_path == notebook.abs_src_path
    assert (page.locale, page.norm_src_uri) == ("en", "tutorials/a.ipynb")
    assert {code: (f.locale, f.url) for code, f in page.alternates.items()} == {
        "en": ("en", "tutorials/a/"),
        "ko": ("ko", "ko/tutorials/a/"),
    }
