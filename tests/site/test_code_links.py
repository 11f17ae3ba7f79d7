"""Linked code on the built site, in every language.

Tutorial code blocks link PyTorch names to PyTorch's pages (by the inventory's rule)
and nnguide names to the API entry of the page's own language, at an anchor that
exists there; each API entry lists the lessons of its language that use it; the
build log reports the links and the API no lesson uses.
"""

from __future__ import annotations

import posixpath
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from tests.conftest import LANGUAGES, LESSONS, PROJECT, lesson
from tools import linkcode

pytestmark = pytest.mark.slow

PAGES = [(lang, name) for name in LESSONS for lang in LANGUAGES]


@cache
def tree(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def code_links(built_site, lang: str, name: str) -> list:
    page = tree(built_site.page(lang, f"tutorials/{name}"))
    return page.xpath("//article//div[contains(@class, 'highlight')]//code//a")


def target_file(built_site, page: Path, href: str) -> tuple[Path, str]:
    """The site file a relative link of ``page`` points at, and its fragment."""
    parts = urlsplit(href)
    folder = posixpath.normpath(posixpath.join(page.parent.as_posix(), parts.path))
    return Path(folder) / "index.html", parts.fragment


def script_code(lang: str, name: str) -> str:
    notebook = lesson(lang, name).notebook
    return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize(("lang", "name"), PAGES)
def test_pytorch_names_link_to_their_pytorch_page(built_site, lang, name):
    inventory = linkcode.read_inventory()
    links = [a for a in code_links(built_site, lang, name) if a.get("href").startswith("https:")]
    assert links, "no code name of the page links to PyTorch"
    for link in links:
        assert link.get("href") == inventory[link.get("title")], link.text_content()
        assert link.get("class") == "nb-code-link"
        assert link.xpath("./span"), "the link wraps Pygments' spans (their colours stay)"
    texts = {link.text_content() for link in links}
    code = script_code(lang, name)
    for expected in ("nn.CrossEntropyLoss", "nn.Linear", "torch.tensor", "nn.Sequential"):
        if re.search(rf"(?<![\w.]){re.escape(expected)}\b", code):
            assert expected in texts, f"{expected} is in the code but not linked"


@pytest.mark.parametrize(("lang", "name"), PAGES)
def test_nnguide_names_link_to_the_api_entry_of_the_same_language(built_site, lang, name):
    page = built_site.page(lang, f"tutorials/{name}")
    links = [a for a in code_links(built_site, lang, name) if "autorefs" in a.get("class", "")]
    assert links, "no nnguide name of the page links to the API pages"
    api_root = built_site.root / PROJECT.language(lang).root / "api"
    for link in links:
        file, anchor = target_file(built_site, page, link.get("href"))
        assert file.parent.parent == api_root, (link.get("href"), "another language's page")
        assert anchor.startswith("nnguide."), link.get("href")
        assert tree(file).xpath(f"//*[@id='{anchor}']"), f"{anchor} is not on {file}"
        assert "nb-code-link" in link.get("class")


def test_the_code_text_is_the_script_s(built_site):
    """Linking never changes the code: each block's text is one code cell of the script."""
    for lang, name in PAGES:
        cells = {
            cell.source.strip()
            for cell in lesson(lang, name).notebook.cells
            if cell.cell_type == "code"
        }
        page = tree(built_site.page(lang, f"tutorials/{name}"))
        for code in page.xpath("//article//div[contains(@class, 'highlight')]//code"):
            assert code.text_content().strip() in cells, (lang, name)


def test_api_entries_list_the_lessons_of_their_language(built_site):
    for lang in LANGUAGES:
        language = PROJECT.language(lang)
        page = built_site.page(lang, "api/training")
        (heading,) = tree(page).xpath("//*[@id='nnguide.training.fit']")
        (used_in,) = heading.getparent().xpath(".//p[@class='nb-used-in']")
        assert used_in.findtext("strong") == language.labels.used_in
        lessons = []
        for link in used_in.xpath("./a"):
            file, _ = target_file(built_site, page, link.get("href"))
            assert file.parent.parent == built_site.root / language.root / "tutorials"
            (title,) = tree(file).xpath("//article//h1")
            # The lesson's title with its number, as its heading shows it.
            (number,) = title.xpath("span[@class='nb-lesson-number']")
            shown = title.text_content().rstrip("¶").strip()
            assert shown == link.text_content()
            assert link.text_content().startswith(number.text_content())
            lessons.append(file.parent.name)
        expected = [name for name in LESSONS if re.search(r"\bfit\(", script_code(lang, name))]
        assert lessons == expected


def test_the_log_reports_links_and_the_unused_api(built_site):
    for lang in LANGUAGES:
        match = re.search(
            rf"INFO +- +Linked code \({lang}\): (\d+) names in {len(LESSONS)} lessons: "
            r"(\d+) to the API pages, (\d+) to PyTorch",
            built_site.log,
        )
        assert match, f"no linked-code line for {lang}"
        total, api, torch = map(int, match.groups())
        assert total == api + torch and api > 0 and torch > 0
        pages = sum(len(code_links(built_site, lang, name)) for name in LESSONS)
        assert pages == total
        unused = re.search(
            rf"INFO +- +nnguide API used by no lesson \({lang}\): (.*)", built_site.log
        )
        assert unused, f"no unused-API line for {lang}"
        names = unused.group(1).split(", ")
        assert "nnguide.training.fit" not in names
        for name in names:
            page = built_site.page(lang, f"api/{name.split('.')[1]}")
            assert tree(page).xpath(f"//*[@id='{name}']"), f"{name} has no API entry"
