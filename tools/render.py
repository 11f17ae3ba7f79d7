"""Render step: an executed notebook, as HTML from mkdocs-jupyter, becomes a light page.

mkdocs-jupyter renders each tutorial notebook (its documented options only; see
``mkdocs.yml``). Its HTML carries JupyterLab's markup and ~580 KiB of inline CSS,
figures as base64 data and ASCII-only heading ids. :func:`transform` rebuilds the
page from that HTML as a tree (lxml), cell by cell, and checks it against the
notebook it came from:

* a Markdown cell becomes its rendered HTML; every heading gets a unique, non-empty
  id (a Korean heading keeps the English anchor written as ``{ #anchor }``) and a
  permalink, and the table of contents is built from those ids;
* a code cell becomes ``<div class="nb-cell">`` holding a Material code block (same
  colours and copy button as the Markdown pages) and one ``<div class="nb-output">``
  per output: text in ``<pre>``, figures as image files next to the page (alt text:
  the figure's titles, which the execute step records as its text form), HTML such
  as tables as it is;
* every notebook cell must be found, and each code block's text must be its cell's
  source: if mkdocs-jupyter's markup ever changes so that content would be lost,
  :class:`RenderError` stops the build instead.

The result is cached on disk by a hash of the HTML it came from
(:class:`RenderCache`), so an unchanged notebook is transformed once, not once per
build or per ``mkdocs serve`` reload.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools import linkcode
from tools.files import write_atomic
from tools.lessons import EXPLICIT_ANCHOR as _EXPLICIT_ANCHOR

# Bump when the transform's output changes, so cached pages are rebuilt.
VERSION = "4"

_CELL_ID = re.compile(r"^cell-id=cell-(\d+)$")
_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class RenderError(RuntimeError):
    """mkdocs-jupyter's HTML of a notebook lacks content the notebook has."""


@dataclass
class Page:
    """A tutorial page: HTML before and after the title's end, TOC tokens, figures."""

    title: str  # the <h1> element's HTML ("" if the notebook has no title)
    body: str  # everything after the title
    toc: list[dict[str, Any]]
    figures: dict[str, bytes] = field(default_factory=dict)


def _classes(element: Any) -> set[str]:
    return set((element.get("class") or "").split())


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _slugify(text: str) -> str:
    from pymdownx.slugs import slugify

    return str(slugify(case="lower")(text, "-"))


def _to_html(element: Any) -> str:
    from lxml import html as lxml_html

    return str(lxml_html.tostring(element, encoding="unicode", method="html", with_tail=False))


def _inner_html(element: Any) -> str:
    from lxml import html as lxml_html

    parts = [html.escape(element.text)] if element.text else []
    parts += [lxml_html.tostring(child, encoding="unicode", method="html") for child in element]
    return "".join(parts)


def _strip_explicit_anchor(heading: Any) -> str | None:
    """Remove a trailing ``{ #anchor }`` from the heading's text; return the anchor."""
    nodes = [heading, *heading.iterdescendants()]
    for node in reversed(nodes):
        for attribute in ("tail", "text"):
            if node is heading and attribute == "tail":
                continue
            value = getattr(node, attribute)
            if value and value.strip():
                match = _EXPLICIT_ANCHOR.search(value)
                if not match:
                    return None
                setattr(node, attribute, value[: match.start()])
                return match.group(1)
    return None


