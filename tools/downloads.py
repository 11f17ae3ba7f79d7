"""Download step: the notebooks and archives a reader takes away from the site.

The executed notebook ``docs/<lang>/tutorials/<name>.ipynb`` is the page's source; the
``.ipynb`` a reader downloads is a portable copy of it, made here:

* headings lose the site's attribute syntax (``## 준비 { #setup }`` becomes ``## 준비``);
* links between pages point at the site (``site_url``) instead of a relative path;
* the build's own records go (the ``nnguide`` execution record, jupytext's settings,
  the kernel's per-cell timings, the Python version that ran it); outputs stay;
* a first code cell installs ``nnguide`` with its plot and data extras where it is
  missing (``importlib.util.find_spec``), with a comment in the page's language
  (``extra.labels.install`` in ``mkdocs.yml``); where it is installed it does nothing.

Each language also gets one zip of every tutorial's script and portable notebook
(:data:`ARCHIVE`, linked from its home page). Both are cached in
``<cache_dir>/downloads/`` under the hash of what they are made from, written
atomically with the SHA-256 of their content and checked against it before use
(:func:`tools.files.read_cached`): a corrupt entry is made again.

"Open in Colab": Colab opens notebooks from a GitHub repository, and the executed
notebooks are not committed. The Pages workflow publishes the site's portable notebooks
to the branch ``extra.nnguide.notebooks_branch`` of the repository, at their paths in
the site (``python -m tools.downloads export SITE OUT`` lays them out); each tutorial
page links its notebook there (:func:`colab_url`) when ``repo_url`` is a GitHub
repository.
"""

from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import io
import json
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit

from tools import config, index_terms, outputs
from tools.files import read_cached, write_cached
from tools.lessons import METADATA_KEY

VERSION = "3"  # part of every cache key: bump it when the output changes
ARCHIVE = "nnguide-tutorials.zip"  # in each language's tutorials folder
EXTRAS = "plot,data"
INSTALL_CELL_ID = "install-nnguide"
COLAB = "https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/{path}"

# An ATX heading ending in an attribute list: `## 준비 { #setup }`.
_HEADING_ATTRIBUTES = re.compile(r"^(#{1,6}[ \t].*?)[ \t]*\{[ \t]*#[^}]*\}[ \t]*$", re.MULTILINE)
# A Markdown link or image target, `](target)` or `](target "title")`.
_LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)


class DownloadError(RuntimeError):
    """A download could not be made; the message names the file."""


@dataclass(frozen=True)
class Tutorial:
    """One tutorial's downloads: its script, its executed notebook and its site folder."""

    language: config.Language
    name: str
    script: Path
    notebook: Path
    folder: str  # the page's folder in the site, e.g. "ko/tutorials/01_building_networks"

    @property
    def notebook_path(self) -> str:
        """The portable notebook's path in the site (and on the notebooks branch)."""
        return f"{self.folder}/{self.name}.ipynb"


def package_version(project: config.Project) -> str:
    """``__version__`` of the package, read from its ``__init__.py`` without importing it.

    Raises:
        DownloadError: If the file has no ``__version__ = "..."``.
    """
    path = project.package_dir / "__init__.py"
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(target, "id", None) for target in node.targets] == ["__version__"]
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise DownloadError(f'{path}: no __version__ = "..." string')


def requirement(version: str) -> str:
    """What the install cell installs: this version of nnguide with its extras."""
    return f"nnguide[{EXTRAS}]=={version}"


def install_source(note: str, requirement: str) -> str:
    """The install cell's code, ``note`` as its comment."""
    comment = "\n".join(f"# {line}".rstrip() for line in note.strip().splitlines())
    return (
        f"{comment}\n"
        "import importlib.util\n"
        "import subprocess\n"
        "import sys\n"
        "\n"
        'if importlib.util.find_spec("nnguide") is None:\n'
        f'    command = [sys.executable, "-m", "pip", "install", "--quiet", "{requirement}"]\n'
        "    subprocess.run(command, check=True)\n"
        "    importlib.invalidate_caches()"
    )


def _outside_fences(text: str, change: Any) -> str:
    """``change`` applied to the parts of Markdown ``text`` outside fenced code."""
    parts = re.split(r"(^(?:```|~~~).*?^(?:```|~~~)[^\n]*$)", text, flags=re.MULTILINE | re.DOTALL)
    return "".join(part if _FENCE.match(part) else change(part) for part in parts)


