"""tools/anchors.py: a dirty rebuild's autorefs knows the anchors of the pages it skips."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs_autorefs import AutorefsPlugin

from tools import anchors

API = '<h2 id="nnguide.models.MLP" class="doc doc-heading">MLP</h2><p id="note">x</p>'


def page(url: str, content: str | None) -> SimpleNamespace:
    return SimpleNamespace(url=url, content=content)


def full_build() -> tuple[AutorefsPlugin, list[SimpleNamespace]]:
    """A build that rendered both pages; mkdocstrings registered the API entry."""
    autorefs = AutorefsPlugin()
    pages = [page("api/models/", API), page("tutorials/one/", "<p>[MLP][nnguide.models.MLP]</p>")]
    autorefs.register_anchor(pages[0], "nnguide.models.MLP", title="<code>MLP</code>")
    return autorefs, pages


def test_the_anchors_of_rendered_pages_are_remembered_with_their_titles():
    autorefs, pages = full_build()
    known: anchors.Known = {}
    anchors.remember(known, autorefs, pages)
    # "note" is an element's id, not an identifier autorefs knows
    mlp = anchors.Anchor("api/models/", "nnguide.models.MLP", "<code>MLP</code>")
    assert known == {"nnguide.models.MLP": mlp}


def test_a_dirty_build_gets_the_anchors_of_the_pages_it_skipped():
    known: anchors.Known = {}
    anchors.remember(known, *full_build())
    dirty = AutorefsPlugin()  # each build has a new one, which knows nothing yet
    pages = [page("api/models/", None), page("tutorials/one/", "<p>edited</p>")]
    with pytest.raises(KeyError):
        dirty.get_item_url("nnguide.models.MLP")
    assert anchors.register_skipped(known, dirty, pages) == 1
    assert dirty.get_item_url("nnguide.models.MLP", from_url="tutorials/one/") == (
        "../../api/models/#nnguide.models.MLP",
        "<code>MLP</code>",
    )


def test_a_rendered_page_registers_its_own_and_forgets_the_removed_ones():
    known: anchors.Known = {}
    anchors.remember(known, *full_build())
    rebuilt = AutorefsPlugin()
    pages = [page("api/models/", "<h2>Models</h2>"), page("tutorials/one/", None)]
    assert anchors.register_skipped(known, rebuilt, pages) == 0  # rendered: not skipped
    anchors.remember(known, rebuilt, pages)
    assert known == {}
    with pytest.raises(KeyError):
        rebuilt.get_item_url("nnguide.models.MLP")


def test_an_identifier_found_on_another_page_is_that_page_s():
    autorefs, pages = full_build()
    pages[1].content += '<span id="nnguide.models.MLP"></span>'  # an id, not its anchor
    known: anchors.Known = {}
    anchors.remember(known, autorefs, pages)
    assert known["nnguide.models.MLP"].page == "api/models/"
