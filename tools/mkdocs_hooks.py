"""MkDocs hook that turns the example scripts into tutorial pages.

What it does, event by event:

* ``on_config``: tutorial notebooks (``<lang>/tutorials/*.ipynb``) count as
  documentation pages. mkdocs-static-i18n rebuilds the file list with plain
  ``File`` objects, which drops mkdocs-jupyter's notebook wrapper and would publish
  the notebooks as raw files (mkdocs-static-i18n issue #198); teaching ``File``
  itself fixes it for every plugin.
* ``on_pre_build``: executes the examples that changed (``tools/build_examples.py``:
  parallel kernels, a cache keyed on code, ``nnguide`` sources and package
  versions). A failing example stops the build with the script and line, before
  anything is written to the site directory.
* ``on_page_content``: makes notebook pages light and consistent with the rest of
  the site: drops the ~580 KiB of inlined JupyterLab CSS (a small shared stylesheet,
  ``assets/stylesheets/notebook.css``, replaces it), renders code cells as Material
  code blocks (same colours and copy button as Markdown pages), moves inline
  figures into image files, gives every heading a unique, non-empty id (Korean
  headings keep the English anchor written as ``{ #anchor }``), rebuilds the table
  of contents from those ids, and adds the download links and the script's run time.
* ``on_serve``: ``mkdocs serve`` also watches ``examples/`` and ``nnguide/``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import os
import re
import shutil
import sys
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_examples

log = logging.getLogger("mkdocs.hooks.nnguide")

TUTORIAL_URI = re.compile(r"^(?:[a-z]{2}/)?tutorials/[^/]+\.ipynb$")

LABELS = {
    "en": {
        "download": "Download",
        "script": "Python script (.py)",
        "notebook": "Executed notebook (.ipynb)",
        "runtime": "Total running time of the script: {seconds:.2f} s",
    },
    "ko": {
        "download": "내려받기",
        "script": "파이썬 스크립트(.py)",
        "notebook": "실행된 노트북(.ipynb)",
        "runtime": "스크립트 전체 실행 시간: {seconds:.2f}초",
    },
}


def is_tutorial(file: File) -> bool:
    """Whether ``file`` is an executed tutorial notebook."""
    return bool(TUTORIAL_URI.match(file.src_uri))


def _install_notebook_pages() -> None:
    original = File.is_documentation_page
    if getattr(original, "_nnguide", False):
        return

    def is_documentation_page(self: File) -> bool:
        return original(self) or is_tutorial(self)

    is_documentation_page._nnguide = True
    File.is_documentation_page = is_documentation_page


def on_config(config):
    _install_notebook_pages()
    return config


def on_pre_build(config):
    if os.environ.get("NNGUIDE_EXECUTE", "1") == "0":
        log.info("NNGUIDE_EXECUTE=0: using the notebooks already executed")
        missing = [ex.label for ex in build_examples.discover() if not ex.notebook.is_file()]
        if missing:
            raise PluginError(
                "Not executed yet (run without NNGUIDE_EXECUTE=0): " + ", ".join(missing)
            )
        return
    try:
        results = build_examples.build(log=log.info)
    except build_examples.ExampleError as error:
        raise PluginError(str(error)) from None
    executed = [r.example.label for r in results if r.executed]
    log.info(
        "Examples: %d executed%s, %d up to date",
        len(executed),
        f" ({', '.join(executed)})" if executed else "",
        len(results) - len(executed),
    )


@event_priority(10)
def on_post_build(config):
    """Keep mkdocs-jupyter's render cache for the notebooks of every language.

    Its eviction keeps only the entries the current build used, and
    mkdocs-static-i18n builds one language at a time, so each language would evict
    the other's renders. The entries of all current notebooks are kept; the key
    still includes the executed notebook's bytes, so an entry is never stale.
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config["cache"]:
        return
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    for lang in build_examples.LANGUAGES:
        for notebook in (build_examples.DOCS_DIR / lang / "tutorials").glob("*.ipynb"):
            key = _compute_cache_key(str(notebook), plugin.config, plugin.config["execute"])
            plugin._used_cache_paths.add(_get_cache_path(plugin.config["cache_dir"], key))


def on_serve(server, config, builder):
    for folder in (build_examples.EXAMPLES_DIR, build_examples.PACKAGE_DIR):
        server.watch(str(folder))
    return server


# ---------------------------------------------------------------------------
# Notebook page post-processing

_CODE = re.compile(
    r'<div class="highlight-ipynb hl-(\w+)\s*"><pre>(?:<span></span>)?(.*?)</pre></div>', re.S
)
_IMAGE = re.compile(r'<img([^>]*?)src="data:image/(png|jpeg|svg\+xml);base64,([^"]+)"')
_WHITESPACE_SPAN = re.compile(r'<span class="w">(\s*)</span>')
_HEADING = re.compile(r"<h([1-6])([^>]*)>(.*?)</h\1>", re.S)
_EXPLICIT_ANCHOR = re.compile(r"\s*\{\s*#([\w-]+)\s*\}\s*$")
_TAGS = re.compile(r"<[^>]+>")