def source_url(folder_url: str, target: str) -> str | None:
    """The site URL of a link to a page's source (``.md``, ``.ipynb``), else None.

    ``folder_url``: the URL of the folder the linking page's source is in. MkDocs
    resolves such a link against the source folder and writes the page's URL
    (``use_directory_urls``); a portable notebook gets that URL.

    >>> folder = "https://example.org/ko/tutorials/"
    >>> source_url(folder, "00_tensors.ipynb#setup"), source_url(folder, "../glossary.md")
    ('https://example.org/ko/tutorials/00_tensors/#setup', 'https://example.org/ko/glossary/')
    >>> source_url(folder, "../index.md"), source_url(folder, "figure.png") is None
    ('https://example.org/ko/', True)
    """
    parts = urlsplit(target)
    if not parts.path.endswith((".md", ".ipynb")):
        return None
    page = index_terms.page_url(parts.path)
    return urljoin(folder_url, page) + (f"#{parts.fragment}" if parts.fragment else "")


def clean_markdown(text: str, page_url: str | None) -> str:
    """Headings without attribute lists; relative links resolved against ``page_url``.

    ``page_url``: the lesson page's URL (its source, ``<name>.ipynb``, is in the
    folder above it). A link to a page's source (``00_tensors.ipynb``, as MkDocs
    checks it) becomes that page's URL; any other relative link is a URL relative to
    the page.
    """

    def change(part: str) -> str:
        part = _HEADING_ATTRIBUTES.sub(r"\1", part)
        if page_url is None:
            return part

        def absolute(match: re.Match[str]) -> str:
            target = match.group(2)
            if urlsplit(target).scheme or target.startswith("#"):
                return match.group(0)
            page = source_url(urljoin(page_url, "../"), target)
            return match.group(1) + (page or urljoin(page_url, target)) + match.group(3)

        return _LINK.sub(absolute, part)

    return _outside_fences(text, change)


def portable(notebook: dict[str, Any], install: str, page_url: str | None) -> dict[str, Any]:
    """The notebook a reader downloads, made from the executed one.

    ``install``: the install cell's code; ``page_url``: the page's absolute URL
    (``None`` when the site has no ``site_url``: relative links stay).
    """
    result = outputs.restore_full(copy.deepcopy(notebook))  # outputs the page shows cut
    metadata = result.get("metadata", {})
    for key in (METADATA_KEY, "jupytext"):
        metadata.pop(key, None)
    metadata.get("language_info", {}).pop("version", None)
    cells = []
    for cell in result.get("cells", []):
        cell_metadata = cell.get("metadata", {})
        for key in ("execution", "lines_to_next_cell"):
            cell_metadata.pop(key, None)
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else source
            cell["source"] = _lines(clean_markdown(text, page_url))
        cells.append(cell)
    install_cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": None,
        "id": INSTALL_CELL_ID,
        "metadata": {},
        "outputs": [],
        "source": _lines(install),
    }
    # After the title cell, so the notebook still opens with its title.
    at = 1 if cells and cells[0].get("cell_type") == "markdown" else 0
    cells.insert(at, install_cell)
    result["cells"] = cells
    return result


def _lines(text: str) -> list[str]:
    """Cell source as Jupyter writes it: a list of lines that keep their newlines."""
    return text.splitlines(keepends=True)


def page_url(site_url: str, folder: str) -> str | None:
    """The absolute URL of the page in ``folder``, or None without a ``site_url``."""
    if not site_url:
        return None
    return urljoin(site_url.rstrip("/") + "/", folder.strip("/") + "/")


def github_repository(repo_url: str) -> tuple[str, str] | None:
    """``(owner, name)`` of a ``https://github.com/owner/name`` URL, else None."""
    parts = urlsplit(repo_url or "")
    path = [part for part in parts.path.split("/") if part]
    if parts.scheme not in ("http", "https") or parts.netloc.lower() not in (
        "github.com",
        "www.github.com",
    ):
        return None
    if len(path) != 2:
        return None
    owner, name = path
    return owner, name.removesuffix(".git")


