"""Lessons in the site's Markdown: a lesson's Markdown cells render as a page's would."""

from __future__ import annotations

import json
import os
import re
import subprocess

import markdown
import pytest
from lxml import html as lxml_html

from tests.conftest import run_mkdocs_build
from tests.tools import lesson_fixture
from tools import config, render

PROJECT = config.load()


def jupyter_html(notebook: dict, tmp_path) -> str:
    """mkdocs-jupyter's HTML of ``notebook`` with the site's options (no kernel)."""
    from mkdocs_jupyter import convert

    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return str(convert.nb2html(str(path), execute=False, no_prompt=True))


def site_markdown() -> markdown.Markdown:
    from mkdocs.config import load_config

    site = load_config(str(PROJECT.root / config.CONFIG_FILE))
    return markdown.Markdown(
        extensions=site["markdown_extensions"], extension_configs=site["mdx_configs"]
    )


def test_the_lesson_is_one_document_with_a_token_per_code_cell():
    cells = lesson_fixture.notebook()["cells"]
    cells.insert(1, {"cell_type": "raw", "source": "raw text"})
    cells.append({"cell_type": "code", "source": "   \n"})
    text, tokens = render.markdown_document(cells)
    code = [
        i for i, cell in enumerate(cells) if cell["cell_type"] == "code" and cell["source"].strip()
    ]
    assert list(tokens) == code
    assert len(set(tokens.values())) == len(code)
    blocks = text.split("\n\n")
    assert all(f"\n\n{token}\n" in text for token in tokens.values())
    assert "raw text" not in text and blocks[0].startswith("# Fixture lesson { #fixture }")
    edited = [dict(cell) for cell in cells]
    edited[0]["source"] = "# Other"
    assert render.markdown_document(edited)[1] != tokens, "tokens follow the Markdown"


def test_code_cells_take_their_places_in_the_rendered_markdown(tmp_path):
    notebook = lesson_fixture.notebook()
    cells = render.code_cells(jupyter_html(notebook, tmp_path), notebook)
    code = [i for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "code"]
    assert sorted(cells.html) == code
    text, tokens = render.markdown_document(notebook["cells"])
    title, body = render.assemble(site_markdown().convert(text), tokens, cells)
    link = '<a class="headerlink" href="#fixture" title="Permanent link">&para;</a>'
    assert title == f'<h1 id="fixture">Fixture lesson{link}</h1>'
    page = lxml_html.fragment_fromstring(body, create_parent="div")
    blocks = page.xpath("div[@class='nb-cell']")
    assert [b.xpath("string(.//code)").strip() for b in blocks] == lesson_fixture.CODE
    assert [b.xpath("string(div[@class='nb-output'])") for b in blocks] == ["0\n", "1\n", "2\n"]
    assert [b.getprevious().tag for b in blocks] == ["p", "div", "p"], "each after its Markdown"


def test_a_markdown_cell_that_swallows_a_code_cell_stops_the_build(tmp_path):
    notebook = lesson_fixture.notebook(["# T", "<div>\nunclosed", "End."])
    cells = render.code_cells(jupyter_html(notebook, tmp_path), notebook)
    text, tokens = render.markdown_document(notebook["cells"])
    with pytest.raises(render.RenderError, match=r"code cell 3 lost its place in the page"):
        render.assemble(site_markdown().convert(text), tokens, cells)
    with pytest.raises(render.RenderError, match=r"code cell 1 has no HTML"):
        render.assemble("<p>" + tokens[1] + "</p>", tokens, render.Cells({}))


def test_a_code_cell_whose_html_differs_from_its_source_stops_the_build(tmp_path):
    notebook = lesson_fixture.notebook()
    content = jupyter_html(notebook, tmp_path)
    notebook["cells"][1]["source"] = "x = 2\nprint(x)"
    with pytest.raises(render.RenderError, match=r"code cell 1: the rendered code differs"):
        render.code_cells(content, notebook)
    notebook["cells"].append({"cell_type": "code", "source": "z = 3", "outputs": []})
    with pytest.raises(render.RenderError, match=r"cells \[7\] of the notebook are not in"):
        render.code_cells(content, notebook)


def test_the_render_cache_returns_the_cells_it_stored(tmp_path, monkeypatch):
    notebook = lesson_fixture.notebook()
    content = jupyter_html(notebook, tmp_path)
    made = render.RenderCache(tmp_path / "cache").render(content, json.dumps(notebook))
    assert sorted(made.html) == [1, 3, 5]
    monkeypatch.setattr(render, "code_cells", lambda *args: pytest.fail("made again"))
    assert render.RenderCache(tmp_path / "cache").render(content, json.dumps(notebook)) == made