def _lean_cells(content: str) -> str:
    """Replace JupyterLab's nested cell markup with the little the page needs.

    Markdown cells become their rendered HTML; a code cell becomes
    ``<div class="nb-cell">`` holding its code block and ``<div class="nb-output">``
    per output (text in ``<pre>``, figures, HTML such as tables).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(content, "html.parser")
    parts = []
    for cell in soup.select('div.jp-Cell[id^="cell-id="]'):
        classes = cell.get("class", [])
        if "jp-MarkdownCell" in classes:
            rendered = cell.select_one("div.jp-RenderedMarkdown")
            parts.append(rendered.decode_contents() if rendered else "")
            continue
        code = cell.select_one("div.highlight")
        outputs = []
        for output in cell.select("div.jp-OutputArea-output"):
            kind = output.get("data-mime-type", "")
            if "jp-RenderedImage" in output.get("class", []):
                body = "".join(str(img) for img in output.find_all("img"))
            elif "jp-RenderedText" in output.get("class", []):
                body = str(output.find("pre"))
            else:
                body = output.decode_contents()
            stream = " nb-stderr" if kind == "application/vnd.jupyter.stderr" else ""
            outputs.append(f'<div class="nb-output{stream}">{body.strip()}</div>')
        parts.append(f'<div class="nb-cell">{code or ""}{"".join(outputs)}</div>')
    return "\n".join(parts)


def _slugify(text: str) -> str:
    from pymdownx.slugs import slugify

    return slugify(case="lower")(text, "-")


def _fix_headings(content: str) -> tuple[str, list[dict]]:
    """Unique, non-empty heading ids; returns the new HTML and TOC tokens."""
    seen: dict[str, int] = {}
    tokens: list[dict] = []

    def replace(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(3)
        inner = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", inner, flags=re.S)
        text = html.unescape(_TAGS.sub("", inner)).strip()
        explicit = _EXPLICIT_ANCHOR.search(text)
        if explicit:
            anchor = explicit.group(1)
            text = text[: explicit.start()].rstrip()
            inner = _EXPLICIT_ANCHOR.sub("", inner)
        else:
            anchor = _slugify(text) or f"section-{len(tokens) + 1}"
        if anchor in seen:
            seen[anchor] += 1
            anchor = f"{anchor}-{seen[anchor]}"
        seen.setdefault(anchor, 0)
        tokens.append({"level": level, "id": anchor, "name": html.escape(text), "children": []})
        link = f'<a class="headerlink" href="#{anchor}" title="Permanent link">&para;</a>'
        return f'<h{level} id="{anchor}">{inner.strip()}{link}</h{level}>'

    content = _HEADING.sub(replace, content)
    return content, _nest(tokens)


def _nest(flat: list[dict]) -> list[dict]:
    root: list[dict] = []
    stack: list[dict] = []
    for token in flat:
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def _extract_images(content: str, page) -> str:
    """Write inline figures next to the page and link them relatively."""
    out_dir = Path(page.file.abs_dest_path).parent
    extensions = {"png": "png", "jpeg": "jpg", "svg+xml": "svg"}

    def replace(match: re.Match) -> str:
        data = base64.b64decode(match.group(3))
        name = f"figure-{hashlib.sha256(data).hexdigest()[:12]}.{extensions[match.group(2)]}"
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / name).write_bytes(data)
        return f'<img{match.group(1)}loading="lazy" src="{name}"'

    return _IMAGE.sub(replace, content)


def _language(page) -> str:
    lang = getattr(page.file, "locale", None) or PurePosixPath(page.file.src_uri).parts[0]
    return lang if lang in LABELS else "en"


def _downloads(page) -> tuple[str, str]:
    """Copy the script and notebook beside the page; return the header and footer HTML."""
    lang = _language(page)
    labels = LABELS[lang]
    notebook_path = Path(page.file.abs_src_path)
    name = notebook_path.stem
    script = build_examples.EXAMPLES_DIR / lang / f"{name}.py"
    out_dir = Path(page.file.abs_dest_path).parent
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(script, out_dir / script.name)
    shutil.copyfile(notebook_path, out_dir / notebook_path.name)
    metadata = json.loads(notebook_path.read_text(encoding="utf-8"))["metadata"]
    seconds = metadata.get(build_examples.METADATA_KEY, {}).get("run_seconds")
    header = (
        f'<p class="nb-downloads">{labels["download"]}: '
        f'<a href="{script.name}" download>{labels["script"]}</a> · '
        f'<a href="{notebook_path.name}" download>{labels["notebook"]}</a></p>'
    )
    footer = ""
    if seconds is not None:
        footer = f'<p class="nb-runtime">{labels["runtime"].format(seconds=seconds)}</p>'
    return header, footer


def on_page_content(content, page, config, files):
    if not is_tutorial(page.file):
        return content
    content = _CODE.sub(
        lambda m: (
            f'<div class="language-{m.group(1)} highlight"><pre><span></span>'
            f"<code>{m.group(2)}</code></pre></div>"
        ),
        content,
    )
    content = _lean_cells(content)
    content = _WHITESPACE_SPAN.sub(r"\1", content)
    content = _extract_images(content, page)
    content, tokens = _fix_headings(content)
    page.toc = get_toc(tokens)
    header, footer = _downloads(page)
    content = re.sub(r"(</h1>)", r"\1" + header.replace("\\", "\\\\"), content, count=1)
    return content + footer
