"""Render step: a lesson's page, its Markdown as the pages' and its code from mkdocs-jupyter.

A lesson's Markdown cells and its code cells take two roads:

* the Markdown cells are rendered with the pages' Markdown configuration, by MkDocs' own
  page rendering (``mkdocs.yml``'s ``markdown_extensions``; relative links rewritten
  and checked, so a broken link fails ``--strict`` as in a page). The lesson is one
  document (:func:`markdown_document`): footnotes, abbreviations, unique heading ids
  (a Korean heading keeps the English anchor written ``{ #anchor }``, attr_list) and the
  table of contents work across cells, and each code cell holds its place as a token;
* the code cells come from mkdocs-jupyter's HTML of a copy of the notebook that holds
  only the code, with the comments' text masked (:func:`code_notebook`: an edit of a
  Markdown cell or of a comment never converts it again; the comments are put back from
  the notebook), made through its documented options only (see ``mkdocs.yml``); it
  carries JupyterLab's markup, ~580 KiB of inline CSS and figures as base64 data.
  :func:`code_cells` rebuilds each as ``<div class="nb-cell">``: a Material code block
  (same colours and copy button as the Markdown pages) and one ``<div class="nb-output">``
  per output: text in ``<pre>``, figures as image files next to the page, each a
  ``<figure>`` whose numbered caption and alt text give the figure's titles (which the
  execute step records as its text form), HTML such as tables as it is. Every code cell
  must be found, and each code block's text must be its cell's source: if
  mkdocs-jupyter's markup ever changes so that content would be lost,
  :class:`RenderError` stops the build instead.

:func:`assemble` puts the code cells in their places; a code cell tagged ``solution``
(an exercise's solution, ``# %% tags=["solution"]``) is shown folded, in a Material
``question`` admonition. The code cells are cached on disk
by a hash of the HTML and the masked code they came from (:class:`RenderCache`), so an
unchanged notebook is transformed once, not once per build or per ``mkdocs serve``
reload, and an edit of a comment transforms nothing again (:func:`with_comments` puts
the comments into the cached cells); the Markdown is rendered every build, like a page's.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import os
import re
import tokenize
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools import linkcode
from tools.files import drop, read_cached, write_atomic, write_cached

# Bump when the transform's output changes, so cached pages are rebuilt.
VERSION = "8"

_CELL_ID = re.compile(r"^cell-id=cell-(\d+)$")
SOLUTION_TAG = "solution"  # a code cell shown folded, as an exercise's solution
_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}


class RenderError(RuntimeError):
    """mkdocs-jupyter's HTML of a notebook lacks content the notebook has."""


@dataclass
class Cells:
    """A lesson's code cells as page HTML, and the figures their outputs show."""

    html: dict[int, str]  # cell index -> <div class="nb-cell">: code block and outputs
    figures: dict[str, bytes] = field(default_factory=dict)


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _to_html(element: Any) -> str:
    from lxml import html as lxml_html

    return str(lxml_html.tostring(element, encoding="unicode", method="html", with_tail=False))


def _inner_html(element: Any) -> str:
    from lxml import html as lxml_html

    parts = [html.escape(element.text)] if element.text else []
    parts += [lxml_html.tostring(child, encoding="unicode", method="html") for child in element]
    return "".join(parts)


# Pygments' classes of a Python comment (Comment.Single, Comment.Hashbang...).
_COMMENT_CLASSES = frozenset({"c", "c1", "ch", "cm", "cs"})
MASKED_COMMENT = "#"


