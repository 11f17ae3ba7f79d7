"""Nothing of a lesson is lost on its way to the page.

For every tutorial page in every language: each non-comment line of code of the
script is in a code block of the page, and each heading of the script is a heading of
the page with its anchor (the title with the lesson's number, as the navigation shows
it). A change in mkdocs-jupyter's markup that made a block
vanish fails here (and in the render step itself) instead of publishing a page with
holes.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import html as lxml_html
from pymdownx.slugs import slugify

from tests.conftest import LANGUAGES, LESSONS, PROJECT, lesson

pytestmark = pytest.mark.slow

_slug = slugify(case="lower")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.MULTILINE)
_ANCHOR = re.compile(r"\s*\{\s*#([\w-]+)\s*\}$")
PAGES = [(lang, name) for name in LESSONS for lang in LANGUAGES]


def script_facts(lang: str, name: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Code lines (comments and blank lines left out) and (heading, anchor) of a script."""
    notebook = lesson(lang, name).notebook
    code, headings = [], []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    code.append(line)
        else:
            for match in _HEADING.finditer(cell.source):
                text = match.group(2)
                explicit = _ANCHOR.search(text)
                text = text.replace("`", "")  # inline code shows as text on the page
                explicit = _ANCHOR.search(text)
                if explicit:
                    text, anchor = text[: explicit.start()].strip(), explicit.group(1)
                else:
                    anchor = _slug(text, "-")
                if match.group(1) == "#":  # the lesson's title shows its number, not its anchor
                    text = f"{int(name.split('_')[0])}. {text}"
                headings.append((text, anchor))
    return code, headings


def page_facts(html: str) -> tuple[set[str], list[tuple[str, str]]]:
    tree = lxml_html.fromstring(html)
    (article,) = tree.xpath("//article")
    lines = set()
    for code in article.xpath(".//div[contains(@class, 'highlight')]//code"):
        lines.update(line.strip() for line in code.text_content().splitlines())
    headings = []
    for heading in article.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
        text = heading.text_content().replace("\u00b6", "").strip()
        headings.append((text, heading.get("id", "")))
    return lines, headings


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=[f"{lang}/{name}" for lang, name in PAGES])
def test_every_code_line_and_heading_of_the_script_is_on_its_page(built_site, lang, name):
    html = built_site.page(lang, f"tutorials/{name}").read_text(encoding="utf-8")
    code, headings = script_facts(lang, name)
    lines, page_headings = page_facts(html)
    assert len(code) > 20 and len(headings) > 3, "the script has code and sections"
    missing = [line for line in code if line not in lines]
    assert missing == [], f"{len(missing)} of {len(code)} code lines are not on the page"
    absent = [heading for heading in headings if heading not in page_headings]
    assert absent == [], f"headings missing or with another anchor: {absent}"


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=[f"{lang}/{name}" for lang, name in PAGES])
def test_a_lesson_s_heading_shows_its_number_as_its_navigation_entry_does(built_site, lang, name):
    tree = lxml_html.fromstring(built_site.page(lang, f"tutorials/{name}").read_text("utf-8"))
    (heading,) = tree.xpath("//article//h1")
    text = heading.text_content().replace("\u00b6", "").strip()
    (entry,) = tree.xpath(
        "//nav[contains(@class, 'md-nav--primary')]//a[contains(@class, 'md-nav__link--active')]"
    )
    assert text == entry.text_content().strip()
    assert text.startswith(f"{int(name.split('_')[0])}. ")
    assert tree.findtext(".//title").startswith(f"{text} - ")


def test_every_page_names_a_search_worker_that_exists(built_site):
    """overrides/main.html copies Material's page configuration; its worker and Material's exist."""
    for page in built_site.root.rglob("index.html"):
        match = re.search(
            r'<script id="__config" type="application/json">(.*?)</script>',
            page.read_text(encoding="utf-8"),
            re.S,
        )
        assert match, page
        config = json.loads(match.group(1))
        url = urlsplit(config["search"])
        worker = (page.parent / url.path).resolve()
        assert worker.is_file(), f"{page}: search worker {config['search']} does not exist"
        # search_rank.js loads Material's worker, named by its "material" parameter
        (material,) = parse_qs(url.query)["material"]
        assert (worker.parent / material).is_file(), f"{page}: no worker {material}"
