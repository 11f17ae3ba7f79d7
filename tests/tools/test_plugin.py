"""The ``nnguide`` MkDocs plugin and the step functions its event handlers call.

No site is built and no kernel starts here; ``tests/site`` checks the built site.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import replace
from pathlib import Path

import filelock
import jinja2
import pytest
import yaml
from material.plugins.search import plugin as search_plugin
from mkdocs.config import load_config
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugins
from mkdocs.structure.files import Files, get_files

from tests.conftest import PROJECT, ROOT
from tools import config, files, plugin, search, site_files, tutorial_page, usage
from tools.config import Vendor

EN = PROJECT.language("en")
KO = PROJECT.language("ko")


def test_mkdocs_finds_the_plugin_by_its_entry_point():
    assert get_plugins()["nnguide"].load() is plugin.NnguidePlugin


def test_the_site_lists_the_plugin_last_with_its_typed_options():
    config = load_config(str(ROOT / "mkdocs.yml"))
    names = list(config.plugins)
    assert names[-1] == "nnguide", "last: for each event it runs after search and i18n"
    assert not config.hooks
    options = config.plugins["nnguide"].config
    assert (options.status_page, options.api_folder, options.theme_cache) == (
        "build-status.md",
        "api",
        True,
    )


def test_a_wrong_option_type_is_named():
    errors, _ = plugin.NnguidePlugin().load_config({"theme_cache": "yes"})
    assert errors and errors[0][0] == "theme_cache"
    assert isinstance(errors[0][1], ValidationError)
    assert "Expected type: <class 'bool'>" in str(errors[0][1])


@pytest.mark.parametrize(
    ("src_uri", "expected"),
    [
        (f"ko/{PROJECT.tutorials}/01_building_networks.ipynb", ("ko", "01_building_networks")),
        (f"en/{PROJECT.tutorials}/00_tensors.ipynb", ("en", "00_tensors")),
        (f"fr/{PROJECT.tutorials}/00_tensors.ipynb", None),
        (f"en/{PROJECT.tutorials}/00_tensors.py", None),
        (f"en/{PROJECT.tutorials}/more/00_tensors.ipynb", None),
        ("en/index.md", None),
    ],
)
def test_tutorial_source_accepts_only_a_language_s_tutorial_notebooks(src_uri, expected):
    assert site_files.tutorial_source(PROJECT, src_uri) == expected


def test_vendored_files_are_minified_code_and_fonts(tmp_path):
    for name in (
        "katex.min.js",
        "katex.js",
        "katex.min.css",
        "katex.css",
        "fonts/a.woff2",
        "README.md",
        "contrib/auto-render.min.js",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [path.relative_to(tmp_path).as_posix() for path in site_files.vendored(tmp_path)]
    assert found == ["contrib/auto-render.min.js", "fonts/a.woff2", "katex.min.css", "katex.min.js"]


def test_vendored_files_given_by_pattern_are_exactly_those(tmp_path):
    for name in ("400.css", "700.css", "files/x-1-400-normal.woff2", "files/x-1-700-normal.woff2"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = site_files.vendored(tmp_path, ("400.css", "files/*-400-normal.woff2"))
    assert [path.relative_to(tmp_path).as_posix() for path in found] == [
        "400.css",
        "files/x-1-400-normal.woff2",
    ]
    with pytest.raises(FileNotFoundError, match=r"files/\*-300-normal.woff2 matches no file"):
        site_files.vendored(tmp_path, ("files/*-300-normal.woff2",))


@pytest.mark.parametrize(
    "value",
    [
        {"from": "node_modules/x"},
        {"from": "node_modules/x", "files": []},
        {"from": "node_modules/x", "files": "400.css"},
        {"from": 3, "files": ["400.css"]},
        ["node_modules/x"],
    ],
)
def test_a_vendor_entry_is_a_folder_or_a_folder_with_patterns(value, tmp_path):
    with pytest.raises(config.ConfigError, match=r"extra.nnguide.vendor.assets/x"):
        config._vendor(tmp_path, "assets/x", value)
    assert config._vendor(tmp_path, "assets/x", "node_modules/x") == Vendor(
        tmp_path / "node_modules/x"
    )


def test_a_missing_vendor_folder_names_the_folder_and_npm(tmp_path):
    project = replace(PROJECT, vendor={"assets/katex": Vendor(tmp_path / "node_modules" / "katex")})
    with pytest.raises(FileNotFoundError, match=r"katex is missing: run `npm ci`.*assets/katex/"):
        site_files.vendor_files(project, config=None)


def test_the_downloads_line_links_script_notebook_and_colab():
    html = tutorial_page.header(EN.labels, "01_x", "https://colab.example/x.ipynb")
    assert html == (
        '<p class="nb-downloads">Download: <a href="01_x.py" download>Python script (.py)</a>'
        ' · <a href="01_x.ipynb" download>Executed notebook (.ipynb)</a>'
        ' · <a href="../nnguide-tutorials.zip" download>All lessons (.zip)</a>'
        ' · <a href="https://colab.example/x.ipynb" class="nb-colab">Open in Colab</a></p>'
    )
    assert "nb-colab" not in tutorial_page.header(EN.labels, "01_x", None)


def test_a_lesson_title_carries_the_number_of_its_file_name():
    assert tutorial_page.numbered_title("08_first_cnn", "첫 합성곱 신경망") == "8. 첫 합성곱 신경망"
    assert tutorial_page.numbered_title("10_attention", "Attention") == "10. Attention"
    with pytest.raises(ValueError, match=r"name: .*number, got 'tensors'"):
        tutorial_page.numbered_title("tensors", "Tensors")


def test_a_lesson_heading_carries_its_number_outside_its_anchor_and_the_search():
    heading = '<h1 id="첫-합성곱">첫 합성곱<a class="headerlink" href="#첫-합성곱">¶</a></h1>'
    numbered = tutorial_page.numbered_heading("08_first_cnn", heading)
    assert numbered == (
        '<h1 id="첫-합성곱"><span class="nb-lesson-number" data-search-exclude>8. </span>'
        '첫 합성곱<a class="headerlink" href="#첫-합성곱">¶</a></h1>'
    )
    # Material's search reads the heading's title without the number.
    parser = search_plugin.Parser()
    parser.feed(numbered + "<p>text</p>")
    parser.close()
    assert ["".join(section.title).strip() for section in parser.data] == ["첫 합성곱"]
    assert tutorial_page.numbered_heading("08_first_cnn", "") == ""
    with pytest.raises(ValueError, match=r"heading: a lesson's <h1> element, got '<h2>"):
        tutorial_page.numbered_heading("08_first_cnn", "<h2>x</h2>")
    with pytest.raises(ValueError, match=r"name: .*number, got 'cnn'"):
        tutorial_page.numbered_heading("cnn", heading)


def test_colab_opens_the_page_s_notebook_only_for_a_github_repository():
    url = tutorial_page.colab(
        "https://github.com/o/r", "notebooks", "ko/tutorials/01_x/index.html", "01_x"
    )
    assert url == (
        "https://colab.research.google.com/github/o/r/blob/notebooks/ko/tutorials/01_x/01_x.ipynb"
    )
    assert tutorial_page.colab("https://gitlab.com/o/r", "nb", "t/01_x/index.html", "01_x") is None


RECORD = {
    "run_seconds": 12.345,
    "executed_at": "2026-03-04T05:06:07+00:00",
    "python": "3.11.7",
    "torch": "2.13.0",
    "device": "CUDA (<H200>)",
    "peak_memory": 512 * 2**20,
    "device_peak_memory": 3 * 2**30,
}


def test_the_footer_gives_run_time_and_where_it_ran_in_the_page_s_language():
    html = tutorial_page.footer(KO.labels, RECORD)
    assert '<p class="nb-runtime">스크립트 전체 실행 시간: 12.35초</p>' in html
    assert "2026-03-04 05:06 UTC에 CUDA (&lt;H200&gt;)에서 Python 3.11.7" in html
    assert "최대 메모리 사용량은 512 MiB (GPU 3,072 MiB)입니다." in html
    assert tutorial_page.footer(KO.labels, {}) == ""
    assert tutorial_page.execution_record(json.dumps({"metadata": {"nnguide": RECORD}})) == RECORD


def test_a_tutorial_s_edit_link_points_at_its_script():
    base = "https://github.com/o/r/edit/main/docs/"
    url = tutorial_page.edit_url(
        PROJECT, base + "ko/tutorials/01_x.ipynb", "ko/tutorials/01_x.ipynb", "ko", "01_x"
    )
    assert url == "https://github.com/o/r/edit/main/examples/ko/01_x.py"
    other = "https://example.com/edit/ko/tutorials/01_x.ipynb"
    assert tutorial_page.edit_url(PROJECT, other, "ko/tutorials/01_x.ipynb", "ko", "01_x") == other
    assert tutorial_page.edit_url(PROJECT, "", "ko/tutorials/01_x.ipynb", "ko", "01_x") == ""


def test_the_status_table_lists_every_lesson_with_its_run(tmp_path):
    project = replace(PROJECT, root=tmp_path, docs_dir=tmp_path / "docs", examples_dir=tmp_path)
    (tmp_path / "en").mkdir()
    for name in ("00_a", "01_b", "02_c"):
        (tmp_path / "en" / f"{name}.py").write_text("# %%\n")
    notebooks = project.tutorials_dir("en")
    notebooks.mkdir(parents=True)
    title = {"cell_type": "markdown", "source": "# A | B { #a }"}
    (notebooks / "00_a.ipynb").write_text(
        json.dumps({"cells": [title], "metadata": {"nnguide": RECORD}})
    )
    (notebooks / "01_b.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    table = tutorial_page.status_table(project, "en", {"en/00_a.py"}).splitlines()
    assert table[0] == "| Lesson | Run time | Peak memory | Ran on | This build | Executed |"
    assert table[2] == (
        f"| [A &#124; B]({PROJECT.tutorials}/00_a.ipynb) | 12.35 s | 512 MiB (GPU 3,072 MiB) | "
        "CUDA (&lt;H200&gt;) · Python 3.11.7 · PyTorch 2.13.0 | executed | 2026-03-04 05:06 UTC |"
    )
    assert (
        table[3] == f"| [01_b]({PROJECT.tutorials}/01_b.ipynb) | 0.00 s |  |  | from the cache |  |"
    )
    assert table[4] == "| **Σ** | **12.35 s** | | | | |"
    assert len(table) == 5, "a lesson not executed yet has no row"
    # A notebook written again (as the execute step writes: a new file) is read again,
    # though its size and modification time are the same.
    (notebooks / "01_b.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}).ljust(99))
    assert "| 0.00 s |" in tutorial_page.status_table(project, "en", set()).splitlines()[3]
    stat = (notebooks / "01_b.ipynb").stat()
    again = json.dumps({"cells": [], "metadata": {"nnguide": {"run_seconds": 7}}})
    assert len(again) <= stat.st_size
    (notebooks / "01_b.tmp").write_text(again.ljust(stat.st_size))
    os.utime(notebooks / "01_b.tmp", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(notebooks / "01_b.tmp", notebooks / "01_b.ipynb")
    table = tutorial_page.status_table(project, "en", set()).splitlines()
    assert table[3].startswith(f"| [01_b]({PROJECT.tutorials}/01_b.ipynb) | 7.00 s |")
    assert table[4] == f"| **Σ** | **{RECORD['run_seconds'] + 7:.2f} s** | | | | |"


def test_the_status_page_is_found_per_language():
    assert tutorial_page.status_language(PROJECT, "ko/build-status.md", "build-status.md") == "ko"
    assert (
        tutorial_page.status_language(PROJECT, "ko/api/build-status.md", "build-status.md") is None
    )
    assert tutorial_page.status_language(PROJECT, "build-status.md", "build-status.md") is None


def test_an_api_block_gets_the_lessons_that_use_its_objects_as_its_options():
    used_by = {
        "nnguide.layers.Dense": [("01_x", 'Layers & "shapes"'), ("02_y", "Training")],
        "nnguide.layersx.Other": [("03_z", "Not this module")],
        "nnguide.models.MLP": [("02_y", "Training")],
    }
    markdown = "# Layers\n\n::: nnguide.layers\n\nText.\n"
    found = usage.add_lesson_lists(markdown, used_by, lambda name: f"../t/{name}/", "이 강의:")
    head, _, tail = found.partition("::: nnguide.layers\n")[2].partition("\n\nText.")
    assert found.startswith("# Layers\n\n::: nnguide.layers\n") and tail == "\n"
    assert yaml.safe_load(head) == {
        "options": {
            "extra": {
                "nnguide_used_in": {
                    "label": "이 강의:",
                    "lessons": {
                        "nnguide.layers.Dense": [
                            ['1. Layers & "shapes"', "../t/01_x/"],
                            ["2. Training", "../t/02_y/"],
                        ]
                    },
                }
            }
        }
    }
    assert usage.add_lesson_lists(markdown, {}, str, "x") == markdown
    with pytest.raises(ValueError, match=r"::: nnguide\.layers already has options"):
        usage.add_lesson_lists(
            "::: nnguide.layers\n    options:\n      heading_level: 3\n", used_by, str, "x"
        )


def test_every_api_block_gets_the_page_language_with_or_without_lessons():
    used_by = {"nnguide.layers.Dense": [("01_x", "Layers")]}
    markdown = "::: nnguide.layers\n\n::: nnguide.models\n"
    found = usage.add_lesson_lists(markdown, used_by, lambda name: name, "이 강의:", "ko")
    layers, models = (yaml.safe_load(part.partition("\n")[2]) for part in found.split("::: ")[1:])
    assert found.startswith("::: nnguide.layers\n    options:")
    assert layers["options"]["extra"] == {
        "nnguide_used_in": {
            "label": "이 강의:",
            "lessons": {"nnguide.layers.Dense": [["1. Layers", "01_x"]]},
        },
        "nnguide_locale": "ko",
    }
    assert models == {"options": {"extra": {"nnguide_locale": "ko"}}}
    with pytest.raises(ValueError, match=r"::: nnguide\.models already has options"):
        usage.add_lesson_lists("::: nnguide.models\n    options:\n      a: 1\n", {}, str, "x", "en")


def _python_templates() -> jinja2.Environment:
    """mkdocstrings-python's material templates under the project's (custom_templates)."""
    import mkdocstrings_handlers.python as handler

    shipped = Path(handler.__file__).parent / "templates" / "material"
    own = ROOT / "tools" / "templates" / "python" / "material"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([own, shipped]))
    env.tests["existing_template"] = lambda name: name in env.list_templates()
    return env


def _translate(env: jinja2.Environment, key: str, extra: dict | None, locale: str = "en") -> str:
    template = env.from_string(
        '{% import "language.html.jinja" as lang with context %}{{ lang.t(key) }}'
    )
    options = type("Options", (), {"extra": extra})()
    return template.render(key=key, config=options, locale=locale)


def test_api_strings_follow_the_block_language_over_the_build_locale():
    env = _python_templates()
    english = (Path(env.loader.searchpath[1]) / "_base" / "languages" / "en.html.jinja").read_text()
    keys = re.findall(r'^  "([^"]+)" ?:', english, flags=re.MULTILINE)
    assert {"Parameters:", "Name", "Type", "Description", "Default", "Returns:"} <= set(keys)
    korean = {key: _translate(env, key, {"nnguide_locale": "ko"}) for key in keys}
    untranslated = [key for key, text in korean.items() if not re.search("[가-힣]", text)]
    assert untranslated == []
    assert [korean[key] for key in ("Parameters:", "Name", "Type", "Description", "Default")] == [
        "매개변수:",
        "이름",
        "형식",
        "설명",
        "기본값",
    ]
    assert _translate(env, "Parameters:", {"nnguide_locale": "en"}, locale="ko") == "Parameters:"
    assert _translate(env, "Returns:", {}, locale="en") == "Returns:"
    assert _translate(env, "Returns:", None, locale="ko") == "반환값:"
    assert _translate(env, "Returns:", {"nnguide_locale": "ja"}) == "戻り値："
    assert _translate(env, "Returns:", {"nnguide_locale": "xx"}) == "Returns:"


def test_api_pages_and_their_lesson_links_are_per_language():
    assert usage.api_language(PROJECT, "ko/api/layers.md", "api") == KO
    assert usage.api_language(PROJECT, "ko/index.md", "api") is None
    url = usage.tutorial_urls(PROJECT, KO, "ko/api/layers/")
    assert url("01_x") == f"../../{PROJECT.tutorials}/01_x/"


def test_one_build_at_a_time_holds_a_site_folder(tmp_path):
    lock = files.lock_site(tmp_path / "cache", tmp_path / "site")
    assert lock.is_locked
    other = filelock.FileLock(lock.lock_file)
    with pytest.raises(filelock.Timeout):
        other.acquire(timeout=0.05)
    lock.release()
    other.acquire(timeout=0.05)
    other.release()


def test_each_language_gets_its_own_index_and_sitemap(tmp_path):
    en = {"": [{"location": "", "title": "Home", "text": "Welcome"}]}
    en["tutorials/01_x/"] = [
        {"location": "tutorials/01_x/", "title": "Layers", "text": "intro"},
        {"location": "tutorials/01_x/#dense", "title": "Dense", "text": "nn.Linear"},
    ]
    ko = {"ko/": [{"location": "ko/", "title": "홈", "text": "PyTorch"}]}
    options = {"separator": r"[\s\-]+", "pipeline": [], "fields": {"title": {"boost": 10}}}
    english_only = replace(PROJECT, languages=(EN, replace(KO, segmenter=None)))
    written = search.write_indexes(
        tmp_path,
        "https://x.org/guide/",
        english_only,
        {"en": en, "ko": ko},
        options,
        search.Segmenter(None),
    )
    assert written == [("en", 3), ("ko", 1)]
    index = json.loads((tmp_path / "search" / "search_index.json").read_text())
    assert [doc["location"] for doc in index["docs"]] == [
        "",
        "tutorials/01_x/",
        "tutorials/01_x/#dense",
    ]
    korean = json.loads((tmp_path / "ko" / "search" / "search_index.json").read_text())
    assert korean["config"]["lang"] == ["ko"] and korean["docs"][0]["location"] == ""
    sitemap = (tmp_path / "ko" / "sitemap.xml").read_text()
    assert "<loc>https://x.org/guide/ko/</loc>" in sitemap
    assert (
        "<loc>https://x.org/guide/tutorials/01_x/</loc>" in (tmp_path / "sitemap.xml").read_text()
    )


def test_the_search_worker_is_found_among_the_installed_theme_s_files():
    site = load_config(str(ROOT / "mkdocs.yml"))
    theme_files = get_files(site)
    theme_files.add_files_from_theme(site.theme.get_env(), site)
    name = site_files.search_worker(theme_files)
    assert name.startswith("search.") and name.endswith(".min.js")
    worker = theme_files.get_file_from_path(f"{site_files.WORKER_FOLDER}/{name}")
    assert worker is not None and Path(worker.abs_src_path).is_file()
    with pytest.raises(FileNotFoundError, match="search worker"):
        site_files.search_worker(Files([]))


def test_mkdocstrings_templates_are_compiled_once_across_builds(
    tmp_path, monkeypatch, caches_elsewhere
):
    """Each build's mkdocstrings handler reads the templates the first one compiled."""

    def handler_of_a_build():
        settings = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
        settings = settings.plugins.on_config(settings)
        settings.plugins["nnguide"]._cache_docstring_templates(settings)
        return settings.plugins["mkdocstrings"].get_handler("python")

    first = handler_of_a_build().env.get_template("module.html.jinja")
    folder = caches_elsewhere / "jinja" / "mkdocstrings" / "python"
    key = files.BytecodeCache(str(folder)).get_cache_key("module.html.jinja", first.filename)
    kept = f"__jinja2_{key}.sealed"
    assert [path.name for path in folder.glob("*.sealed")] == [kept], "the compiled template"
    assert not (caches_elsewhere / "jinja" / kept).exists(), "apart from the theme's"

    def compile_again(*args, **kwargs):
        raise AssertionError("a kept template was compiled again")

    env = handler_of_a_build().env
    monkeypatch.setattr(env, "compile", compile_again)
    again = env.get_template("module.html.jinja")
    assert again is not first
    assert again.filename == first.filename


