"""Site files step: what the build adds to MkDocs' file list (``on_files``).

* The installed front-end files (KaTeX, a code font; ``extra.nnguide.vendor``) are served from the
  site.
* Tutorial notebooks become documentation pages again: mkdocs-static-i18n rebuilds the
  file list with plain ``File`` objects, which would publish them as raw files
  (static-i18n issue #198, worked around in :mod:`tools.static_i18n_198`).
* Each tutorial's ``.py`` and portable ``.ipynb`` (the download step,
  :mod:`tools.downloads`) are added beside its page, with a zip of them all per
  language.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.structure.files import File, Files

from tools import config, downloads, static_i18n_198

VENDOR_SUFFIXES = {".js", ".css", ".woff2", ".woff", ".ttf"}
# Material's search worker, named by a hash of its content: one file of the theme's
WORKER_FOLDER = "assets/javascripts/workers"
_WORKER = re.compile(r"search\.[0-9a-f]+\.min\.js")


def tutorial_source(project: config.Project, src_uri: str) -> tuple[str, str] | None:
    """``(language, name)`` of a tutorial notebook's ``src_uri``, else None.

    Only ``<lang>/<tutorials>/<name>.ipynb`` of a language of the site is a tutorial.
    """
    parts = PurePosixPath(src_uri).parts
    if (
        len(parts) == 3
        and parts[0] in project.codes
        and parts[1] == project.tutorials
        and parts[2].endswith(".ipynb")
    ):
        return parts[0], parts[2][: -len(".ipynb")]
    return None


def counterparts(project: config.Project, name: str) -> dict[str, tuple[str, str]]:
    """Language code -> ``(src_uri, dest_uri)`` of the tutorial's page in that language.

    For the language switcher: mkdocs-static-i18n finds the counterparts of
    documentation pages only, and the notebooks are not documentation pages when it
    looks (:mod:`tools.static_i18n_198`).
    """
    found = {}
    for language in project.languages:
        src_uri = f"{language.code}/{project.tutorials}/{name}.ipynb"
        if (project.docs_dir / src_uri).is_file():
            dest_uri = f"{language.root}{project.tutorials}/{name}/index.html"
            found[language.code] = (src_uri, dest_uri)
    return found


def search_worker(files: Files) -> str:
    """The file name of Material's search worker among the theme's files of ``files``.

    Material names the worker by a hash of its content (``search.a7633da7.min.js``);
    ``workers/search_rank.js`` loads it by the name this finds in the installed theme.

    Raises:
        FileNotFoundError: If the theme has no such file (not Material, or a Material
            that ships its search worker under another name).
    """
    for file in files:
        folder, name = posixpath.split(file.src_uri)
        if folder == WORKER_FOLDER and _WORKER.fullmatch(name):
            return name
    raise FileNotFoundError(
        f"the theme has no search worker {WORKER_FOLDER}/search.<hash>.min.js "
        "for assets/javascripts/workers/search_rank.js to load"
    )


def vendored(source: Path, files: tuple[str, ...] = ()) -> list[Path]:
    """The files of an installed front-end folder the site serves.

    Without ``files``: its minified code and its fonts. With ``files`` (glob patterns
    relative to ``source``): exactly the files they match, e.g. one weight of a font.

    Raises:
        FileNotFoundError: If ``source`` is not a folder (``npm ci`` has not run), or a
            pattern of ``files`` matches nothing.
    """
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is missing: run `npm ci` (make does)")
    if not files:
        return [
            path
            for path in sorted(source.rglob("*"))
            if path.is_file()
            and path.suffix in VENDOR_SUFFIXES
            and (".min." in path.name or path.suffix not in {".js", ".css"})
        ]
    found: set[Path] = set()
    for pattern in files:
        matched = [path for path in source.glob(pattern) if path.is_file()]
        if not matched:
            raise FileNotFoundError(f"{source}/{pattern} matches no file: run `npm ci` (make does)")
        found.update(matched)
    return sorted(found)


def vendor_files(project: config.Project, config: Any) -> list[File]:
    """The installed front-end files the site serves itself (KaTeX, a code font).

    Raises:
        FileNotFoundError: If an installed folder or file is missing; the message names it
            and the site folder it serves.
    """
    found = []
    for folder, vendor in project.vendor.items():
        try:
            paths = vendored(vendor.source, vendor.files)
        except FileNotFoundError as error:
            raise FileNotFoundError(
                f"{error} to install the site's front-end files for {folder}/"
            ) from None
        for path in paths:
            dest = f"{folder}/{path.relative_to(vendor.source).as_posix()}"
            found.append(File.generated(config, dest, abs_src_path=str(path)))
    return found


def download_files(
    project: config.Project, config: Any, made: downloads.Downloads, tutorials: list[Any]
) -> list[File]:
    """Each tutorial's portable notebook, and per language a zip of scripts and notebooks.

    The zip's source path is ``<lang>/<tutorials>/<ARCHIVE>``, so a home page links it
    as ``tutorials/<ARCHIVE>`` and strict mode checks the link.

    Raises:
        downloads.DownloadError: If a notebook cannot be made portable.
    """
    found = []
    by_language: dict[str, list[downloads.Tutorial]] = {}
    for tutorial in tutorials:
        content = made.notebook(tutorial, config.site_url or "")
        found.append(File.generated(config, tutorial.notebook_path, content=content))
        by_language.setdefault(tutorial.language.code, []).append(tutorial)
    for code, group in by_language.items():
        archive = File.generated(
            config,
            f"{code}/{project.tutorials}/{downloads.ARCHIVE}",
            content=made.archive(code, group, config.site_url or ""),
        )
        root = project.language(code).root
        archive.dest_uri = f"{root}{project.tutorials}/{downloads.ARCHIVE}"
        found.append(archive)
    return found


def add(files: Files, config: Any, project: config.Project, made: downloads.Downloads) -> Files:
    """``files`` with the vendored files, the tutorials as pages, and their downloads.

    Raises:
        FileNotFoundError: If an installed front-end folder is missing.
        downloads.DownloadError: If a notebook cannot be made portable.
    """
    present = {file.src_uri for file in files}  # (static-i18n's lookup reads every file)
    for file in vendor_files(project, config):
        if file.src_uri not in present:
            files.append(file)
    tutorials = []
    for file in list(files):
        source = tutorial_source(project, file.src_uri)
        if source is None or isinstance(file, static_i18n_198.NotebookPage):
            continue
        lang, name = source
        files.remove(file)
        tutorial = static_i18n_198.as_page(file, config, counterparts(project, name))
        files.append(tutorial)
        folder = posixpath.dirname(tutorial.dest_uri)
        script = project.examples_dir / lang / f"{name}.py"
        files.append(File.generated(config, f"{folder}/{name}.py", abs_src_path=str(script)))
        tutorials.append(
            downloads.Tutorial(
                project.language(lang), name, script, Path(file.abs_src_path or ""), folder
            )
        )
    for download in download_files(project, config, made, tutorials):
        files.append(download)
    return files
