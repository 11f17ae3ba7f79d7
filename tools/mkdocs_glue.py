"""MkDocs glue: the build steps of :mod:`tools`, called from MkDocs events.

``mkdocs.yml`` lists this file under ``hooks:``. It only connects MkDocs to the
steps, through public MkDocs objects and the plugins' documented options:

* ``on_pre_build``: the execute step (:mod:`tools.execute`) brings the executed
  notebooks up to date; a failing example stops the build with its file and line
  before anything is written. It also points mkdocs-jupyter's render cache
  (its ``cache_dir`` option) at a folder per language, since mkdocs-static-i18n
  builds the languages one after the other and each build evicts the entries it
  did not use.
* ``on_env``: compiled theme templates are cached on disk.
* ``on_files``: the installed front-end files (KaTeX, ``extra.nnguide.vendor``) are
  served from the site; tutorial notebooks become documentation pages (mkdocs-static-i18n
  rebuilds the file list with plain ``File`` objects, which would publish them as
  raw files: static-i18n issue #198), and each tutorial's ``.py`` and portable
  ``.ipynb`` (the download step, :mod:`tools.downloads`, cached by hash) are added to
  the site beside its page, with a zip of them all per language.
* ``on_page_content``: the render step (:mod:`tools.render`) makes the tutorial
  page from mkdocs-jupyter's HTML (cached by its hash), with the code's names linked
  (:mod:`tools.linkcode`), and adds the downloads ("Open in Colab" too when ``repo_url`` is a GitHub
  repository), the script's run time and where it ran. On an
  API page, each object's entry lists the lessons of its language that use it
  (found once per build from the scripts, with ``ast``); the build logs, at INFO
  level, how many code names were linked and the public API no lesson uses.
* ``on_post_build``: the search step (:mod:`tools.search`) writes one index per
  language, Korean segmented (cached by text hash), and each language's sitemap.
* ``on_post_template``: the default language's ``404.html`` stays at the root.
* ``on_serve``: ``mkdocs serve`` also watches ``examples/`` and ``nnguide/``. With
  ``--dirty`` (``make serve``) only changed pages are rebuilt; the search indexes keep
  the other pages' entries.

The theme override ``overrides/main.html`` reads ``config.extra.nnguide_page``
(set here per language) to point Material's search at the language's own index.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from tools import config as site_config
from tools import downloads, execute, linkcode, render, search
from tools.files import write_atomic

log = logging.getLogger("mkdocs.hooks.nnguide")
STATUS_PAGE = "build-status.md"  # docs/<lang>/build-status.md: the table is added per build


class TutorialFile(File):
    """A tutorial notebook: a documentation page, rendered by mkdocs-jupyter."""

    def is_documentation_page(self) -> bool:
        return True


def _as_tutorial(file: File) -> TutorialFile:
    wrapped = TutorialFile.__new__(TutorialFile)
    wrapped.__dict__.update(vars(file))  # the same file, with mkdocs-static-i18n's fields
    return wrapped


class Build:
    """State of one ``mkdocs build`` or ``serve`` process, across its language builds."""

    def __init__(self) -> None:
        self.project: site_config.Project | None = None
        self.building: list[site_config.Language] = []  # the language builds under way
        # language -> page URL -> the page's search entries (kept across dirty rebuilds)
        self.sections: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.seen: dict[str, int] = {}  # language -> entries of its index already taken
        self.dirty = False  # `mkdocs serve --dirty`: only changed pages are rebuilt
        self.seeded: set[str] = set()  # languages whose dirty render cache was filled
        self.default_404: str | None = None
        self.render_cache: render.RenderCache | None = None
        self.downloads: downloads.Downloads | None = None
        self.segmenter: search.Segmenter | None = None
        self.site_lock: Any = None  # held from the first pre-build to the last post-build
        self.executed: set[str] = set()  # scripts (labels) executed by this build
        self.resolver: linkcode.Resolver | None = None
        # language -> nnguide API identifier -> the lessons using it: (name, title)
        self.usage: dict[str, dict[str, list[tuple[str, str]]]] = {}
        # (resolver fingerprint, a lesson's code cells) -> the API identifiers it uses
        self.lesson_usage: dict[tuple[str, tuple[str, ...]], set[str]] = {}
        # language -> lesson -> code names linked: (to the API pages, to PyTorch)
        self.code_links: dict[str, dict[str, tuple[int, int]]] = {}

    @property
    def language(self) -> site_config.Language:
        """The language being built (mkdocs-static-i18n nests the other languages' builds)."""
        assert self.project is not None
        return self.building[-1] if self.building else self.project.default


_build = Build()


def on_startup(command: str, dirty: bool) -> None:
    _build.dirty = dirty


def _render_cache_dir(project: site_config.Project, code: str) -> Path:
    """mkdocs-jupyter's cache folder (its ``cache_dir`` option) for one language.

    mkdocs-jupyter evicts the entries a build did not use. A dirty rebuild renders only
    the changed pages, so ``mkdocs serve --dirty`` gets a copy of its own, which keeps
    the full builds' entries intact.
    """
    folder = project.cache_dir / "mkdocs-jupyter" / code
    if not _build.dirty:
        return folder
    serving = project.cache_dir / "mkdocs-jupyter" / "dirty" / code
    if code not in _build.seeded and folder.is_dir():
        shutil.copytree(folder, serving, dirs_exist_ok=True)
        _build.seeded.add(code)
    return serving


def on_config(config: Any) -> Any:
    project = site_config.load(Path(config.config_file_path).parent)
    if _build.project != project:
        _build.project = project
        _build.render_cache = render.RenderCache(project.cache_dir / "render")
        _build.downloads = downloads.Downloads(project)
        _build.segmenter = search.Segmenter(project.cache_dir / "search")
    return config


@event_priority(100)  # before mkdocs-jupyter reads its options
def on_pre_build(config: Any) -> None:
    project = _build.project
    assert project is not None
    language = project.language(config.theme.get("language") or project.default.code)
    if not _build.building:
        _lock_site(project, config.site_dir)
        _find_lesson_usage(project)
    _build.building.append(language)
    _build.seen[language.code] = 0
    if not _build.dirty:
        _build.sections[language.code] = {}
    config.extra["nnguide_page"] = {
        "root": language.root,
        "terms": "search/terms.json" if language.segmenter else None,
    }
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        jupyter.config["cache_dir"] = str(_render_cache_dir(project, language.code))
    if not language.default:
        return  # the examples of every language were brought up to date by the first build
    if os.environ.get("NNGUIDE_EXECUTE", "1") == "0":
        missing = [ex.label for ex in execute.discover(project) if not ex.notebook.is_file()]
        if missing:
            raise PluginError(
                "Not executed yet (run without NNGUIDE_EXECUTE=0): " + ", ".join(missing)
            )
        return
    try:
        results = execute.build(project=project, log=log.info)
    except execute.ExampleError as error:
        raise PluginError(str(error)) from None
    executed = [r.example.label for r in results if r.executed]
    _build.executed = set(executed)
    log.info(
        "Examples: %d executed%s, %d up to date",
        len(executed),
        f" ({', '.join(executed)})" if executed else "",
        len(results) - len(executed),
    )


def on_env(env: Any, config: Any, files: Files) -> Any:
    """Keep the theme's compiled templates on disk (Jinja's bytecode cache).

    MkDocs makes a new template environment for every build, and every language's
    build, which otherwise compiles Material's templates again each time.
    """
    from jinja2 import FileSystemBytecodeCache

    assert _build.project is not None
    folder = _build.project.cache_dir / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def _tutorial_source(file: File) -> tuple[str, str] | None:
    """``(language, name)`` of a tutorial notebook file, else None."""
    project = _build.project
    assert project is not None
    parts = PurePosixPath(file.src_uri).parts
    if (
        len(parts) == 3
        and parts[0] in project.codes
        and parts[1] == project.tutorials
        and parts[2].endswith(".ipynb")
    ):
        return parts[0], parts[2][: -len(".ipynb")]
    return None


def _counterparts(project: site_config.Project, name: str, config: Any) -> dict[str, File]:
    """The tutorial's page in every language, for the language switcher.

    mkdocs-static-i18n finds the counterparts of documentation pages only, and the
    notebooks are not documentation pages when it looks.
    """
    alternates = {}
    for language in project.languages:
        src_uri = f"{language.code}/{project.tutorials}/{name}.ipynb"
        if not (project.docs_dir / src_uri).is_file():
            continue
        dest_uri = f"{language.root}{project.tutorials}/{name}/index.html"
        alternate = File(
            src_uri, config.docs_dir, config.site_dir, config.use_directory_urls, dest_uri=dest_uri
        )
        alternate.locale = language.code  # type: ignore[attr-defined]
        alternates[language.code] = alternate
    return alternates


def _vendor_files(project: site_config.Project, config: Any) -> list[File]:
    """The installed front-end files the site serves itself (KaTeX)."""
    found = []
    for folder, source in project.vendor.items():
        if not source.is_dir():
            raise PluginError(
                f"{source} is missing: run `npm ci` (make does) to install the site's "
                f"front-end files for {folder}/"
            )
        for path in sorted(source.rglob("*")):
            minified = ".min." in path.name or path.suffix not in {".js", ".css"}
            if (
                path.is_file()
                and minified
                and path.suffix in {".js", ".css", ".woff2", ".woff", ".ttf"}
            ):
                dest = f"{folder}/{path.relative_to(source).as_posix()}"
                found.append(File.generated(config, dest, abs_src_path=str(path)))
    return found


@event_priority(-110)  # after mkdocs-static-i18n (-100) rebuilt the file list
def on_files(files: Files, config: Any) -> Files:
    project = _build.project
    assert project is not None
    for vendored in _vendor_files(project, config):
        if files.get_file_from_path(vendored.src_uri) is None:
            files.append(vendored)
    tutorials = []
    for file in list(files):
        source = _tutorial_source(file)
        if source is None or isinstance(file, TutorialFile):
            continue
        lang, name = source
        files.remove(file)
        tutorial = _as_tutorial(file)
        tutorial.alternates = _counterparts(project, name, config)
        files.append(tutorial)
        folder = posixpath.dirname(tutorial.dest_uri)
        script = project.examples_dir / lang / f"{name}.py"
        files.append(File.generated(config, f"{folder}/{name}.py", abs_src_path=str(script)))
        language = project.language(lang)
        tutorials.append(
            downloads.Tutorial(language, name, script, Path(file.abs_src_path), folder)
        )
    for download in _download_files(project, config, tutorials):
        files.append(download)
    return files


def _download_files(
    project: site_config.Project, config: Any, tutorials: list[downloads.Tutorial]
) -> list[File]:
    """Each tutorial's portable notebook, and per language a zip of scripts and notebooks.

    The zip's source path is ``<lang>/<tutorials>/<ARCHIVE>``, so a home page links it
    as ``tutorials/<ARCHIVE>`` and strict mode checks the link.
    """
    made = _build.downloads
    assert made is not None
    found = []
    by_language: dict[str, list[downloads.Tutorial]] = {}
    try:
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
    except downloads.DownloadError as error:
        raise PluginError(str(error)) from None
    return found


def _colab_link(config: Any, page: Any, name: str, label: str) -> str:
    """`` · <a>`` to the page's notebook in Colab, or "" where ``repo_url`` is not GitHub."""
    assert _build.project is not None
    folder = posixpath.dirname(page.file.dest_uri)
    url = downloads.colab_url(
        config.repo_url or "", _build.project.notebooks_branch, f"{folder}/{name}.ipynb"
    )
    return f' · <a href="{url}" class="nb-colab">{label}</a>' if url else ""


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    source = _tutorial_source(page.file)
    if source is None:
        return _add_lesson_lists(html, page)
    lang, name = source
    assert _build.render_cache is not None and _build.project is not None
    notebook_text = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    labels = _build.project.language(lang).labels
    try:
        rendered = _build.render_cache.render(html, notebook_text, _build.resolver, labels.figure)
    except render.RenderError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    _count_code_links(lang, name, rendered.body)
    out_dir = Path(page.file.abs_dest_path).parent
    for figure, data in rendered.figures.items():
        target = out_dir / figure
        if not target.exists() or target.stat().st_size != len(data):
            out_dir.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    page.toc = get_toc(rendered.toc)
    _set_edit_url(page, config, lang, name)
    header = (
        f'<p class="nb-downloads">{labels.download}: '
        f'<a href="{name}.py" download>{labels.script}</a> · '
        f'<a href="{name}.ipynb" download>{labels.notebook}</a>'
        f"{_colab_link(config, page, name, labels.colab)}</p>"
    )
    metadata = json.loads(notebook_text).get("metadata", {}).get(execute.METADATA_KEY, {})
    seconds = metadata.get("run_seconds")
    footer = ""
    if seconds is not None:
        footer = f'<p class="nb-runtime">{labels.runtime.format(seconds=seconds)}</p>'
    provenance = _provenance(metadata)
    if provenance:
        footer += f'<p class="nb-provenance">{labels.provenance.format(**provenance)}</p>'
    return rendered.title + header + rendered.body + footer


def _memory(size: Any) -> str | None:
    return f"{size / 2**20:,.0f} MiB" if isinstance(size, int | float) else None


def _provenance(metadata: dict[str, Any]) -> dict[str, str] | None:
    """Where and when a notebook was executed, from its metadata (None if not recorded)."""
    try:
        executed = dt.datetime.fromisoformat(metadata["executed_at"])
        facts = {name: metadata[name] for name in ("python", "torch", "device")}
    except (KeyError, TypeError, ValueError):
        return None
    memory = _memory(metadata.get("peak_memory")) or "?"
    device_memory = _memory(metadata.get("device_peak_memory"))
    if device_memory:
        memory += f" (GPU {device_memory})"
    date = executed.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return {
        **{name: escape(str(value)) for name, value in facts.items()},
        "date": date,
        "memory": memory,
    }


def _set_edit_url(page: Any, config: Any, lang: str, name: str) -> None:
    """A tutorial's edit link points at its script, not at the generated notebook."""
    if not page.edit_url:
        return
    assert _build.project is not None
    project = _build.project
    docs = project.docs_dir.relative_to(project.root).as_posix() + "/"
    prefix = page.edit_url[: -len(page.file.src_uri)]
    if not prefix.endswith(docs):
        return  # edit_uri does not point at the docs folder: leave MkDocs' link
    script = (project.examples_dir / lang / f"{name}.py").relative_to(project.root)
    page.edit_url = prefix[: -len(docs)] + script.as_posix()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """The build-status page gets its table: every lesson of its language, from this build."""
    project = _build.project
    assert project is not None
    parts = PurePosixPath(page.file.src_uri).parts
    if len(parts) != 2 or parts[0] not in project.codes or parts[1] != STATUS_PAGE:
        return markdown
    return markdown.rstrip() + "\n\n" + _status_table(project, parts[0]) + "\n"


def _status_table(project: site_config.Project, code: str) -> str:
    labels = project.language(code).labels
    rows = ["| " + " | ".join(labels.status_columns) + " |", "|---|--:|--:|---|---|---|"]
    total = 0.0
    for example in execute.discover(project, languages=(code,)):
        try:
            notebook = json.loads(example.notebook.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        metadata = notebook.get("metadata", {}).get(execute.METADATA_KEY, {})
        title = _notebook_title(notebook) or example.name
        seconds = float(metadata.get("run_seconds") or 0.0)
        total += seconds
        facts = _provenance(metadata) or {}
        ran_on = " · ".join(
            value
            for value in (
                facts.get("device"),
                facts.get("python") and f"Python {facts['python']}",
                facts.get("torch") and f"PyTorch {facts['torch']}",
            )
            if value
        )
        built = labels.executed if example.label in _build.executed else labels.cached
        link = f"[{title.replace('|', '&#124;')}]({project.tutorials}/{example.name}.ipynb)"
        cells = [link, f"{seconds:.2f} s", facts.get("memory", ""), ran_on, built]
        rows.append("| " + " | ".join([*cells, facts.get("date", "")]) + " |")
    rows.append(f"| **Σ** | **{total:.2f} s** | | | | |")
    return "\n".join(rows)


def _notebook_title(notebook: Any) -> str | None:
    """The text of a notebook's ``# title`` (parsed JSON or nbformat), without its anchor."""
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", "")).splitlines():
            if line.startswith("# "):
                return render.strip_anchor(line[2:])
    return None


def _find_lesson_usage(project: site_config.Project) -> None:
    """Which lessons use which nnguide objects, per language (from the scripts, with ast)."""
    _build.resolver = linkcode.Resolver.for_docs(project.docs_dir / project.default.code / "api")
    _build.usage = {}
    _build.code_links = {}
    for example in execute.discover(project):
        try:
            notebook = execute.read_script(example)
        except execute.ExampleError as error:
            raise PluginError(str(error)) from None
        sources = tuple(cell.source for cell in notebook.cells if cell.cell_type == "code")
        title = _notebook_title(notebook) or example.name
        usage = _build.usage.setdefault(example.lang, {})
        # Every build (and `mkdocs serve` reload) asks; a lesson's code is parsed once.
        key = (_build.resolver.fingerprint(), sources)
        if key not in _build.lesson_usage:
            _build.lesson_usage[key] = linkcode.lesson_usage(sources, _build.resolver)
        for identifier in _build.lesson_usage[key]:
            usage.setdefault(identifier, []).append((example.name, title))
    for usage in _build.usage.values():
        for lessons in usage.values():
            lessons.sort()


_DOC_HEADING = re.compile(
    r'<h[1-6] id="(?P<id>[\w.]+)" class="doc doc-heading">.*?</h[1-6]>.*?'
    r'<div class="doc doc-contents[^"]*">',
    re.S,
)


def _add_lesson_lists(html: str, page: Any) -> str:
    """On an API page, each object's entry lists the lessons that use it."""
    project = _build.project
    assert project is not None
    parts = PurePosixPath(page.file.src_uri).parts
    if len(parts) < 3 or parts[0] not in project.codes or parts[1] != "api":
        return html
    language = project.language(parts[0])
    usage = _build.usage.get(language.code, {})

    def add(match: re.Match[str]) -> str:
        lessons = usage.get(match["id"])
        if not lessons:
            return match[0]
        folder = f"{language.root}{project.tutorials}"
        links = ", ".join(
            f'<a href="{get_relative_url(f"{folder}/{name}/", page.url)}">{escape(title)}</a>'
            for name, title in lessons
        )
        label = escape(language.labels.used_in)
        return f'{match[0]}<p class="nb-used-in"><strong>{label}</strong> {links}</p>'

    return _DOC_HEADING.sub(add, html)


def _count_code_links(lang: str, name: str, body: str) -> None:
    api = len(re.findall(r'<autoref [^>]*class="nb-code-link"', body))
    total = body.count('class="nb-code-link"')
    _build.code_links.setdefault(lang, {})[name] = (api, total - api)


def _report_code_links() -> None:
    """Log the code names linked per language and the public objects no lesson uses."""
    if _build.resolver is None or _build.project is None:
        return
    public = linkcode.public_api(_build.resolver)
    for language in _build.project.languages:
        pages = _build.code_links.get(language.code)
        if pages:
            api = sum(counts[0] for counts in pages.values())
            torch = sum(counts[1] for counts in pages.values())
            log.info(
                "Linked code (%s): %d names in %d lessons: %d to the API pages, %d to PyTorch",
                language.code,
                api + torch,
                len(pages),
                api,
                torch,
            )
        unused = sorted(public - set(_build.usage.get(language.code, {})))
        log.info(
            "nnguide API used by no lesson (%s): %s", language.code, ", ".join(unused) or "none"
        )


def _search_plugin(config: Any) -> Any:
    return config.plugins.get("material/search") or config.plugins.get("search")


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    search_plugin = _search_plugin(config)
    if search_plugin is None or not search_plugin.config.enabled:
        return context
    # The search plugin makes a new index for each language's build and has just
    # added this page's sections to it (hooks run after plugins).
    code = _build.language.code
    entries = search_plugin.search_index.entries
    start = _build.seen.get(code, 0)
    _build.sections.setdefault(code, {})[page.url] = [dict(entry) for entry in entries[start:]]
    _build.seen[code] = len(entries)
    return context


def _lock_site(project: site_config.Project, site_dir: str) -> None:
    """One build at a time writes a site folder; another one waits for it."""
    from filelock import FileLock, Timeout

    digest = hashlib.sha256(str(Path(site_dir).resolve()).encode()).hexdigest()[:16]
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(project.cache_dir / f"site-{digest}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.info("Another build is writing %s; waiting for it to finish", site_dir)
        lock.acquire()
    _build.site_lock = lock


def _unlock_site() -> None:
    if _build.site_lock is not None:
        _build.site_lock.release()
        _build.site_lock = None


def on_build_error(error: Exception) -> None:
    _build.building.clear()
    _unlock_site()


@event_priority(-110)  # after mkdocs-static-i18n (-100) built the other languages
def on_post_build(config: Any) -> None:
    _build.building.pop()
    if _build.building:
        return  # a nested language build: the outermost build writes every index
    try:
        _report_code_links()
        _write_indexes(config)
    finally:
        _unlock_site()


def _write_indexes(config: Any) -> None:
    project, segmenter = _build.project, _build.segmenter
    search_plugin = _search_plugin(config)
    if project is None or search_plugin is None or not search_plugin.config.enabled:
        return
    assert segmenter is not None
    segmenter.used.clear()
    site = Path(config.site_dir)
    for language in project.languages:
        pages = _build.sections.get(language.code)
        if not pages:
            continue
        entries = [entry for page_entries in pages.values() for entry in page_entries]
        options = search_plugin.config
        index_config = search.search_config(options, language.code, bool(language.segmenter))
        count = search.write_index(
            site,
            language.root,
            index_config,
            entries,
            segmenter if language.segmenter else None,
        )
        # Every page of the language, tutorials included (mkdocs-static-i18n's own
        # sitemap lists the pages it saw as documentation pages).
        urls = [url[len(language.root) :] for url in pages]
        prefix = f"{config.site_url.rstrip('/')}/{language.root}" if config.site_url else ""
        sitemap = search.sitemap(urls, prefix).encode()
        write_atomic(site / language.root / "sitemap.xml", sitemap)
        if (site / language.root / "sitemap.xml.gz").exists():
            write_atomic(site / language.root / "sitemap.xml.gz", gzip.compress(sitemap, mtime=0))
        log.info("Search index for '%s': %d sections", language.code, count)
    segmenter.save()


def on_post_template(output_content: str, template_name: str, config: Any) -> str:
    """Keep the default language's ``404.html`` at the site root.

    mkdocs-static-i18n renders the theme's static templates once per language into
    the same site directory, so the last language built would own the root
    ``404.html``. The default language's page is kept.
    """
    if template_name != "404.html" or _build.project is None:
        return output_content
    if _build.language.default:
        _build.default_404 = output_content
        return output_content
    return _build.default_404 or output_content


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    project = _build.project
    assert project is not None
    for folder in (project.examples_dir, project.package_dir):
        server.watch(str(folder))
    return server
