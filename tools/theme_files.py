"""The theme's template loader, which lists its files without walking its hidden folders.

On every build, and every language's build, MkDocs (1.6) lists the theme's static
files with ``env.list_templates(filter_func=...)`` (``Files.add_files_from_theme``) and
its filter then drops every name inside a hidden folder (the patterns ``.*`` and
``*/.*``). Material keeps its icons in ``.icons``: of the 14,509 files its templates
folder holds, 161 are outside hidden folders. Walking and filtering the others took
about 0.3 s per language in each ``mkdocs serve`` rebuild, the largest single part of it.

:class:`ThemeLoader` is Jinja's ``FileSystemLoader`` with a ``list_templates`` that does
not enter hidden folders, so the theme's files are the same and the walk is short.
Loading a template (``get_source``, what ``{% include ".icons/..." %}`` calls) is
unchanged. :func:`install` makes the theme's ``get_env`` (MkDocs' public method that
builds the environment) use it, and keep compiled templates in a bytecode cache.
"""

from __future__ import annotations

import os
from typing import Any

import jinja2


class ThemeLoader(jinja2.FileSystemLoader):
    """``FileSystemLoader`` whose listing leaves out folders whose names start with a dot."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                relative = os.path.relpath(folder, searchpath)
                for name in names:
                    path = name if relative == "." else os.path.join(relative, name)
                    found.add(path.replace(os.path.sep, "/"))
        return sorted(found)


def install(theme: Any, bytecode_cache: jinja2.BytecodeCache | None = None) -> None:
    """Make ``theme.get_env()`` return environments that load through :class:`ThemeLoader`.

    ``bytecode_cache``: where those environments keep their compiled templates. MkDocs'
    build is not the only caller of ``get_env``: Material's search plugin makes one per
    build and language for its translations (``partials/language.html``), which would
    otherwise compile those templates again on every ``mkdocs serve`` rebuild.

    Called for each language's configuration (mkdocs-static-i18n copies the theme for
    each language, with its own locale), so the environment is always that theme's own.
    """
    make_env = type(theme).get_env

    def get_env() -> jinja2.Environment:
        env = make_env(theme)
        loader = env.loader
        if type(loader) is jinja2.FileSystemLoader:
            env.loader = ThemeLoader(
                loader.searchpath, encoding=loader.encoding, followlinks=loader.followlinks
            )
        if bytecode_cache is not None:
            env.bytecode_cache = bytecode_cache
        return env

    theme.get_env = get_env
