"""The built API pages show Markdown, not Sphinx markup that mkdocstrings leaves as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import LANGUAGES

pytestmark = pytest.mark.slow

API_PAGES = ("layers", "models", "summary", "plotting", "data", "training", "device")
ROLE = re.compile(r":(?:math|class|func|meth|attr|mod|obj|data|exc|ref|py:\w+):")
LITERAL_BLOCK = re.compile(r"\w::(?:\s|$)")


class Text(HTMLParser):
    """The visible text of a page, and the text of each <code> element."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.code: list[str] = []
        self._skip = 0
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        if tag == "code":
            self._in_code += 1
            self.code.append("")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1
        if tag == "code":
            self._in_code -= 1

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._in_code:
            self.code[-1] += data


def read(built_site, lang, name):
    html = built_site.page(lang, f"api/{name}").read_text(encoding="utf-8")
    parser = Text()
    parser.feed(html)
    return html, " ".join(parser.parts), parser.code


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", API_PAGES)
def test_api_page_has_no_sphinx_markup(built_site, lang, name):
    html, text, code = read(built_site, lang, name)
    assert f'id="nnguide.{name}"' in html
    assert ROLE.findall(text) == []
    assert [snippet for snippet in code if snippet.startswith("~")] == []
    assert "`" not in text, "an unrendered code span"
    assert LITERAL_BLOCK.findall(text) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_shapes_render_as_code(built_site, lang):
    _, _, code = read(built_site, lang, "layers")
    assert "(*, in_features)" in code
    assert "(out_features, in_features)" in code
    _, _, code = read(built_site, lang, "models")
    assert any(snippet.startswith("nn.Sequential(") for snippet in code)


HEADERS = {
    "en": (["Parameters:", "Returns:"], ["Name", "Type", "Description", "Default"]),
    "ko": (["매개변수:", "반환값:"], ["이름", "형식", "설명", "기본값"]),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_api_section_titles_and_table_headers_are_in_the_page_language(built_site, lang):
    html, _, _ = read(built_site, lang, "layers")
    titles = set(re.findall(r'class="doc-section-title">([^<]+)<', html))
    table = html.partition('class="doc-section-title">' + HEADERS[lang][0][0])[2]
    header = re.findall(r"<th>([^<]*)</th>", table.partition("</thead>")[0])
    assert set(HEADERS[lang][0]) <= titles
    assert header == HEADERS[lang][1]
    other = next(code for code in HEADERS if code != lang)
    assert titles.isdisjoint(HEADERS[other][0])
