"""Workaround: mkdocs-jupyter's cache evicts the entries of mkdocs-static-i18n's other builds.

mkdocs-jupyter (0.26) caches each converted notebook in its ``cache_dir``, and in its
``on_post_build`` deletes every entry the build did not use. mkdocs-static-i18n builds
each language as a build of its own, nested in the default language's
``on_post_build``: each language's build deletes the other languages' entries, so
every build converts every notebook again. (Upstream: mkdocs-jupyter's eviction has no
notion of several builds sharing one cache; no issue filed yet.)

The workaround: each language's build gets a ``cache_dir`` of its own, set in the
build's ``on_pre_build`` before mkdocs-jupyter reads it (:func:`use`). A dirty rebuild
(``mkdocs serve --dirty``) renders only the changed pages, so it gets a copy of its own
(filled once per language), which keeps the full builds' entries. A dirty rebuild
evicts the entries of every page it did not render, so before each one the entries
of either folder that the other lacks are copied into it (atomically): the full
builds' entries come back, and what the dirty rebuilds converted is kept (the next
full build uses it or evicts it). A lesson whose code did not change is not converted
again when its prose is edited after another page was.

This module is the only code that changes mkdocs-jupyter's configuration.
``tests/tools/test_mkdocs_jupyter_eviction.py`` fails once upstream keeps the other
builds' entries; this module then goes, and ``mkdocs.yml`` sets one ``cache_dir``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tools.files import write_atomic

PLUGIN = "mkdocs-jupyter"


def cache_dir(cache: Path, code: str, dirty: bool, seeded: set[str]) -> Path:
    """mkdocs-jupyter's cache folder for the build of language ``code``.

    Args:
        cache: The project's cache folder.
        code: The language being built.
        dirty: A dirty rebuild (``mkdocs serve --dirty``).
        seeded: The languages whose dirty copy was filled; updated.

    Returns:
        ``<cache>/mkdocs-jupyter/<code>``, or for a dirty rebuild
        ``<cache>/mkdocs-jupyter/dirty/<code>`` (filled from the former once; then
        each gets the entries of the other that it lacks).
    """
    folder = Path(cache) / PLUGIN / code
    if not dirty:
        return folder
    serving = Path(cache) / PLUGIN / "dirty" / code
    if code not in seeded and folder.is_dir():
        shutil.copytree(folder, serving, dirs_exist_ok=True)
    elif code in seeded:
        _add_missing(folder, serving)  # what the last dirty rebuild evicted
        _add_missing(serving, folder)  # what the dirty rebuilds converted
    seeded.add(code)
    return serving


def _add_missing(source: Path, target: Path) -> None:
    """Copy into ``target`` each entry of ``source`` it lacks (atomically)."""
    if not source.is_dir():
        return
    for entry in source.glob("*.json"):
        if not (target / entry.name).exists():
            write_atomic(target / entry.name, entry.read_bytes())


def use(config: Any, folder: Path) -> bool:
    """Point the build's mkdocs-jupyter at ``folder``; False where it is not configured."""
    jupyter = config.plugins.get(PLUGIN)
    if jupyter is None:
        return False
    jupyter.config["cache_dir"] = str(folder)
    return True
