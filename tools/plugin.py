"""The ``nnguide`` MkDocs plugin: the build steps of :mod:`tools`, called from MkDocs events.

``mkdocs.yml`` lists it last under ``plugins:`` (``- nnguide``), so for each event it runs
after the other plugins, search and mkdocs-static-i18n included. It is registered as
an entry point of the ``nnguide-docs`` distribution (``tools/pyproject.toml``), which
``make setup`` installs in editable mode; it is not part of the published package.

Each handler is short: it keeps the build's state on the plugin instance and calls the
step modules, which are plain functions with unit tests:

=====================  ==============================================================
event                  step
=====================  ==============================================================
``on_startup``         remembers the command and ``--dirty`` (``mkdocs serve``);
                       :func:`tools.stop_signals.install` (SIGTERM and SIGHUP stop as
                       Ctrl-C does, so ``on_shutdown`` runs)
``on_config``          :func:`tools.config.load` (languages, folders), the caches;
                       :func:`tools.theme_files.install` (the theme's files listed without
                       its hidden folders; every environment the theme makes keeps its
                       compiled templates on disk: :class:`tools.files.BytecodeCache`);
                       a plain ``mkdocs build`` writes into a fresh folder
                       (:class:`tools.publish.Staging`)
``on_pre_build``       :func:`tools.files.lock`, :func:`tools.usage.find`,
                       :mod:`tools.mkdocs_jupyter_eviction` (its entries checked:
                       :func:`tools.files.verify_folder`), :func:`tools.execute.build`
                       (``NNGUIDE_EXECUTE=0``: :func:`tools.execute.check_notebooks`)
``on_files``           mkdocstrings' compiled templates cached on disk (as the theme's);
                       :func:`tools.site_files.search_worker`,
                       :func:`tools.site_files.add` (:mod:`tools.downloads`); a tutorial
                       page's source becomes :func:`tools.render.code_notebook` (what
                       mkdocs-jupyter converts: the code cells, comments masked)
``on_env``             the cross-reference targets of the pages a dirty rebuild skips
                       given to autorefs again (:mod:`tools.anchors`)
``on_nav``             a dirty rebuild: the pages below whose added Markdown changed
                       are rendered again
``on_page_markdown``   :func:`tools.tutorial_page.status_table`; on the Index page
                       :func:`tools.index_terms.index_markdown`; on an API page
                       :func:`tools.usage.add_lesson_lists` (mkdocstrings options that
                       the templates in ``tools/templates`` show: the lessons, and the
                       page's language for mkdocstrings-python's strings)
``on_page_content``    a tutorial: :meth:`tools.render.RenderCache.render` (its code cells,
                       from mkdocs-jupyter's HTML), :func:`tools.render.markdown_document`
                       rendered by MkDocs' ``Page.render`` (its Markdown cells, as a
                       page's; the glossary's terms as abbreviations, kept on a term's
                       first use per section, :mod:`tools.tooltips`),
                       :func:`tools.render.assemble`,
                       :mod:`tools.tutorial_page`
``on_page_context``    before the search plugin: a page whose search entries are known
                       (:class:`tools.search_sections.KnownSections`) is not parsed
                       again; after it: the page's URL, kept per language
``on_post_template``   the default language's ``404.html`` stays at the root
``on_post_build``      each language's build: :func:`tools.files.record_folder` (the
                       mkdocs-jupyter entries' hashes), :func:`tools.search.page_sections`
                       (from the search plugin's written index), the skipped pages'
                       kept entries (:meth:`tools.search_sections.KnownSections.take`);
                       the last:
                       :func:`tools.usage.report`, :func:`tools.search.write_indexes`
                       (each section's index terms: :func:`tools.index_terms.collect`;
                       the indexes last written kept for serve's rebuilds); serve:
                       :func:`tools.execute.start_spares` (a kernel per language waits
                       for the next code edit, with torch and ``nnguide`` imported),
                       :meth:`tools.publish.Staging.finish` (the swap)
``on_build_error``     releases the site lock, :meth:`tools.publish.Staging.discard`
``on_shutdown``        :meth:`tools.publish.Staging.discard` (an interrupted build),
                       :func:`tools.execute.discard_spares`,
                       :func:`tools.stop_signals.restore`
``on_serve``           watches ``examples/`` and ``nnguide/``, keeps the server (the
                       notebooks a rebuild writes into ``docs/`` start no rebuild:
                       :func:`tools.serve_watch.paused`); :meth:`NnguidePlugin.warm_up`
                       (in the background: :func:`tools.usage.preload`,
                       :func:`tools.linkcode.preload`,
                       :func:`tools.execute.preload`, :meth:`tools.search.Segmenter.load`)
=====================  ==============================================================

The theme override ``overrides/main.html`` reads ``config.extra.nnguide_page`` (set
here per language) to point Material's search at the language's own index.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import meta

from tools import (
    anchors,
    downloads,
    execute,
    files,
    index_terms,
    lessons,
    linkcode,
    mkdocs_jupyter_eviction,
    publish,
    render,
    search,
    search_entries_growth,
    search_sections,
    serve_watch,
    site_files,
    stop_signals,
    theme_files,
    tooltips,
    tutorial_page,
    usage,
)
from tools import config as site_config
from tools.files import BytecodeCache

log = logging.getLogger("mkdocs.plugins.nnguide")
# A complete mkdocs-jupyter cache entry (its cache_dir's *.json files).
JUPYTER_ENTRY = files.json_entry("content", "toc_tokens")


def executes() -> bool:
    """Whether the build executes the lessons: ``NNGUIDE_EXECUTE`` unset or ``1``.

    ``0`` renders the notebooks already executed. Any other value is refused, where
    ``false`` or ``no`` would have executed them.
    """
    value = os.environ.get("NNGUIDE_EXECUTE", "1")
    if value not in ("0", "1"):
        raise PluginError(
            "NNGUIDE_EXECUTE must be 0 (render the notebooks already executed) or 1 "
            f"(execute the lessons), got {value!r}"
        )
    return value == "1"


class NnguideConfig(Config):
    """The plugin's options in ``mkdocs.yml`` (the project's settings are ``extra.nnguide``)."""

    status_page = c.Type(str, default="build-status.md")  # docs/<lang>/<status_page>
    api_folder = c.Type(str, default="api")  # docs/<lang>/<api_folder>/: the API pages
    theme_cache = c.Type(bool, default=True)  # keep compiled theme templates on disk
    # docs/<lang>/<glossary>: a segmented language's terms join the search's dictionary
    glossary = c.Type(str, default="glossary.md")
    index_page = c.Type(str, default="index-terms.md")  # docs/<lang>/<index_page>: the Index
    # `mkdocs serve`: a kernel per language waits for the next code edit (start_spares)
    spare_kernels = c.Type(bool, default=True)


class NnguidePlugin(BasePlugin[NnguideConfig]):
    """Executes the lessons and builds their pages, downloads and search indexes."""

    def __init__(self) -> None:
        self.project: site_config.Project | None = None
        self.dirty = False  # `mkdocs serve --dirty`: only changed pages are rebuilt
        self.command: str | None = None  # "build", "serve", "gh-deploy" (None: called as a library)
        self.staging: publish.Staging | None = None  # a plain `mkdocs build`'s fresh folder
        self.building: list[site_config.Language] = []  # the language builds under way
        # language -> page URL -> the page's search entries (kept across dirty rebuilds)
        self.sections: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.rendered: dict[str, list[str]] = {}  # language -> URLs of the pages it rendered
        self.seeded: set[str] = set()  # languages whose dirty render cache was filled
        self.default_404: str | None = None
        self.render_cache: render.RenderCache | None = None
        self.downloads: downloads.Downloads | None = None
        self.segmenter: search.Segmenter | None = None
        self.known_sections: search_sections.KnownSections | None = None
        self.site_lock: Any = None  # held from the first pre-build to the last post-build
        self.executed: set[str] = set()  # scripts (labels) executed by this build
        self.resolver: linkcode.Resolver | None = None
        self.usage: usage.Usage = {}
        self.usage_memo: usage.Memo = {}
        # language -> lesson -> code names linked: (to the API pages, to PyTorch)
        self.code_links: dict[str, dict[str, tuple[int, int]]] = {}
        self.index_memo: search.IndexMemo = {}  # the search indexes last written
        # language -> its index entries, read once per build (the Index page, the search)
        self.index_entries: dict[str, list[index_terms.Entry]] = {}
        # language -> the cross-reference targets found (given to autorefs when skipped)
        self.anchors: dict[str, anchors.Known] = {}
        # src_uri -> the Markdown a page had once this plugin added to it (on_nav)
        self.derived: dict[str, str] = {}
        self.warming: threading.Thread | None = None  # serve's warm-up (warm_up)
        self.server: Any = None  # `mkdocs serve`'s server (on_serve)
        self.signal_handlers: stop_signals.Handlers = {}  # replaced in on_startup

    @property
    def site(self) -> site_config.Project:
        """The project's settings (read in ``on_config``)."""
        assert self.project is not None
        return self.project

    @property
    def kept(self) -> search_sections.KnownSections:
        """The search entries kept from the last build (made in ``on_config``)."""
        assert self.known_sections is not None
        return self.known_sections

    @property
    def language(self) -> site_config.Language:
        """The language being built (mkdocs-static-i18n nests the other languages' builds)."""
        return self.building[-1] if self.building else self.site.default

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty
        self.signal_handlers = stop_signals.install()

    @event_priority(100)  # before any plugin reads site_dir
    def on_config(self, config: Any) -> Any:
        if self.command == "build" and not self.dirty and not self.building and not self.staging:
            self.staging = publish.Staging(config)
        project = site_config.load(Path(config.config_file_path).parent)
        if self.project != project:
            self.project = project
            self.render_cache = render.RenderCache(project.cache_dir / "render")
            self.downloads = downloads.Downloads(project)
            segmented = [lang for lang in project.languages if lang.segmenter]
            glossary = (
                project.docs_dir / segmented[0].code / self.config.glossary if segmented else None
            )
            self.segmenter = search.Segmenter(project.cache_dir / "search", glossary)
            self.known_sections = search_sections.KnownSections(
                project.cache_dir / "search" / "sections"
            )
        compiled = None
        if self.config.theme_cache:
            compiled = BytecodeCache(str(self._template_cache("jinja")))
        theme_files.install(config.theme, compiled)
        return config

    @event_priority(100)  # before mkdocs-jupyter reads its options
    def on_pre_build(self, *, config: Any) -> None:
        project = self.site
        language = project.language(config.theme.get("language") or project.default.code)
        if not self.building:
            target = self.staging.target if self.staging else config.site_dir
            self.site_lock = files.lock_site(project.cache_dir, target, log.info)
            self.index_entries = {}
            self._find_usage()
        self.building.append(language)
        self.rendered[language.code] = []
        self.kept.start(language.code)
        config.extra["nnguide_page"] = {
            "root": language.root,
            "terms": "search/terms.json" if language.segmenter else None,
        }
        folder = mkdocs_jupyter_eviction.cache_dir(
            project.cache_dir, language.code, self.dirty, self.seeded
        )
        if mkdocs_jupyter_eviction.use(config, folder):  # its entries checked before it reads one
            files.verify_folder(folder, "*.json", JUPYTER_ENTRY)
        if language.default:  # the first build brings every language's examples up to date
            self._execute()

    def _store_notebook(self, path: Path, data: bytes) -> None:
        """An executed notebook into ``docs/``: on ``mkdocs serve``, without a rebuild."""
        with serve_watch.paused(self.server, self.site.docs_dir):
            files.write_atomic(path, data)

    def _find_usage(self) -> None:
        project = self.site
        api = project.docs_dir / project.default.code / self.config.api_folder
        self.resolver = linkcode.Resolver.for_docs(api)
        self.code_links = {}
        try:
            self.usage = usage.find(
                project, self.resolver, self.usage_memo, project.cache_dir / "usage"
            )
        except lessons.LessonError as error:
            raise PluginError(str(error)) from None

    def _execute(self) -> None:
        if not executes():
            try:
                errors, warnings = execute.check_notebooks(self.site)
            except lessons.LessonError as error:
                raise PluginError(str(error)) from None
            for line in warnings:
                log.warning(line)
            if errors:
                raise PluginError("\n".join([*errors, "(run without NNGUIDE_EXECUTE=0)"]))
            return
        try:
            results = execute.build(
                project=self.site,
                log=log.info,
                store=self._store_notebook,
                previews=self.command == "serve",
            )
        except lessons.LessonError as error:
            raise PluginError(str(error)) from None
        except KeyboardInterrupt:
            execute.exit_interrupted(log.error)  # kernels killed, finished results kept
        executed = [r.example.label for r in results if r.executed]
        self.executed = set(executed)
        log.info(
            "Examples: %d executed%s, %d up to date",
            len(executed),
            f" ({', '.join(executed)})" if executed else "",
            len(results) - len(executed),
        )

    @event_priority(-40)  # after mkdocstrings (50), before autorefs resolves references (-50)
    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        """Keep the cross-reference targets of the pages a dirty rebuild skips
        (:mod:`tools.anchors`)."""
        autorefs = config.plugins.get("autorefs")
        if self.dirty and autorefs is not None:  # a later dirty rebuild needs them
            known = self.anchors.setdefault(self.language.code, {})
            pages = [file.page for file in files.documentation_pages() if file.page is not None]
            anchors.register_skipped(known, autorefs, pages)
            anchors.remember(known, autorefs, pages)
        return env

    def _template_cache(self, *parts: str) -> Path:
        folder = self.site.cache_dir.joinpath(*parts)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _cache_docstring_templates(self, config: Any) -> None:
        """Keep mkdocstrings' compiled templates on disk too, in a folder of their own.

        Its handler (``BaseHandler.env``) also compiles its templates again in every
        build and every language's build. Called before the pages are read (``on_env``
        comes after), so the handler is made here, as the first API page would.
        """
        docstrings = config.plugins.get("mkdocstrings")
        if not self.config.theme_cache or docstrings is None:
            return
        if not docstrings.config.get("enabled", True):
            return
        handler = docstrings.get_handler(docstrings.config["default_handler"])
        folder = self._template_cache("jinja", "mkdocstrings", handler.name)
        handler.env.bytecode_cache = BytecodeCache(str(folder))

    @event_priority(-110)  # after mkdocs-static-i18n (-100) rebuilt the file list
    def on_files(self, files: Files, *, config: Any) -> Files:
        assert self.downloads is not None
        self._cache_docstring_templates(config)
        try:
            config.extra["nnguide_page"]["worker"] = site_files.search_worker(files)
            files = site_files.add(files, config, self.site, self.downloads)
        except (FileNotFoundError, downloads.DownloadError) as error:
            raise PluginError(str(error)) from None
        for file in files.documentation_pages():
            source = site_files.tutorial_source(self.site, file.src_uri)
            if source is not None:
                # mkdocs-jupyter converts the code cells only, comments masked (its cache
                # holds after a Markdown or comment edit); the Markdown cells and the
                # comments come from the notebook itself.
                lang, name = source
                notebook = self.site.tutorials_dir(lang) / f"{name}.ipynb"
                code = self.site.cache_dir / "render" / "notebooks" / file.src_uri
                render.code_notebook(notebook, code)
                file.abs_src_path = str(code)
        return files

    def on_nav(self, nav: Any, *, config: Any, files: Files) -> Any:
        """A dirty rebuild renders again the pages whose Markdown this plugin adds to
        when what it adds changed (the Index, the build status, the API pages' lists of
        lessons), though their own files did not (:meth:`_derived_markdown`)."""
        if not self.dirty:
            return nav
        for file in files.documentation_pages():
            last = self.derived.get(file.src_uri)
            if last is None or file.page is None or file.is_modified():
                continue
            source = file.content_string
            markdown, _ = meta.get_data(source)  # as the page reads it: no front matter
            if self._derived_markdown(markdown, file.src_uri, file.page.url) != last:
                file.content_string = source  # MkDocs renders a file with content again
        return nav

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        derived = self._derived_markdown(markdown, page.file.src_uri, page.url)
        if derived != markdown:
            self.derived[page.file.src_uri] = derived
        return derived

    def _derived_markdown(self, markdown: str, src_uri: str, url: str) -> str:
        """The build-status page gets its table: every lesson of its language, from this build.

        The Index page gets its list of terms; an API page's ``:::`` blocks get the
        lessons that use their objects.
        """
        index = tutorial_page.status_language(self.site, src_uri, self.config.index_page)
        if index is not None:
            entries = self._index_entries(index)
            listing = index_terms.index_markdown(entries, index, self.config.index_page)
            return markdown.rstrip() + "\n\n" + listing
        code = tutorial_page.status_language(self.site, src_uri, self.config.status_page)
        if code is None:
            return self._add_lesson_lists(markdown, src_uri, url)
        table = tutorial_page.status_table(self.site, code, self.executed)
        return markdown.rstrip() + "\n\n" + table + "\n"

    def _index_entries(self, code: str) -> list[index_terms.Entry]:
        """A language's index entries, collected once per build (its scripts and pages
        do not change while it runs: an edit starts the next one)."""
        if code not in self.index_entries:
            try:
                cache = self.site.cache_dir / "index" / f"{code}.json"
                found = index_terms.collect(self.site, code, [self.config.index_page], cache)
            except (index_terms.IndexTermError, lessons.LessonError) as error:
                raise PluginError(str(error)) from None
            self.index_entries[code] = found
        return self.index_entries[code]

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        """A tutorial page: its Markdown cells rendered as a page's, its code cells in place.

        mkdocs-jupyter's ``on_pre_page`` replaces this page's ``render`` with its notebook
        converter, whose HTML (``html``) gives the code cells; MkDocs' own ``Page.render``
        then renders the lesson's Markdown, so the page's links are checked and its
        ``toc`` made as for any page.
        """
        source = site_files.tutorial_source(self.site, page.file.src_uri)
        if source is None:
            return html
        lang, name = source
        assert self.render_cache is not None
        notebook_path = self.site.tutorials_dir(lang) / f"{name}.ipynb"
        notebook_text = notebook_path.read_text(encoding="utf-8")
        # The code cells with their comments: mkdocs-jupyter converted them masked.
        code_text = json.dumps(render.code_only(json.loads(notebook_text)), ensure_ascii=False)
        labels = self.site.language(lang).labels
        try:
            cells = self.render_cache.render(html, code_text, self.resolver, labels.figure)
            # The Markdown cells, as one document, with the pages' Markdown configuration
            # (MkDocs' own rendering of a page: links checked, page.toc made).
            notebook = json.loads(notebook_text)["cells"]
            document, tokens = render.markdown_document(notebook)
            marks, tips = self._tooltips(self.site.language(lang), document)
            page.markdown = document + marks
            Page.render(page, config, files)
            page.content = tooltips.first_per_section(page.content, tips)
            solutions = render.solution_cells(notebook)
            title, body = render.assemble(page.content, tokens, cells, solutions, labels.solution)
        except render.RenderError as error:
            raise PluginError(f"{page.file.src_uri}: {error}") from None
        counts = tutorial_page.code_link_counts(body)
        self.code_links.setdefault(lang, {})[name] = counts
        tutorial_page.write_figures(Path(page.file.abs_dest_path).parent, cells.figures)
        # The navigation, the browser tab, the previous/next links and the page's
        # heading show its number.
        page.title = tutorial_page.numbered_title(name, page.title or name)
        title = tutorial_page.numbered_heading(name, title)
        page.edit_url = tutorial_page.edit_url(
            self.site, page.edit_url, page.file.src_uri, lang, name
        )
        colab = tutorial_page.colab(
            config.repo_url or "", self.site.notebooks_branch, page.file.dest_uri, name
        )
        record = tutorial_page.execution_record(notebook_text)
        return (
            title
            + tutorial_page.header(labels, name, colab)
            + body
            + tutorial_page.footer(labels, record)
        )

    def _tooltips(self, language: site_config.Language, markdown: str) -> tuple[str, set[str]]:
        """The glossary's abbreviations for the terms of a lesson, and their tooltips."""
        glossary = self.site.docs_dir / language.code / self.config.glossary
        if not glossary.is_file():
            return "", set()
        try:
            terms = tooltips.definitions(glossary, with_counterpart=not language.default)
        except ValueError as error:
            raise PluginError(str(error)) from None
        lines = tooltips.abbreviations(markdown, terms, attached=language.segmenter is not None)
        return ("\n" + lines + "\n" if lines else ""), set(terms.values())

    def _add_lesson_lists(self, markdown: str, src_uri: str, url: str) -> str:
        language = usage.api_language(self.site, src_uri, self.config.api_folder)
        if language is None:
            return markdown
        urls = usage.tutorial_urls(self.site, language, url)
        used_by = self.usage.get(language.code, {})
        try:
            return usage.add_lesson_lists(
                markdown, used_by, urls, language.labels.used_in, locale=language.code
            )
        except ValueError as error:
            raise PluginError(f"{src_uri}: {error}") from None

    @event_priority(1)  # just before the search plugin (0) parses the page
    def _skip_known_sections(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        """A page whose search entries the last build made already is not parsed again.

        (:mod:`tools.search_sections`; only Material's search plugin can skip a page.)
        """
        found = search.plugin(config)
        material = found if found is config.plugins.get("material/search") else None
        self.kept.before_search(self.language.code, page, material)
        return context

    @event_priority(-1)  # just after the search plugin
    def _record_page(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        self.kept.after_search(page)
        self.rendered.setdefault(self.language.code, []).append(page.url)
        return context

    on_page_context = CombinedEvent(_skip_known_sections, _record_page)

    def on_post_template(self, output_content: str, *, template_name: str, config: Any) -> str:
        """Keep the default language's ``404.html`` at the site root.

        mkdocs-static-i18n renders the theme's static templates once per language into
        the same site directory, so the last language built would own the root
        ``404.html``. The default language's page is kept.
        """
        if template_name != "404.html" or self.project is None:
            return output_content
        if self.language.default:
            self.default_404 = output_content
            return output_content
        return self.default_404 or output_content

    def on_build_error(self, *, error: Exception) -> None:
        self.building.clear()
        self._unlock()
        if self.staging is not None:
            self.staging.discard()
            self.staging = None

    def on_shutdown(self) -> None:
        execute.discard_spares()
        if self.staging is not None:  # interrupted (Ctrl-C): the old site stays as it was
            self.staging.discard()
            self.staging = None
        stop_signals.restore(self.signal_handlers)
        self.signal_handlers = {}

    @event_priority(-50)  # after the search plugin (0) wrote this language's index
    def _take_sections(self, *, config: Any) -> None:
        """The search entries of the pages this language's build rendered, from its index.

        The search plugin has just written ``search/search_index.json`` for this
        language's build; mkdocs-static-i18n (-100) then builds the other languages,
        and at the end rewrites it with every language's entries. Once read, the search
        plugin's entries are emptied (:mod:`tools.search_entries_growth`).
        """
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None and jupyter.config.get("cache"):  # after it evicted entries
            files.record_folder(Path(jupyter.config["cache_dir"]), "*.json")
        if search.plugin(config) is None:
            return
        code = self.language.code
        index = Path(config.site_dir) / "search" / "search_index.json"
        found = search.page_sections(index, self.rendered.get(code, []))
        found = self.kept.take(code, found, replace=not self.dirty)
        search_entries_growth.forget(search.plugin(config))
        if not self.dirty:
            self.sections[code] = {}
        self.sections.setdefault(code, {}).update(found)

    @event_priority(-110)  # after mkdocs-static-i18n (-100) built the other languages
    def _write_site_files(self, *, config: Any) -> None:
        self.building.pop()
        if self.building:
            return  # a nested language build: the outermost build writes every index
        try:
            if self.resolver is not None:
                lines = usage.report(
                    self.site,
                    self.resolver,
                    self.usage,
                    self.code_links,
                    self.site.cache_dir / "usage",
                )
                for line in lines:
                    log.info(line)
            self._write_indexes(config)
            self._start_spare_kernels()
            if self.staging is not None:
                staging, self.staging = self.staging, None
                if staging.finish():
                    log.info("Site written to %s", staging.target)
        finally:
            self._unlock()

    on_post_build = CombinedEvent(_take_sections, _write_site_files)

    def _start_spare_kernels(self) -> None:
        """``mkdocs serve``: a kernel per language waits for the next code edit of a lesson.

        The edit's rebuild then runs the lesson's scripts at once
        (:func:`tools.execute.start_spares`).
        """
        if not self.config.spare_kernels or self.command != "serve":
            return
        if executes():
            execute.start_spares(self.site, len(self.site.languages))

    def _write_indexes(self, config: Any) -> None:
        search_plugin = search.plugin(config)
        if search_plugin is None:
            return
        assert self.segmenter is not None
        written = search.write_indexes(
            Path(config.site_dir),
            config.site_url or "",
            self.site,
            self.sections,
            search_plugin.config,
            self.segmenter,
            {
                language.code: index_terms.by_location(self._index_entries(language.code))
                for language in self.site.languages
            },
            self.index_memo,
        )
        for code, count in written:
            parsed, kept = self.kept.counts.get(code, (0, 0))
            log.info(
                "Search index for '%s': %d sections (%d pages parsed, %d kept from the last build)",
                code,
                count,
                parsed,
                kept,
            )

    def _unlock(self) -> None:
        if self.site_lock is not None:
            self.site_lock.release()
            self.site_lock = None

    def on_serve(self, server: Any, *, config: Any, builder: Any) -> Any:
        for folder in (self.site.examples_dir, self.site.package_dir):
            server.watch(str(folder))
        self.server = server
        self.warm_up()
        return server

    def warm_up(self) -> threading.Thread:
        """Load, in the background, what the first rebuilds after an edit would load.

        An edited lesson's rebuild reads every lesson for the API pages' lists
        (:func:`tools.usage.preload`: the scripts parsed, each one's answer kept); a new
        line of code links its names (:func:`tools.linkcode.preload`: torch);
        a finished script's modules are mapped to distributions
        (:func:`tools.execute.preload`); a changed Korean text is segmented
        (:meth:`tools.search.Segmenter.load`: Kiwi).
        ``mkdocs serve`` calls it after its first build, while it waits for an edit.
        """
        if self.warming is not None:
            return self.warming
        project, resolver = self.site, self.resolver
        steps: list[tuple[str, Callable[[], None]]] = []
        if resolver is not None:
            cache = project.cache_dir / "usage"
            steps.append(
                ("lessons", lambda: usage.preload(project, resolver, self.usage_memo, cache))
            )
        steps += [
            ("torch, nnguide", linkcode.preload),
            ("distributions", lambda: execute.preload(project)),
        ]
        if self.segmenter is not None and any(lang.segmenter for lang in project.languages):
            steps.append(("Kiwi", self.segmenter.load))

        def run() -> None:
            started = time.perf_counter()
            for name, step in steps:
                try:
                    step()
                except Exception as error:  # the rebuild that needs it reports it
                    log.debug("Warm-up of %s failed: %s", name, error)
            loaded = ", ".join(name for name, _ in steps)
            log.info("Ready for edits: %s loaded in %.1f s", loaded, time.perf_counter() - started)

        self.warming = threading.Thread(target=run, name="nnguide-warm-up", daemon=True)
        self.warming.start()
        return self.warming