def article(path) -> str:
    """A built page's article without the code cells and what the build adds to a lesson
    (downloads, glossary tooltips, the lesson's number in its heading), whitespace between
    elements normalised."""
    root = lxml_html.parse(str(path)).xpath("//article")[0]
    added = [
        ".//div[@class='nb-cell']",
        ".//p[@class='nb-downloads']",
        ".//h1/span[@class='nb-lesson-number']",
    ]
    for element in root.xpath(" | ".join(added)):
        element.drop_tree()
    for element in root.xpath(".//abbr[@title != 'Multi-layer perceptron']"):
        element.drop_tag()
    text = lxml_html.tostring(root, encoding="unicode")
    return re.sub(r">\s+<", "><", text).strip()


def toc(path) -> list[tuple[str, str]]:
    root = lxml_html.parse(str(path))
    links = root.xpath("//nav[contains(@class, 'md-nav--secondary')]//a[@class='md-nav__link']")
    return [(a.get("href"), " ".join(a.text_content().split())) for a in links]


@pytest.mark.slow
def test_a_lesson_renders_its_markdown_as_a_page_does(tmp_path):
    """Admonition, details, abbreviation, footnote, tabs, math and ``{ #id }`` across cells."""
    project = lesson_fixture.make(tmp_path / "project")
    result = run_mkdocs_build(project, tmp_path / "site", {"NNGUIDE_EXECUTE": "0"})
    assert result.returncode == 0, result.stderr[-3000:]
    for code in ("en", "ko"):
        root = tmp_path / "site" / PROJECT.language(code).root / "tutorials"
        lesson, page = root / "00_fixture" / "index.html", root / "page" / "index.html"
        assert article(lesson) == article(page)
        assert toc(lesson) == toc(page)
        assert ("#setup", "준비") in toc(lesson), toc(lesson)
        text = lesson.read_text(encoding="utf-8")
        for made in (
            '<h1 id="fixture"><span class="nb-lesson-number" data-search-exclude>0. </span>',
            '<abbr title="Multi-layer perceptron">MLP</abbr>',
            '<div class="admonition note">',
            '<details class="details">',
            '<sup id="fnref:small">',
            '<div class="tabbed-set tabbed-alternate"',
            '<span class="arithmatex">\\(x_1 + y\\)</span>',
            '<h2 id="setup">준비',
        ):
            assert made in text, made
        assert text.count('<div class="nb-cell">') == 3
        tooltip = {"en": ">learning rate</abbr>", "ko": ">학습률을</abbr>"}[code]
        assert tooltip in text and tooltip not in page.read_text(encoding="utf-8")


BROKEN_LINKS = [
    ("[nothing](missing.md)", "contains a link 'missing.md'"),
    ("[lesson 9](../09_missing/)", "contains an unrecognized relative link '../09_missing/'"),
    ("[lesson 9](09_missing.ipynb)", "contains a link '09_missing.ipynb', but the target"),
    ("[setup](#no-such-heading)", "contains a link '#no-such-heading', but there is no"),
    ("[glossary](../glossary.md#nowhere)", "contains a link '../glossary.md#nowhere', but"),
]
# How MkDocs begins its warning about a link of the fixture lesson.
LINK_WARNING = r"WARNING +- +Doc file 'en/tutorials/00_fixture\.ipynb' "


@pytest.fixture(scope="module")
def broken_links_build(tmp_path_factory) -> subprocess.CompletedProcess:
    """The strict build of a lesson whose last cell holds every link of BROKEN_LINKS.

    MkDocs checks each link on its own and reports every one before a strict build
    fails, so one build shows what each link does.
    """
    folder = tmp_path_factory.mktemp("broken-links")
    links = "\n\n".join(f"See {link}." for link, _ in BROKEN_LINKS)
    cells = [*lesson_fixture.MARKDOWN_CELLS[:3], links]
    project = lesson_fixture.make(folder / "project", cells)
    for code in ("en", "ko"):
        (project / "docs" / code / "tutorials" / "page.md").unlink()
    return run_mkdocs_build(project, folder / "site", {"NNGUIDE_EXECUTE": "0"})


