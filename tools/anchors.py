"""The cross-reference targets of the pages a dirty rebuild does not render.

mkdocs-autorefs learns where each identifier's anchor is while the pages are rendered
(mkdocstrings registers every API entry's heading), and a new autorefs instance starts
each build with nothing known. ``mkdocs serve --dirty`` renders only the pages that
changed, so after an edit of a lesson its links to the API pages could not be resolved:
the page showed ``[MLP][nnguide.models.MLP]`` in its code and the log a warning per link.

The plugin keeps, per language, the anchors that each build's rendered pages hold
(:func:`remember`), and before autorefs resolves a build's references it registers again
those of the pages the build skipped (:func:`register_skipped`). Both use autorefs'
documented methods, ``get_item_url`` and ``register_anchor``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# An element's id in a page's HTML (the candidates; autorefs says which it knows).
_ID = re.compile(r'\sid="([^"<>]+)"')


@dataclass(frozen=True)
class Anchor:
    """Where autorefs found one identifier: a page's URL, the anchor on it, its title."""

    page: str  # the page's URL (``api/models/``)
    anchor: str  # the element's id, without "#"
    title: str | None  # the link title autorefs gives it


# identifier -> its anchor, for one language
Known = dict[str, Anchor]


def remember(known: Known, autorefs: Any, pages: Iterable[Any]) -> None:
    """Record the anchors of the rendered ``pages`` (``content`` set) in ``known``.

    An identifier counts when autorefs resolves it, from its own page, to an element of
    that page. A page's earlier entries are dropped first: an anchor removed from a
    page is forgotten once the page is rendered again.
    """
    rendered = [page for page in pages if page.content is not None]
    urls = {page.url for page in rendered}
    for identifier in [name for name, anchor in known.items() if anchor.page in urls]:
        del known[identifier]
    for page in rendered:
        for identifier in dict.fromkeys(_ID.findall(page.content)):
            try:
                url, title = autorefs.get_item_url(identifier, from_url=page.url)
            except KeyError:
                continue
            if url.startswith("#"):
                known[identifier] = Anchor(page.url, url[1:], title)


def register_skipped(known: Known, autorefs: Any, pages: Iterable[Any]) -> int:
    """Register with autorefs the known anchors of the ``pages`` this build did not render.

    Returns:
        How many identifiers were registered.
    """
    skipped = {page.url: page for page in pages if page.content is None}
    count = 0
    for identifier, anchor in known.items():
        page = skipped.get(anchor.page)
        if page is not None:
            autorefs.register_anchor(page, identifier, anchor.anchor, title=anchor.title)
            count += 1
    return count