@functools.lru_cache(maxsize=4096)
def _comment_tokens(source: str) -> tuple[tokenize.TokenInfo, ...] | None:
    """The comment tokens of Python ``source``; None if it does not tokenize.

    Kept per source text: a rebuild masks a cell's comments and puts them back, and a
    ``serve`` rebuild after an edit meets the cells that did not change again.
    """
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return tuple(token for token in tokens if token.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None


def comments(source: str) -> list[str] | None:
    """The comments of Python ``source``, in order; None if it does not tokenize.

    >>> comments("x = 1  # one\\ns = '# not a comment'\\n# two\\n")
    ['# one', '# two']
    """
    tokens = _comment_tokens(source)
    return None if tokens is None else [token.string for token in tokens]


def mask_comments(source: str) -> str:
    """``source`` with the text of each comment taken out (``#`` is left in its place).

    The notebook mkdocs-jupyter converts holds the masked code (:func:`code_notebook`),
    so an edit of a comment does not convert it again; :func:`code_cells` puts the
    comments back into the highlighted code. Source that does not tokenize is kept.

    >>> mask_comments("x = 1  # the input\\ns = '# kept'  # a string\\n")
    "x = 1  #\\ns = '# kept'  #\\n"
    """
    tokens = _comment_tokens(source)
    if not tokens:
        return source
    lines = source.splitlines(keepends=True)
    for token in reversed(tokens):
        (row, start), (_, end) = token.start, token.end
        line = lines[row - 1]
        lines[row - 1] = line[:start] + MASKED_COMMENT + line[end:]
    return "".join(lines)


def _restore_comments(pre: Any, source: str) -> None:
    """Put ``source``'s comments into the comment spans of its highlighted, masked code.

    Nothing changes where the spans and the comments differ in number; the caller's
    check of the code's text then fails.
    """
    spans = [span for span in pre.iter("span") if _classes(span) & _COMMENT_CLASSES]
    texts = comments(source)
    if texts is None or len(spans) != len(texts) or any(len(span) for span in spans):
        return
    for span, text in zip(spans, texts, strict=True):
        span.text = text


# A masked comment in a transformed code block (:func:`code_cells` of masked code).
_MASKED_SPAN = re.compile(
    r'<span class="(?:' + "|".join(sorted(_COMMENT_CLASSES)) + r')">' + MASKED_COMMENT + "</span>"
)


def with_comments(cells: Cells, notebook: dict[str, Any]) -> Cells | None:
    """``cells`` made from masked code, with ``notebook``'s comments put back in order.

    Each masked comment of a cell's code block (a comment span holding ``#``) takes the
    text of the cell's next comment, escaped as the rest of the HTML is: the same
    HTML as :func:`code_cells` gives for the code with its comments.

    Returns:
        The cells with their comments; None if a cell's masked comments are not as
        many as its comments (the caller then makes the cells from the code as it is).

    >>> cell = '<div class="nb-cell"><code>x <span class="c1">#</span></code></div>'
    >>> notebook = {"cells": [{"cell_type": "code", "source": "x  # a < b"}]}
    >>> with_comments(Cells({0: cell}), notebook).html[0]
    '<div class="nb-cell"><code>x <span class="c1"># a &lt; b</span></code></div>'
    """
    sources = notebook.get("cells", [])
    shown: dict[int, str] = {}
    for index, text in cells.html.items():
        source = "".join(sources[index].get("source", "")) if index < len(sources) else ""
        found = comments(source)
        if not found:
            shown[index] = text
            continue
        spans = list(_MASKED_SPAN.finditer(text))
        if len(spans) != len(found):
            return None
        parts, end = [], 0
        for span, comment in zip(spans, found, strict=True):
            start, stop = span.span()
            opening = text[start : text.index(">", start) + 1]
            parts += [text[end:start], opening, html.escape(comment, quote=False), "</span>"]
            end = stop
        parts.append(text[end:])
        shown[index] = "".join(parts)
    return Cells(shown, cells.figures)


def _code_block(
    cell: Any, index: int, source: str, linker: Callable[[Any], object] | None = None
) -> Any:
    """The cell's code as a Material code block; checks it against the notebook.

    ``linker`` wraps the block's documented names in links (:mod:`tools.linkcode`).
    """
    from lxml import etree

    blocks = cell.xpath(f".//div[{_has_class('highlight-ipynb')}]/pre")
    if len(blocks) != 1:
        raise RenderError(f"code cell {index}: expected one code block, found {len(blocks)}")
    pre = blocks[0]
    # Pygments marks whitespace with <span class="w">; Material's CSS does not need it.
    for span in pre.xpath(f".//span[{_has_class('w')}]"):
        span.drop_tag()
    if pre.text_content().strip() != source.strip():
        _restore_comments(pre, source)  # mkdocs-jupyter converted the masked code
    rendered = pre.text_content()
    if rendered.strip() != source.strip():
        raise RenderError(f"code cell {index}: the rendered code differs from the notebook's")
    wrapper = etree.Element("div", {"class": "language-python highlight"})
    new_pre = etree.SubElement(wrapper, "pre")
    etree.SubElement(new_pre, "span")
    code = etree.SubElement(new_pre, "code")
    code.text = pre.text
    for child in list(pre):
        if child.tag == "span" and not _classes(child) and not child.text and not len(child):
            code.text = (code.text or "") + (child.tail or "")
            continue
        code.append(child)
    if linker is not None:
        linker(code)
        if "".join(code.itertext()).strip() != source.strip():
            raise RenderError(f"code cell {index}: linking names changed the code's text")
    return wrapper


def _outputs(cell: Any, figures: dict[str, bytes], alts: list[str]) -> list[str]:
    """The cell's outputs; its images take their alt texts, in order, from ``alts``."""
    parts = []
    for output in cell.xpath(f".//div[{_has_class('jp-OutputArea-output')}]"):
        classes = _classes(output)
        stream = output.get("data-mime-type") == "application/vnd.jupyter.stderr"
        if "jp-RenderedImage" in classes:
            images = output.xpath(".//img")
            shown = []
            for image in images:
                _extract_figure(image, figures)
                caption = ""
                if alts:
                    image.set("alt", alts.pop(0))
                    caption = f"<figcaption>{html.escape(image.get('alt'))}</figcaption>"
                shown.append(f"<figure>{_to_html(image)}{caption}</figure>")
            body = "".join(shown)
        elif "jp-RenderedText" in classes:
            pres = output.xpath(".//pre")
            body = _to_html(pres[0]) if pres else ""
        else:
            body = _inner_html(output).strip()
        extra = " nb-stderr" if stream else ""
        parts.append(f'<div class="nb-output{extra}">{body.strip()}</div>')
    return parts


def _extract_figure(image: Any, figures: dict[str, bytes]) -> None:
    src = image.get("src") or ""
    if not src.startswith("data:"):
        return
    header, _, payload = src.partition(",")
    mime = header[len("data:") :].split(";")[0]
    if mime not in _IMAGE_TYPES or ";base64" not in header:
        return
    data = base64.b64decode(payload)
    name = f"figure-{hashlib.sha256(data).hexdigest()[:12]}.{_IMAGE_TYPES[mime]}"
    figures[name] = data
    image.set("src", name)
    image.set("loading", "lazy")
    if mime == "image/png" and data[12:16] == b"IHDR":
        # Its size, so the page keeps the figure's place before the image arrives.
        image.set("width", str(int.from_bytes(data[16:20], "big")))
        image.set("height", str(int.from_bytes(data[20:24], "big")))


def _alt_texts(cells: list[dict[str, Any]], template: str) -> dict[int, list[str]]:
    """Alt text of every image output, per cell: ``template`` with its number and text.

    The execute step describes each figure in its ``text/plain`` form by its titles
    (in the lesson's language); a figure without titles keeps matplotlib's
    ``<Figure size ...>`` text, and gets only its number.
    """
    alts: dict[int, list[str]] = {}
    number = 0
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if not any(mime in data for mime in _IMAGE_TYPES):
                continue
            number += 1
            text = " ".join("".join(data.get("text/plain", "")).split())
            if text.startswith("<") and text.endswith(">"):
                text = ""
            alt = template.format(number=number, description=text)
            alts.setdefault(index, []).append(alt.strip().rstrip(":").strip())
    return alts


def markdown_document(cells: list[dict[str, Any]]) -> tuple[str, dict[int, str]]:
    """The lesson as one Markdown document: its Markdown cells, a token for each code cell.

    Rendering the lesson as one document (like any page) gives footnotes, abbreviations,
    heading ids and the table of contents across cells. Each code cell with source
    becomes a paragraph of its own holding a token that no Markdown changes; :func:`assemble`
    puts the code cell's HTML there. The tokens carry a hash of the Markdown, so no
    lesson's text can contain one.

    >>> text, tokens = markdown_document([
    ...     {"cell_type": "markdown", "source": ["# Title { #t }\\n", "Text."]},
    ...     {"cell_type": "code", "source": "x = 1"},
    ...     {"cell_type": "code", "source": ""},
    ... ])
    >>> text == f"# Title {{ #t }}\\nText.\\n\\n{tokens[1]}\\n", list(tokens)
    (True, [1])
    """
    sources = ["".join(cell.get("source", "")) for cell in cells]
    markdown = [s for s, c in zip(sources, cells, strict=True) if c.get("cell_type") == "markdown"]
    nonce = hashlib.sha256("\0".join(markdown).encode("utf-8")).hexdigest()[:12]
    parts: list[str] = []
    tokens: dict[int, str] = {}
    for index, (cell, source) in enumerate(zip(cells, sources, strict=True)):
        if not source.strip():
            continue
        if cell.get("cell_type") == "markdown":
            parts.append(source.strip("\n"))
        elif cell.get("cell_type") == "code":
            tokens[index] = f"nnguide{nonce}cell{index}"
            parts.append(tokens[index])
    return "\n\n".join(parts) + "\n", tokens


def solution_cells(cells: list[dict[str, Any]]) -> set[int]:
    """The indices of the code cells tagged ``solution`` (``# %% tags=["solution"]``).

    >>> solution_cells([{"cell_type": "code", "metadata": {"tags": ["solution"]}},
    ...                 {"cell_type": "code", "metadata": {}},
    ...                 {"cell_type": "markdown", "metadata": {"tags": ["solution"]}}])
    {0}
    """
    return {
        index
        for index, cell in enumerate(cells)
        if cell.get("cell_type") == "code"
        and SOLUTION_TAG in (cell.get("metadata") or {}).get("tags", [])
    }


def assemble(
    content: str,
    tokens: dict[int, str],
    cells: Cells,
    solutions: Collection[int] = (),
    solution_label: str = "Solution",
) -> tuple[str, str]:
    """The page: the lesson's Markdown as HTML with each code cell's HTML in its place.

    Args:
        content: The HTML of :func:`markdown_document`'s text.
        tokens: Its tokens, per code cell index.
        cells: The code cells' HTML (:func:`code_cells`).
        solutions: The code cells shown folded, in a Material ``question`` admonition
            (``??? question``) whose summary is ``solution_label``.
        solution_label: The folded solutions' summary, in the page's language.

    Returns:
        ``(title, body)``: the ``<h1>`` element's HTML ("" if there is none) and the rest.

    Raises:
        RenderError: If a code cell's token is not in ``content`` exactly once as a
            paragraph of its own (a Markdown cell before it left a fence, a block or an
            HTML element open), or a code cell has no HTML.

    >>> cells = Cells({1: '<div class="nb-cell">x</div>'})
    >>> assemble("<h1>T</h1>\\n<p>Text</p>\\n<p>tok</p>", {1: "tok"}, cells)
    ('<h1>T</h1>', '\\n<p>Text</p>\\n<div class="nb-cell">x</div>')
    """
    for index, token in tokens.items():
        placeholder = f"<p>{token}</p>"
        count = content.count(placeholder)
        if count != 1 or index not in cells.html:
            problem = "has no HTML" if index not in cells.html else "lost its place in the page"
            raise RenderError(
                f"code cell {index} {problem}: is a fence, block or HTML element of the "
                "Markdown cell before it left open?"
            )
        shown = cells.html[index]
        if index in solutions:
            summary = html.escape(solution_label)
            shown = f'<details class="question"><summary>{summary}</summary>{shown}</details>'
        content = content.replace(placeholder, shown)
    extra = sorted(set(cells.html) - set(tokens))
    if extra:
        raise RenderError(f"code cells {extra} are not in the lesson's Markdown")
    title, _, rest = content.partition("</h1>")
    if not rest and not title.lstrip().startswith("<h1"):
        return "", content
    return title + "</h1>", rest


def code_cells(
    content: str,
    notebook: dict[str, Any],
    resolver: linkcode.Resolver | None = None,
    figure_label: str = "{description}",
) -> Cells:
    """The code cells of mkdocs-jupyter's HTML of ``notebook``, as light page HTML.

    Args:
        content: The HTML mkdocs-jupyter made of the notebook.
        notebook: The notebook (parsed JSON) it was made from; its cells' ids are
            ``cell-<index>``, as the execute step writes them.
        resolver: Links the code's torch and nnguide names to their documentation
            (:mod:`tools.linkcode`); None leaves the code plain.
        figure_label: The alt text of a figure, with ``{number}`` and ``{description}``
            (its titles), in the page's language.

    Returns:
        Each code cell's HTML (code block and outputs) by cell index; the figures as
        files to write next to the page.

    Raises:
        RenderError: If a code cell of the notebook, or its text, is not in ``content``.
    """
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(content, create_parent="div")
    found: dict[int, Any] = {}
    for element in root.xpath(".//div[starts-with(@id, 'cell-id=')]"):
        match = _CELL_ID.match(element.get("id", ""))
        if match:
            found[int(match.group(1))] = element
    cells = notebook.get("cells", [])
    code = {
        index: "".join(cell.get("source", ""))
        for index, cell in enumerate(cells)
        if cell.get("cell_type") == "code" and "".join(cell.get("source", "")).strip()
    }
    missing = [index for index in code if index not in found]
    if missing:
        raise RenderError(f"cells {missing} of the notebook are not in mkdocs-jupyter's HTML")

    linker = None
    if resolver is not None:
        aliases = linkcode.imports(list(code.values()))
        linker = functools.partial(linkcode.link_code, aliases=aliases, resolver=resolver)

    alts = _alt_texts(cells, figure_label)
    result = Cells({})
    for index, source in code.items():
        element = found[index]
        block = _code_block(element, index, source, linker)
        outputs = _outputs(element, result.figures, alts.get(index, []))
        result.html[index] = f'<div class="nb-cell">{_to_html(block)}{"".join(outputs)}</div>'
    return result


# What mkdocs-jupyter needs of a notebook's metadata (the code's language, for highlighting)
_CODE_METADATA = ("kernelspec", "language_info")


def code_only(notebook: dict[str, Any], *, masked: bool = False) -> dict[str, Any]:
    """``notebook`` with its Markdown cells emptied and its metadata cut to the code's.

    The Markdown cells keep their places, so cell ``i`` is still cell ``i``.
    ``masked`` also takes the comments' text out of the code (:func:`mask_comments`).
    """
    cells = []
    for cell in notebook.get("cells", []):
        cell = dict(cell)
        if cell.get("cell_type") == "markdown":
            cell["source"] = ""
            cell.pop("attachments", None)
        elif cell.get("cell_type") == "code" and masked:
            cell["source"] = mask_comments("".join(cell.get("source", "")))
        cells.append(cell)
    metadata = notebook.get("metadata", {})
    return {
        **notebook,
        "cells": cells,
        "metadata": {key: metadata[key] for key in _CODE_METADATA if key in metadata},
    }


def code_notebook(source: Path, target: Path) -> bool:
    """Write at ``target`` the notebook mkdocs-jupyter converts: ``source``'s masked code.

    It is :func:`code_only` of ``source`` with the comments masked, so mkdocs-jupyter's
    cache, keyed by the file's bytes, still holds after an edit of a Markdown cell or
    of a comment (:func:`code_cells` takes the comments from the notebook itself).
    ``target`` gets ``source``'s modification time, which a dirty rebuild compares; it
    is written again only when that time changed.

    Returns:
        Whether ``target``'s content changed.
    """
    stat = source.stat()
    try:
        if target.stat().st_mtime_ns == stat.st_mtime_ns:
            return False
    except FileNotFoundError:
        pass
    notebook = code_only(json.loads(source.read_text(encoding="utf-8")), masked=True)
    data = json.dumps(notebook, ensure_ascii=False, indent=1).encode("utf-8")
    changed = not target.is_file() or target.read_bytes() != data
    if changed:
        write_atomic(target, data)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return changed


class RenderCache:
    """Transformed code cells on disk, keyed by a hash of mkdocs-jupyter's HTML.

    Entries and figures are written atomically (a temp file, then a rename), so
    concurrent builds never read half an entry, and sealed with their SHA-256
    (:func:`tools.files.write_cached`): an entry or figure that no longer matches
    is dropped and the page transformed again, with one log line naming the file.
    """

    FORMAT = "sealed-1"  # part of every key: entries of an older layout are never read

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @classmethod
    def key(cls, content: str, notebook_text: str, links: str = "", figure_label: str = "") -> str:
        digest = hashlib.sha256(VERSION.encode() + cls.FORMAT.encode())
        digest.update(links.encode())
        digest.update(figure_label.encode("utf-8"))
        digest.update(content.encode("utf-8"))
        digest.update(notebook_text.encode("utf-8"))
        return digest.hexdigest()

    def get(self, key: str) -> Cells | None:
        """The cached cells of ``key``; None if they are missing or any part is corrupt."""
        data = read_cached(self.folder / f"{key}.json")
        if data is None:
            return None
        try:
            entry = json.loads(data)
            names = list(entry["figures"])
            cells = {int(index): str(html) for index, html in entry["cells"].items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        figures: dict[str, bytes] = {}
        for name in names:
            path = self.folder / "figures" / name
            if not path.is_file():
                drop(self.folder / f"{key}.json", f"its figure {path} is missing")
                return None
            figure = read_cached(path)
            if figure is None:
                return None
            figures[name] = figure
        return Cells(cells, figures)

    def put(self, key: str, page: Cells) -> None:
        for name, data in page.figures.items():
            write_cached(self.folder / "figures" / name, data)
        entry: dict[str, Any] = {"cells": page.html}
        entry["figures"] = sorted(page.figures)
        write_cached(self.folder / f"{key}.json", json.dumps(entry).encode("utf-8"))

    def render(
        self,
        content: str,
        notebook_text: str,
        resolver: linkcode.Resolver | None = None,
        figure_label: str = "{description}",
    ) -> Cells:
        """The transformed code cells, from the cache or made now (and cached).

        The cells are made and kept with their comments masked (:func:`mask_comments`),
        and the notebook's comments are put back into them (:func:`with_comments`): an
        edit of a comment transforms nothing again (no name is linked again, so
        ``mkdocs serve`` need not import torch for it).
        """
        links = resolver.fingerprint() if resolver else ""
        notebook = json.loads(notebook_text)
        masked = code_only(notebook, masked=True)
        key = self.key(content, json.dumps(masked, ensure_ascii=False), links, figure_label)
        page = self.get(key)
        if page is None:
            page = code_cells(content, masked, resolver, figure_label)
            self.put(key, page)
        shown = with_comments(page, notebook)
        if shown is not None:
            return shown
        # The masked comments could not be told apart: the cells are made with them.
        key = self.key(content, notebook_text, links, figure_label)
        page = self.get(key)
        if page is None:
            page = code_cells(content, notebook, resolver, figure_label)
            self.put(key, page)
        return page
