"""Workaround: in ``mkdocs serve --dirty``, the search entries double with every rebuild.

No upstream issue was found for it; squidfunk/mkdocs-material#7638 (closed) also
reports a wrong search index after ``--dirty`` builds. Two plugins' behaviours meet:

* Material's search plugin lives across ``serve``'s rebuilds. In a dirty rebuild it
  keeps its last index and merges it into the new one: the last index's entries, less
  those of the first page rendered now, then the entries of the pages rendered now.
* mkdocs-static-i18n stacks every language's entries after its builds, puts the stack
  into the search plugin's index and runs that plugin's ``on_post_build`` again, so
  the index kept for the next rebuild holds every language's merged entries.

So each rebuild's index holds the last one's about twice over, and static-i18n's
duplicate removal is quadratic in it: on this site, four prose edits of a lesson in
``mkdocs serve --dirty`` showed 1.2, 2.2, 9.6 and 142.8 s after they were saved.

This project writes every language's search index itself (:mod:`tools.search`), from the
entries of the pages each language's build rendered (read from the index the search
plugin wrote for that language). Once they are read, the search plugin's entries are
emptied, so neither plugin carries them into the next build. This module is the only
code that knows where the search plugin keeps them (``search_index.entries``, or MkDocs'
``search_index._entries``: where static-i18n reads them).
``tests/tools/test_search_entries_growth.py`` fails once upstream stops the growth; this
module then goes.
"""

from __future__ import annotations

from typing import Any


def forget(search_plugin: Any) -> None:
    """Empty the entries of ``search_plugin``'s index, once its index file is written.

    Args:
        search_plugin: Material's or MkDocs' search plugin, after its ``on_post_build``.

    Raises:
        TypeError: If the plugin keeps no list of entries where these two keep them (a
            new version changed them: check whether the growth is still there).
    """
    index = getattr(search_plugin, "search_index", None)
    entries = getattr(index, "entries", getattr(index, "_entries", None))
    if not isinstance(entries, list):
        raise TypeError(
            f"{type(search_plugin).__name__} has no list search_index.entries: "
            "see tools/search_entries_growth.py"
        )
    entries.clear()