def colab_url(repo_url: str, branch: str, notebook_path: str) -> str | None:
    """The Colab link of a notebook published to ``branch`` of ``repo_url``.

    None when ``repo_url`` is empty or not a GitHub repository (Colab opens notebooks
    from GitHub only).
    """
    repository = github_repository(repo_url)
    if repository is None:
        return None
    owner, name = repository
    return COLAB.format(owner=owner, repo=name, branch=branch, path=notebook_path.lstrip("/"))


def _dumps(notebook: dict[str, Any]) -> bytes:
    """Notebook JSON as Jupyter writes it (one-space indent, sorted keys, newline)."""
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``(name, data)`` with fixed dates and modes: same input, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


class Downloads:
    """Portable notebooks and archives, cached on disk by the hash of their inputs."""

    def __init__(self, project: config.Project) -> None:
        self.project = project
        self.folder = project.cache_dir / "downloads"
        self._version: str | None = None

    @property
    def requirement(self) -> str:
        if self._version is None:
            self._version = package_version(self.project)
        return requirement(self._version)

    def _cached(self, key: str, suffix: str, make: Any) -> bytes:
        """The entry ``key``, verified against its SHA-256; made (and stored) if it is not."""
        path = self.folder / f"{key}{suffix}"
        data = read_cached(path)
        if data is None:
            data = make()
            write_cached(path, data)
        return data

    def _notebook_key(self, tutorial: Tutorial, site_url: str) -> tuple[str, bytes]:
        try:
            text = tutorial.notebook.read_bytes()
        except OSError as error:
            raise DownloadError(f"{tutorial.notebook}: {error.strerror}") from None
        digest = hashlib.sha256(VERSION.encode())
        for part in (text, tutorial.language.labels.install.encode(), self.requirement.encode()):
            digest.update(hashlib.sha256(part).digest())
        digest.update((page_url(site_url, tutorial.folder) or "").encode())
        return digest.hexdigest(), text

    def notebook(self, tutorial: Tutorial, site_url: str) -> bytes:
        """The portable notebook of ``tutorial``, as a reader downloads it."""
        key, text = self._notebook_key(tutorial, site_url)

        def make() -> bytes:
            try:
                executed = json.loads(text)
            except ValueError as error:
                raise DownloadError(f"{tutorial.notebook}: not a notebook: {error}") from None
            install = install_source(tutorial.language.labels.install, self.requirement)
            return _dumps(portable(executed, install, page_url(site_url, tutorial.folder)))

        return self._cached(key, ".ipynb", make)

    def archive(self, code: str, tutorials: list[Tutorial], site_url: str) -> bytes:
        """One zip of the scripts and portable notebooks of ``tutorials`` (one language)."""
        top = f"nnguide-tutorials-{code}"
        members: list[tuple[str, bytes]] = []
        for tutorial in sorted(tutorials, key=lambda tutorial: tutorial.name):
            try:
                script = tutorial.script.read_bytes()
            except OSError as error:
                raise DownloadError(f"{tutorial.script}: {error.strerror}") from None
            members.append((f"{top}/{tutorial.name}.py", script))
            members.append((f"{top}/{tutorial.name}.ipynb", self.notebook(tutorial, site_url)))
        digest = hashlib.sha256(VERSION.encode())
        for name, data in members:
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return self._cached(digest.hexdigest(), ".zip", lambda: _zip(members))


def export(site: Path, out: Path) -> list[str]:
    """Copy the built site's portable notebooks to ``out`` at their paths in the site.

    This is the tree the Pages workflow publishes to the notebooks branch, where the
    "Open in Colab" links find them. Returns the paths copied.

    Raises:
        DownloadError: If ``site`` has no tutorial notebooks (not a built site).
    """
    paths = sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.ipynb")
        if path.is_file() and path.parent.name == path.stem
    )
    if not paths:
        raise DownloadError(f"{site}: no tutorial notebooks (build the site first)")
    for path in paths:
        target = out / PurePosixPath(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site / PurePosixPath(path), target)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.downloads", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    exporting = commands.add_parser(
        "export", help="copy a built site's notebooks into the notebooks branch's layout"
    )
    exporting.add_argument("site", type=Path, help="the built site folder")
    exporting.add_argument("out", type=Path, help="the folder to fill (the branch's tree)")
    args = parser.parse_args(argv)
    try:
        paths = export(args.site, args.out)
    except DownloadError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{len(paths)} notebooks in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