@pytest.mark.slow
@pytest.mark.parametrize(("link", "message"), BROKEN_LINKS)
def test_a_lesson_link_to_no_page_or_heading_fails_the_strict_build(
    broken_links_build, link, message
):
    """A link written as a source file (as in a page), as a site URL, which MkDocs once
    left unchecked, or to a heading: each must reach what it names."""
    assert broken_links_build.returncode != 0
    assert re.search(LINK_WARNING + re.escape(message), broken_links_build.stderr), (
        broken_links_build.stderr[-3000:]
    )


@pytest.mark.slow
def test_every_broken_link_of_the_build_is_one_of_them(broken_links_build):
    """The build's warnings about the lesson's links are those of BROKEN_LINKS, no more."""
    found = re.findall(LINK_WARNING + "contains", broken_links_build.stderr)
    assert len(found) == len(BROKEN_LINKS), broken_links_build.stderr[-3000:]


def test_mkdocs_jupyter_converts_the_code_cells_only_so_a_markdown_edit_keeps_its_file(
    tmp_path,
):
    source, target = tmp_path / "lesson.ipynb", tmp_path / "code" / "lesson.ipynb"
    notebook = lesson_fixture.notebook()
    notebook["metadata"]["nnguide"] = {"executed_at": "2026-01-01T00:00:00+00:00"}
    source.write_text(json.dumps(notebook), encoding="utf-8")
    assert render.code_notebook(source, target)
    code = json.loads(target.read_text(encoding="utf-8"))
    assert [c["cell_type"] for c in code["cells"]] == [c["cell_type"] for c in notebook["cells"]]
    assert [c["source"] for c in code["cells"] if c["cell_type"] == "markdown"] == [""] * 4
    assert [c["source"] for c in code["cells"] if c["cell_type"] == "code"] == lesson_fixture.CODE
    assert code["metadata"] == {"kernelspec": notebook["metadata"]["kernelspec"]}
    assert target.stat().st_mtime_ns == source.stat().st_mtime_ns, "for dirty rebuilds"
    before = target.read_bytes()
    assert not render.code_notebook(source, target), "unchanged source: not read again"

    edited = lesson_fixture.notebook([*lesson_fixture.MARKDOWN_CELLS[:3], "New *prose*."])
    edited["metadata"]["nnguide"] = {"executed_at": "2026-02-02T00:00:00+00:00"}
    source.write_text(json.dumps(edited), encoding="utf-8")
    os.utime(source, ns=(0, source.stat().st_mtime_ns + 10**9))
    assert not render.code_notebook(source, target)
    assert target.read_bytes() == before
    assert target.stat().st_mtime_ns == source.stat().st_mtime_ns

    edited["cells"][1]["source"] = "x = 1  # a comment\nprint(x)"
    source.write_text(json.dumps(edited), encoding="utf-8")
    os.utime(source, ns=(0, source.stat().st_mtime_ns + 2 * 10**9))
    assert render.code_notebook(source, target), "a new comment is a new line of code"
    with_comment = target.read_bytes()
    assert with_comment != before

    edited["cells"][1]["source"] = "x = 1  # the comment, reworded\nprint(x)"
    source.write_text(json.dumps(edited), encoding="utf-8")
    os.utime(source, ns=(0, source.stat().st_mtime_ns + 3 * 10**9))
    assert not render.code_notebook(source, target), "a comment's text is not converted"
    assert target.read_bytes() == with_comment

    edited["cells"][1]["source"] = "x = 3  # the comment, reworded\nprint(x)"
    source.write_text(json.dumps(edited), encoding="utf-8")
    os.utime(source, ns=(0, source.stat().st_mtime_ns + 4 * 10**9))
    assert render.code_notebook(source, target), "a code edit is converted"


COMMENTED = [
    "# Make the input.\nx = 1  # one\nprint(x)",
    "s = '# a string, not a comment'  # but this is\n#: and this",
    "%time y = 2  # after an IPython magic",
]


def test_the_code_shows_the_comments_that_mkdocs_jupyter_converted_masked(tmp_path):
    notebook = lesson_fixture.notebook()
    for cell, code in zip(
        [c for c in notebook["cells"] if c["cell_type"] == "code"], COMMENTED, strict=True
    ):
        cell["source"] = code
    masked = render.code_only(notebook, masked=True)
    assert [c["source"] for c in masked["cells"] if c["cell_type"] == "code"] == [
        "#\nx = 1  #\nprint(x)",
        "s = '# a string, not a comment'  #\n#",
        "%time y = 2  #",
    ]
    cells = render.code_cells(jupyter_html(masked, tmp_path), render.code_only(notebook))
    page = lxml_html.fragment_fromstring("".join(cells.html.values()), create_parent="div")
    assert [block.xpath("string(.//code)").strip() for block in page.xpath("div")] == COMMENTED
    spans = page.xpath("//code//span[@class='c1']/text()")
    assert spans == [
        "# Make the input.",
        "# one",
        "# but this is",
        "#: and this",
        "# after an IPython magic",
    ]

    notebook["cells"][1]["source"] = "x = 1\nprint(x)  # one comment fewer than converted"
    with pytest.raises(render.RenderError, match=r"code cell 1: the rendered code differs"):
        render.code_cells(jupyter_html(masked, tmp_path), notebook)


PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
    "RU5ErkJggg=="
)


def test_an_exercise_s_solution_cell_is_folded_under_the_page_language_s_label(tmp_path):
    import jupytext

    script = (
        "# %% [markdown]\n# # T\n# Exercise: add one.\n\n"
        "# %%\nx = 1\n\n"
        '# %% tags=["solution"]\nprint(x + 1)\n'
    )
    notebook = json.loads(jupytext.writes(jupytext.reads(script, fmt="py:percent"), "ipynb"))
    for index, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{index}"
    assert render.solution_cells(notebook["cells"]) == {2}
    cells = render.code_cells(jupyter_html(notebook, tmp_path), notebook)
    text, tokens = render.markdown_document(notebook["cells"])
    ko = PROJECT.language("ko").labels.solution
    _, body = render.assemble(site_markdown().convert(text), tokens, cells, {2}, ko)
    page = lxml_html.fragment_fromstring(body, create_parent="div")
    folded = page.xpath("details[@class='question']")
    assert len(folded) == 1 and folded[0].xpath("string(summary)") == ko == "풀이"
    assert folded[0].xpath("string(.//code)").strip() == "print(x + 1)"
    assert page.xpath("string(div[@class='nb-cell']//code)").strip() == "x = 1", "not folded"
    assert PROJECT.language("en").labels.solution == "Solution"


def test_each_figure_has_a_numbered_caption_in_the_page_language(tmp_path):
    notebook = lesson_fixture.notebook()
    figure = {"image/png": PNG, "text/plain": "Loss per epoch; Accuracy"}
    untitled = {"image/png": PNG, "text/plain": "<Figure size 640x480 with 1 Axes>"}
    notebook["cells"][3]["outputs"] = [
        {"output_type": "display_data", "data": figure, "metadata": {}},
        {"output_type": "display_data", "data": untitled, "metadata": {}},
    ]
    label = PROJECT.language("ko").labels.figure
    cells = render.code_cells(jupyter_html(notebook, tmp_path), notebook, None, label)
    page = lxml_html.fragment_fromstring(cells.html[3], create_parent="div")
    figures = page.xpath(".//figure")
    captions = ["그림 1: Loss per epoch; Accuracy", "그림 2"]
    assert [f.xpath("string(figcaption)") for f in figures] == captions
    assert [f.xpath("img")[0].get("alt") for f in figures] == captions
    assert all(f.xpath("img")[0].get("src") in cells.figures for f in figures)


def test_a_comment_edit_takes_the_cached_cells_with_the_new_comments(tmp_path, monkeypatch):
    """Cells are kept with masked comments; the notebook's own comments go back in."""
    notebook = lesson_fixture.notebook()
    notebook["cells"][1]["source"] = "x = 1  # one < two & 'three'\n# 둘\nprint(x)"
    notebook["cells"][3]["source"] = "y = '# not a comment'  # a comment"
    masked = render.code_only(notebook, masked=True)
    content = jupyter_html(masked, tmp_path)  # what mkdocs-jupyter converts
    expected = render.code_cells(jupyter_html(notebook, tmp_path), notebook)
    cache = render.RenderCache(tmp_path / "cache")
    assert cache.render(content, json.dumps(render.code_only(notebook))) == expected

    made = []
    code_cells = render.code_cells
    monkeypatch.setattr(render, "code_cells", lambda *a, **k: made.append(1) or code_cells(*a))
    notebook["cells"][1]["source"] = notebook["cells"][1]["source"].replace("one", "uno")
    again = cache.render(content, json.dumps(render.code_only(notebook)))
    assert made == [], "a comment edit transforms nothing again"
    assert again.html[1] == expected.html[1].replace("one", "uno")
    assert "# one" not in again.html[1] and "# uno &lt; two &amp; 'three'" in again.html[1]
    assert again.html[3] == expected.html[3]
