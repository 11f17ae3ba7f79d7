"""The theme's loader (``tools.theme_files``): the same theme files, without the hidden walk."""

from __future__ import annotations

import copy
from pathlib import Path

import jinja2
import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from tests.conftest import ROOT
from tools import theme_files


def theme_file_list(config) -> list[tuple[str, str]]:
    """What MkDocs copies from the theme: (path, the theme folder it comes from)."""
    found = Files([])
    found.add_files_from_theme(config.theme.get_env(), config)
    return sorted((file.src_uri, file.src_dir) for file in found)


def with_and_without(config) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    plain = theme_file_list(config)
    theme_files.install(config.theme)
    return plain, theme_file_list(config)


@pytest.fixture
def custom_theme(tmp_path: Path):
    """A site whose theme folder holds hidden folders and files at several depths."""
    theme = tmp_path / "overrides"
    for name in (
        "extra.css",
        "main.html",
        "assets/app.js",
        "assets/nested/deep/figure.svg",
        "assets/.hidden-file.js",
        "assets/nested/.cache/stale.js",
        ".icons/custom/logo.svg",
        ".github/workflow.yml",
        "readme.md",
        "partials/.keep",
    ):
        path = theme / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: T\ntheme: {name: material, custom_dir: overrides}\n"
    )
    return load_config(str(tmp_path / "mkdocs.yml"))


def test_the_theme_files_are_those_mkdocs_lists_without_the_loader(custom_theme):
    plain, listed = with_and_without(custom_theme)
    assert listed == plain
    ours = {path for path, folder in listed if folder.endswith("overrides")}
    assert ours == {"extra.css", "assets/app.js", "assets/nested/deep/figure.svg"}
    assert any(path.startswith("assets/javascripts/") for path, _ in listed), "Material's"


def test_the_project_s_theme_files_are_unchanged_by_the_loader():
    plain, listed = with_and_without(load_config(str(ROOT / "mkdocs.yml")))
    assert listed == plain and len(listed) > 40


def test_the_walk_leaves_out_material_s_icons_but_templates_still_load_them():
    config = load_config(str(ROOT / "mkdocs.yml"))
    plain_names = config.theme.get_env().list_templates()
    theme_files.install(config.theme)
    env = config.theme.get_env()
    assert isinstance(env.loader, theme_files.ThemeLoader)
    names = env.list_templates()
    icons = [name for name in plain_names if name.startswith(".icons/")]
    assert len(icons) > 10_000 and not any(name.startswith(".icons/") for name in names)
    assert set(names) == {name for name in plain_names if "/." not in f"/{name}"}
    svg = next(name for name in icons if name.endswith(".svg"))
    source, _, _ = env.loader.get_source(env, svg)
    assert source.lstrip().startswith("<svg")
    assert env.get_template("main.html") is not None


def test_each_language_s_theme_makes_its_own_environment(tmp_path):
    """mkdocs-static-i18n copies the theme for each language; installed again, a copy's
    environments come from the copy's own settings, and the first theme keeps its own."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    theme_files.install(config.theme)
    other = copy.deepcopy(config.theme)
    other.dirs = [str(tmp_path), *other.dirs]
    theme_files.install(other)
    assert other.get_env().loader.searchpath == other.dirs
    assert config.theme.get_env().loader.searchpath == config.theme.dirs != other.dirs


def test_every_environment_the_theme_makes_takes_its_compiled_templates_from_the_cache(
    tmp_path, monkeypatch
):
    """MkDocs' build and Material's search (its translations) each make an environment per
    build; with a bytecode cache installed, only the first compiles a template."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    theme_files.install(config.theme, jinja2.FileSystemBytecodeCache(str(tmp_path)))
    compiled: list[str | None] = []
    compile_source = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_source(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    first = config.theme.get_env()
    translations = first.get_template("partials/language.html", globals={"config": config})
    assert translations.module.t("search.config.lang") == "en"
    assert "partials/language.html" in compiled and list(tmp_path.iterdir())
    compiled.clear()
    second = config.theme.get_env()
    assert second is not first and second.bytecode_cache is first.bytecode_cache
    second.get_template("partials/language.html", globals={"config": config})
    second.get_template("main.html")
    assert "partials/language.html" not in compiled
    assert "main.html" in compiled  # not loaded before: compiled, then kept
    compiled.clear()
    config.theme.get_env().get_template("main.html")
    assert compiled == []
