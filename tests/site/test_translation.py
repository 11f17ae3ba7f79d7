"""Translation parity of the Markdown pages and the Korean glossary's use in the lessons.

(The lessons' parity, same code and same section anchors, is tested in
tests/examples/test_examples.py.)
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import LANGUAGES, ROOT
from tools.checks import glossary



DOCS = ROOT / "docs"
_HEADING = re.compile(r"<h([1-6])[^>]*\sid=\"([^\"]+)\"")


def markdown_pages(lang: str) -> list[str]:
    return sorted(p.relative_to(DOCS / lang).as_posix() for p in (DOCS / lang).rglob("*.md"))


def page_path(markdown: str) -> str:
    """``api/layers.md`` -> ``api/layers``; ``api/index.md`` -> ``api``."""
    path = markdown.removesuffix(".md")
    if path == "index":
        return "."
    return path.removesuffix("/index")


def section_anchors(html: str) -> list[str]:
    """Ids of the headings of a page's article, in order."""
    article = html[html.index("<article") : html.index("</article>")]
    return [match.group(2) for match in _HEADING.finditer(article)]


def test_every_markdown_page_exists_in_both_languages():
    assert markdown_pages("en") == markdown_pages("ko")
    assert "glossary.md" in markdown_pages("en")


@pytest.mark.slow
@pytest.mark.parametrize("markdown", markdown_pages("en"))
def test_markdown_pages_have_the_same_sections_in_the_same_order(built_site, markdown):
    anchors = {
        lang: section_anchors(
            built_site.page(lang, page_path(markdown)).read_text(encoding="utf-8")
        )
        for lang in LANGUAGES
    }
    assert anchors["en"], f"no headings with ids on {markdown}"
    assert anchors["ko"] == anchors["en"]


def test_section_anchors_reads_the_article_only():
    html = (
        '<header><h2 id="nav">x</h2></header><article class="md-content__inner">'
        '<h1 id="title">T</h1><p>a</p><h2 id="one">1</h2><h3 class="x" id="two">2</h3>'
        '</article><h2 id="footer">f</h2>'
    )
    assert section_anchors(html) == ["title", "one", "two"]


# ---------------------------------------------------------------------------
# Glossary

# The project's Korean terms (the lesson conventions in README.md).
PROJECT_TERMS = {
    "neural network": "신경망",
    "layer": "계층",
    "hidden layer": "은닉층",
    "input layer": "입력층",
    "output layer": "출력층",
    "node": "노드",
    "weight": "가중치",
    "bias": "편향",
    "activation function": "활성화 함수",
    "mini-batch": "미니배치",
    "batch size": "배치 크기",
    "forward pass": "순전파",
    "backpropagation": "역전파",
    "loss function": "손실 함수",
    "gradient": "기울기",
    "gradient descent": "경사 하강법",
    "learning rate": "학습률",
    "epoch": "에포크",
    "parameter": "매개변수",
    "tensor": "텐서",
    "model": "모델",
    "accuracy": "정확도",
    "overfitting": "과적합",
    "confusion matrix": "혼동 행렬",
    "logit": "로짓",
    "probability": "확률",
    "autograd": "자동 미분",
}


def english_table(path) -> dict[str, str]:
    """English -> Korean from the English glossary page (English in the first column)."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and cells[0] not in {"English", "---"}:
            rows[cells[0]] = cells[1]
    return rows


def test_glossary_holds_the_project_terms():
    terms = {t.english: t.korean for t in glossary.load()}
    assert {english: terms.get(english) for english in PROJECT_TERMS} == PROJECT_TERMS
    assert len(terms) >= 40


def test_english_and_korean_glossary_pages_list_the_same_pairs():
    korean_page = {t.english: t.korean for t in glossary.load()}
    assert english_table(DOCS / "en" / "glossary.md") == korean_page


def test_korean_lessons_and_pages_use_the_glossary_terms():
    terms = glossary.load()
    sources = glossary.korean_sources()
    assert {f"examples/ko/{p.name}" for p in (ROOT / "examples" / "ko").glob("[0-9]*.py")} <= set(
        sources
    )
    checked = sum(len(glossary.glosses(text, terms)) for text in sources.values())
    assert checked >= 50, f"only {checked} glosses found: is the scanner reading the lessons?"
    findings = glossary.check()
    assert findings == [], "\n".join(map(str, findings))


def test_a_different_korean_word_for_a_glossary_term_is_flagged():
    terms = glossary.load()
    text = (
        "각 **웨이트**(weight)에 입력을 곱하고\n"
        "바이어스(bias)를 더합니다. 이것이 자동\n"
        "미분(autograd)이고, 난수 텐서(tensor)와 `x(weight)`는 괜찮습니다.\n"
        "활성 함수(activation function)와 활성화 함수(activation function),\n"
        "가중치(weights)와 로스 함수(loss function)를 봅니다."
    )
    findings = glossary.check_text(text, terms, "lesson.py")
    assert [(f.line, f.found, f.term.korean) for f in findings] == [
        (1, "웨이트", "가중치"),
        (2, "바이어스", "편향"),
        (4, "활성 함수", "활성화 함수"),
        (5, "로스 함수", "손실 함수"),
    ]
    assert str(findings[0]) == (
        "lesson.py:1: '웨이트' glosses 'weight'; the glossary's Korean term is '가중치'"
    )


def test_glosses_in_lesson_scripts_are_read_from_markdown_cells_only(tmp_path):
    script = tmp_path / "01_x.py"
    script.write_text(
        "# %% [markdown]\n# # 제목\n#\n# 웨이트(weight)를 봅니다.\n\n"
        '# %%\nprint("웨이트(weight)")  # 웨이트(weight)\n',
        encoding="utf-8",
    )
    text = glossary.markdown_of_script(script)
    findings = glossary.check_text(text, glossary.load(), "01_x.py")
    assert [(f.line, f.found) for f in findings] == [(4, "웨이트")]


def test_glossary_table_errors_name_the_problem(tmp_path):
    empty = tmp_path / "glossary.md"
    empty.write_text("# 용어집\n\n표가 없습니다.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no glossary table rows"):
        glossary.load(empty)
    twice = tmp_path / "twice.md"
    twice.write_text(
        "| 한국어 | English |\n| --- | --- |\n| 가중치 | weight |\n| 웨이트 | Weight |\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="English term 'Weight' appears twice"):
        glossary.load(twice)


@pytest.mark.slow
def test_glossary_is_in_the_navigation_of_both_languages(built_site):
    en = built_site.page("en", "glossary").read_text(encoding="utf-8")
    ko = built_site.page("ko", "glossary").read_text(encoding="utf-8")
    home_en = built_site.page("en", ".").read_text(encoding="utf-8")
    home_ko = built_site.page("ko", ".").read_text(encoding="utf-8")
    assert re.search(r'href="glossary/"[^>]*>\s*(<span[^>]*>)?\s*Glossary', home_en)
    assert re.search(r'href="glossary/"[^>]*>\s*(<span[^>]*>)?\s*용어집', home_ko)
    assert "<td>가중치</td>" in en and "<td>weight</td>" in ko
