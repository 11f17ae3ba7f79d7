"""MkDocs hook: unique line anchors in the code blocks of a page.

With ``pymdownx.highlight``'s ``anchor_linenums``, every line of a code block
gets an anchor ``__codelineno-<block>-<line>``, numbering blocks from 0 for each
Markdown conversion. mkdocstrings converts every docstring on its own, so an API
page with several examples repeats ``__codelineno-0-1`` once per docstring: the
same id several times on one page, and a link to a line lands on the wrong
block. ``on_page_content`` renumbers the blocks of each page in order, so every
id is unique and each line anchor points at its own block.
"""

from __future__ import annotations

import re

_PRE = re.compile(r"<pre[^>]*>.*?</pre>", re.S)
_LINE_ANCHOR = re.compile(r"__codelineno-(\d+)-(\d+)")


def renumber_code_line_anchors(html: str) -> str:
    """Give each code block of ``html`` its own number in its line anchors.

    Args:
        html: A page's content.

    Returns:
        The content with the ``N`` of ``__codelineno-N-line`` counting the code
        blocks of the page from 0, in order.

    Examples:
        >>> block = '<pre><a id="__codelineno-0-1" href="#__codelineno-0-1"></a>x</pre>'
        >>> renumber_code_line_anchors(block + block).count("__codelineno-1-1")
        2
    """
    counter = 0

    def renumber(block: re.Match) -> str:
        nonlocal counter
        text = block.group(0)
        if not _LINE_ANCHOR.search(text):
            return text
        number = counter
        counter += 1
        return _LINE_ANCHOR.sub(lambda m: f"__codelineno-{number}-{m.group(2)}", text)

    return _PRE.sub(renumber, html)


def on_page_content(content, page, config, files):
    return renumber_code_line_anchors(content)