def test_a_rebuild_writes_an_unchanged_index_again_without_making_it(tmp_path, monkeypatch):
    """``mkdocs serve`` keeps the indexes written: the same sections give the same bytes."""
    base = {"separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    config = search.search_config(base, "ko", segmented=True)
    entries = [{"location": "ko/x/#a", "title": "과적합", "text": "모델이 데이터를 외웁니다."}]
    glossary = PROJECT.docs_dir / "ko" / "glossary.md"
    segmenter = search.Segmenter(tmp_path / "cache", glossary)
    memo: search.IndexMemo = {}
    search.write_index(tmp_path, "ko/", config, entries, segmenter, {"x/#a": ["과적합"]}, memo)
    folder = tmp_path / "ko" / "search"
    written = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert sorted(written) == ["compounds.json", "search_index.json", "terms.json"]
    (folder / "search_index.json").write_text("{}")  # the search plugin's own index

    monkeypatch.setattr(search, "compounds", lambda *args: pytest.fail("made again"))
    segmenter.used.clear()
    count = search.write_index(
        tmp_path, "ko/", config, entries, segmenter, {"x/#a": ["과적합"]}, memo
    )
    assert count == 1 and {path.name: path.read_bytes() for path in folder.iterdir()} == written
    assert segmenter.used, "the segmenter's cache keeps the entries the index used"
    with pytest.raises(pytest.fail.Exception, match="made again"):
        search.write_index(tmp_path, "ko/", config, entries, segmenter, {"x/#a": ["외움"]}, memo)


def test_serve_loads_in_the_background_what_the_first_rebuilds_would(
    tmp_path, monkeypatch, caplog, caches_elsewhere
):
    """After its first build, ``mkdocs serve`` imports torch and loads Kiwi before any edit."""
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.nnguide")
    loaded = []
    monkeypatch.setattr(plugin.usage, "preload", lambda *args: loaded.append(args[2]))
    monkeypatch.setattr(plugin.linkcode, "preload", lambda: loaded.append("torch, nnguide"))
    monkeypatch.setattr(plugin.execute, "preload", lambda project: loaded.append(project.root))
    monkeypatch.setattr(search.Segmenter, "load", lambda self: loaded.append(self.glossary))
    settings = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    settings = settings.plugins.on_config(settings)
    nnguide = settings.plugins["nnguide"]
    nnguide._find_usage()  # as the first build does

    class Server:
        def __init__(self):
            self.watched = []

        def watch(self, path):
            self.watched.append(path)

    server = Server()
    assert nnguide.on_serve(server, config=settings, builder=None) is server
    nnguide.warming.join(60)
    glossary = PROJECT.docs_dir / "ko" / "glossary.md"
    assert loaded == [nnguide.usage_memo, "torch, nnguide", PROJECT.root, glossary]
    ready = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Ready")]
    assert ready and ready[0].startswith(
        "Ready for edits: lessons, torch, nnguide, distributions, Kiwi loaded in"
    )
    assert server.watched == [str(PROJECT.examples_dir), str(PROJECT.package_dir)]
    assert nnguide.warm_up() is nnguide.warming and len(loaded) == 4  # once per serve


@pytest.mark.parametrize("value", ["0", "1", None, "false", "no", "", "yes"])
def test_nnguide_execute_is_0_or_1_and_anything_else_is_refused_by_name(monkeypatch, value):
    """``false`` or ``no`` executed every lesson, as ``1`` does."""
    if value is None:
        monkeypatch.delenv("NNGUIDE_EXECUTE", raising=False)
    else:
        monkeypatch.setenv("NNGUIDE_EXECUTE", value)
    if value in ("0", "1", None):
        assert plugin.executes() is (value != "0")
        return
    with pytest.raises(PluginError) as error:
        plugin.executes()
    assert str(error.value) == (
        "NNGUIDE_EXECUTE must be 0 (render the notebooks already executed) or 1 "
        f"(execute the lessons), got {value!r}"
    )