class _Headings:
    """Unique heading ids for one page and the TOC tokens they make."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.flat: list[dict[str, Any]] = []

    def fix(self, heading: Any) -> None:
        from lxml import etree

        for link in heading.xpath(f".//a[{_has_class('anchor-link')}]"):
            link.drop_tree()
        anchor = _strip_explicit_anchor(heading)
        text = heading.text_content().strip()
        if anchor is None:
            anchor = _slugify(text) or f"section-{len(self.flat) + 1}"
        if anchor in self.seen:
            self.seen[anchor] += 1
            anchor = f"{anchor}-{self.seen[anchor]}"
        self.seen.setdefault(anchor, 0)
        heading.attrib.clear()
        heading.set("id", anchor)
        if len(heading):
            last = heading[-1]
            last.tail = (last.tail or "").rstrip()
        else:
            heading.text = (heading.text or "").rstrip()
        link = etree.SubElement(heading, "a", {"class": "headerlink", "href": f"#{anchor}"})
        link.set("title", "Permanent link")
        link.text = "\u00b6"
        level = int(heading.tag[1])
        self.flat.append({"level": level, "id": anchor, "name": html.escape(text), "children": []})

    def tree(self) -> list[dict[str, Any]]:
        root: list[dict[str, Any]] = []
        stack: list[dict[str, Any]] = []
        for token in self.flat:
            while stack and stack[-1]["level"] >= token["level"]:
                stack.pop()
            (stack[-1]["children"] if stack else root).append(token)
            stack.append(token)
        return root


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
            for image in images:
                _extract_figure(image, figures)
                if alts:
                    image.set("alt", alts.pop(0))
            body = "".join(_to_html(image) for image in images)
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


def transform(
    content: str,
    notebook: dict[str, Any],
    resolver: linkcode.Resolver | None = None,
    figure_label: str = "{description}",
) -> Page:
    """Rebuild mkdocs-jupyter's HTML of ``notebook`` as a light page.

    Args:
        content: The HTML mkdocs-jupyter made of the notebook.
        notebook: The notebook (parsed JSON) it was made from; its cells' ids are
            ``cell-<index>``, as the execute step writes them.
        resolver: Links the code's torch and nnguide names to their documentation
            (:mod:`tools.linkcode`); None leaves the code plain.
        figure_label: The alt text of a figure, with ``{number}`` and ``{description}``
            (its titles), in the page's language.

    Returns:
        The page; figures are returned as files to write next to the page.

    Raises:
        RenderError: If a cell of the notebook, or the text of a code cell, is not
            in ``content``.
    """
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(content, create_parent="div")
    found: dict[int, Any] = {}
    for element in root.xpath(".//div[starts-with(@id, 'cell-id=')]"):
        match = _CELL_ID.match(element.get("id", ""))
        if match:
            found[int(match.group(1))] = element
    cells = notebook.get("cells", [])
    missing = [
        index
        for index, cell in enumerate(cells)
        if "".join(cell.get("source", "")).strip() and index not in found
    ]
    if missing:
        raise RenderError(f"cells {missing} of the notebook are not in mkdocs-jupyter's HTML")

    linker = None
    if resolver is not None:
        code_sources = [
            "".join(cell.get("source", "")) for cell in cells if cell.get("cell_type") == "code"
        ]
        aliases = linkcode.imports(code_sources)
        linker = functools.partial(linkcode.link_code, aliases=aliases, resolver=resolver)

    headings = _Headings()
    alts = _alt_texts(cells, figure_label)
    figures: dict[str, bytes] = {}
    parts: list[str] = []
    for index in sorted(found):
        element = found[index]
        source = "".join(cells[index].get("source", "")) if index < len(cells) else ""
        if cells[index].get("cell_type") == "markdown":
            rendered = element.xpath(f".//div[{_has_class('jp-RenderedMarkdown')}]")
            if source.strip() and not rendered:
                raise RenderError(f"markdown cell {index}: no rendered Markdown")
            for block in rendered:
                for heading in block.iter(*_HEADINGS):
                    headings.fix(heading)
                parts.append(_inner_html(block).strip())
            continue
        code = _code_block(element, index, source, linker)
        outputs = _outputs(element, figures, alts.get(index, []))
        parts.append(f'<div class="nb-cell">{_to_html(code)}{"".join(outputs)}</div>')
    body = "\n".join(parts)
    title, _, rest = body.partition("</h1>")
    if not rest:
        title, rest = "", body
    else:
        title += "</h1>"
    return Page(title=title, body=rest, toc=headings.tree(), figures=figures)


class RenderCache:
    """Transformed pages on disk, keyed by a hash of mkdocs-jupyter's HTML.

    Entries are written atomically (a temp file, then a rename), so concurrent
    builds never read half an entry.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @staticmethod
    def key(content: str, notebook_text: str, links: str = "", figure_label: str = "") -> str:
        digest = hashlib.sha256(VERSION.encode())
        digest.update(links.encode())
        digest.update(figure_label.encode("utf-8"))
        digest.update(content.encode("utf-8"))
        digest.update(notebook_text.encode("utf-8"))
        return digest.hexdigest()

    def get(self, key: str) -> Page | None:
        entry = self.folder / f"{key}.json"
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            figures = {
                name: (self.folder / "figures" / name).read_bytes() for name in data["figures"]
            }
        except (OSError, ValueError, KeyError):
            return None
        return Page(data["title"], data["body"], data["toc"], figures)

    def put(self, key: str, page: Page) -> None:
        for name, data in page.figures.items():
            target = self.folder / "figures" / name
            if not target.exists():
                write_atomic(target, data)
        entry = {"title": page.title, "body": page.body, "toc": page.toc}
        entry["figures"] = sorted(page.figures)
        write_atomic(self.folder / f"{key}.json", json.dumps(entry).encode("utf-8"))

    def render(
        self,
        content: str,
        notebook_text: str,
        resolver: linkcode.Resolver | None = None,
        figure_label: str = "{description}",
    ) -> Page:
        """The transformed page, from the cache or made now (and cached)."""
        links = resolver.fingerprint() if resolver else ""
        key = self.key(content, notebook_text, links, figure_label)
        page = self.get(key)
        if page is None:
            page = transform(content, json.loads(notebook_text), resolver, figure_label)
            self.put(key, page)
        return page


def jupyter_cache_dir(cache_dir: Path, code: str, dirty: bool, seeded: set[str]) -> Path:
    """mkdocs-jupyter's cache folder (its ``cache_dir`` option) for one language.

    mkdocs-static-i18n builds the languages one after the other, and mkdocs-jupyter
    evicts the entries a build did not use: each language gets a folder of its own. A
    dirty rebuild renders only the changed pages, so ``mkdocs serve --dirty`` gets a
    copy of its own (filled once per language, ``seeded``), which keeps the full
    builds' entries intact.
    """
    folder = Path(cache_dir) / "mkdocs-jupyter" / code
    if not dirty:
        return folder
    serving = Path(cache_dir) / "mkdocs-jupyter" / "dirty" / code
    if code not in seeded and folder.is_dir():
        shutil.copytree(folder, serving, dirs_exist_ok=True)
        seeded.add(code)
    return serving
