"""Workaround for mkdocs-static-i18n issue #198: its file list drops mkdocs-jupyter's notebooks.

https://github.com/ultrabug/mkdocs-static-i18n/issues/198: mkdocs-static-i18n rebuilds
MkDocs' file list in its ``on_files`` (after mkdocs-jupyter's) with plain ``File``
objects, so a notebook is no longer a documentation page: it would be published as the
raw ``.ipynb``, and the build still passes. Its language switcher only knows the
counterparts of documentation pages, so it finds none for a notebook either.

This module is the only code that knows of the i18n plugin's file fields (``locale``,
``localization``, ``norm_src_uri``, ``alternates``: what its language switcher and
sitemap read). ``tests/tools/test_static_i18n_198.py`` fails once upstream fixes the
issue; this module then goes.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File

# The fields mkdocs-static-i18n gives each file of its list (its folder.py)
I18N_FIELDS = ("locale", "locale_alternate_of", "localization", "norm_src_uri")


class NotebookPage(File):
    """A notebook in the i18n plugin's file list: a documentation page again."""

    def is_documentation_page(self) -> bool:
        return True


def as_page(file: File, config: Any, alternates: dict[str, tuple[str, str]]) -> NotebookPage:
    """``file`` (a notebook the i18n plugin listed) as a documentation page.

    Args:
        file: The i18n plugin's ``File`` of the notebook.
        config: The build's MkDocs configuration.
        alternates: Language code -> ``(src_uri, dest_uri)`` of the notebook's page in
            that language, for the language switcher.

    Returns:
        A page at the same source and destination, with the i18n plugin's fields of
        ``file`` and the given alternates.
    """
    page = NotebookPage(
        file.src_uri,
        config.docs_dir,
        config.site_dir,
        config.use_directory_urls,
        dest_uri=file.dest_uri,
        inclusion=file.inclusion,
    )
    for field in I18N_FIELDS:
        if hasattr(file, field):
            setattr(page, field, getattr(file, field))
    found = {}
    for code, (src_uri, dest_uri) in alternates.items():
        alternate = File(
            src_uri, config.docs_dir, config.site_dir, config.use_directory_urls, dest_uri=dest_uri
        )
        alternate.locale = code  # type: ignore[attr-defined]
        found[code] = alternate
    page.alternates = found  # type: ignore[attr-defined]
    return page
