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


# The Index lists its terms under each language's own initials (A to Z; ㄱ to ㅎ, then A
# to Z), so its sections differ between the languages by design (tools/index_terms.py).
INDEX_PAGE = "index-terms.md"


@pytest.mark.slow
@pytest.mark.parametrize("markdown", [m for m in markdown_pages("en") if m != INDEX_PAGE])
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
    """English -> Korean from the terms table of the English glossary page."""
    [rows] = [rows for header, rows in glossary.tables(path) if header[:2] == ["English", "Korean"]]
    return {cells[0]: cells[1] for cells in rows}


def test_glossary_holds_the_project_terms():
    terms = {t.english: t.korean for t in glossary.load()}
    assert {english: terms.get(english) for english in PROJECT_TERMS} == PROJECT_TERMS
    assert len(terms) >= 40


def test_english_and_korean_glossary_pages_list_the_same_pairs():
    korean_page = {t.english: t.korean for t in glossary.load()}
    assert english_table(DOCS / "en" / "glossary.md") == korean_page


def test_glossary_records_the_names_kept_in_latin_script():
    read = glossary.read()
    assert {"tanh", "ReLU", "GELU", "MLP", "SGD", "Adam", "Apple"} <= set(read.latin_names)
    english = {t.english.lower() for t in read.terms}
    assert [name for name in read.latin_names if name.lower() in english] == []


def test_glossary_lists_the_spellings_not_to_use():
    read = glossary.read()
    avoided = {a.spelling: a.preferred for a in read.avoided}
    assert {
        "에폭": "에포크",
        "라벨": "레이블",
        "데이터셋": "데이터 세트",
        "업데이트": "갱신",
        "클래스 번호": "클래스 인덱스",
        "원시 점수": "로짓",
        "학습 반복문": "학습 루프",
        "표준정규분포": "표준 정규 분포",
        "애플": "Apple",
        "Python": "파이썬",
        "우리": "여러분",
    }.items() <= avoided.items()
    korean_terms = {t.korean for t in read.terms}
    assert [spelling for spelling in avoided if spelling in korean_terms] == []


def test_glossary_rows_the_lessons_need():
    korean = {t.korean: t.english for t in glossary.load()}
    for term, english in {
        "완전 연결 계층": "fully connected layer",
        "다층 퍼셉트론": "multilayer perceptron",
        "반복": "iteration",
        "학습 루프": "training loop",
        "확률적 경사 하강법": "stochastic gradient descent",
        "검증 세트": "validation set",
        "테스트 세트": "test set",
        "층화": "stratification",
        "체크포인트": "checkpoint",
        "추론 텐서": "inference tensor",
        "레이블": "label",
        "클래스": "class",
        "원-핫": "one-hot",
        "음의 로그 가능도": "negative log-likelihood",
        "버퍼": "buffer",
        "과소적합": "underfitting",
        "규제": "regularization",
        "가중치 감쇠": "weight decay",
        "드롭아웃": "dropout",
        "조기 종료": "early stopping",
        "하이퍼파라미터": "hyperparameter",
        "모멘텀": "momentum",
        "합성곱": "convolution",
        "합성곱 계층": "convolutional layer",
        "풀링": "pooling",
        "필터": "filter",
        "특성 맵": "feature map",
        "채널": "channel",
        "패딩": "padding",
        "스트라이드": "stride",
        "브로드캐스팅": "broadcasting",
        "자료형": "dtype",
    }.items():
        assert korean.get(term) == english, term


KOREAN_LESSONS = sorted(
    f"examples/ko/{p.name}" for p in (ROOT / "examples" / "ko").glob("[0-9][0-9]_*.py")
)
KOREAN_PAGES = sorted(
    p.relative_to(ROOT).as_posix() for p in (DOCS / "ko").rglob("*.md") if p.name != "glossary.md"
)


def test_the_scanner_reads_every_korean_lesson_and_page():
    sources = glossary.korean_sources()
    assert set(KOREAN_LESSONS) | set(KOREAN_PAGES) == set(sources)
    terms = glossary.load()
    checked = sum(len(glossary.glosses(text, terms)) for text in sources.values())
    assert checked >= 30, f"only {checked} glosses found: is the scanner reading the lessons?"


@pytest.fixture(scope="module")
def course_findings():
    """The findings of every Korean lesson and page, the lessons read together."""
    return glossary.findings_by_source()


# One test per Korean lesson, so that what is left to fix shows lesson by lesson.
@pytest.mark.parametrize("lesson", KOREAN_LESSONS, ids=lambda path: path.split("/")[-1])
def test_korean_lesson_follows_the_glossary(course_findings, lesson):
    findings = course_findings[lesson]
    assert findings == [], f"{len(findings)} findings:\n" + "\n".join(map(str, findings))


def test_korean_lessons_average_at_most_twelve_glosses():
    counts = glossary.gloss_counts()
    assert set(counts) == set(KOREAN_LESSONS)
    assert sum(counts.values()) / len(counts) <= 12, counts


def test_korean_pages_follow_the_glossary(course_findings):
    findings = [finding for page in KOREAN_PAGES for finding in course_findings[page]]
    assert findings == [], "\n".join(map(str, findings))


@pytest.mark.slow
def test_glossary_is_in_the_navigation_of_both_languages(built_site):
    en = built_site.page("en", "glossary").read_text(encoding="utf-8")
    ko = built_site.page("ko", "glossary").read_text(encoding="utf-8")
    home_en = built_site.page("en", ".").read_text(encoding="utf-8")
    home_ko = built_site.page("ko", ".").read_text(encoding="utf-8")
    assert re.search(r'href="glossary/"[^>]*>\s*(<span[^>]*>)?\s*Glossary', home_en)
    assert re.search(r'href="glossary/"[^>]*>\s*(<span[^>]*>)?\s*용어집', home_ko)
    assert "<td>가중치</td>" in en and "<td>weight</td>" in ko


def _terms_table(path, first: str) -> tuple[list[str], list[list[str]]]:
    [table] = [(header, rows) for header, rows in glossary.tables(path) if header[0] == first]
    return table


def test_korean_glossary_table_is_in_korean_order():
    _, rows = _terms_table(DOCS / "ko" / "glossary.md", "한국어")
    korean = [cells[0] for cells in rows]
    # Hangul syllables are encoded in 가나다 order, so code-point order is 가나다 order.
    assert korean == sorted(korean)


def test_english_glossary_table_is_in_alphabetical_order():
    _, rows = _terms_table(DOCS / "en" / "glossary.md", "English")
    english = [cells[0] for cells in rows]
    assert english == sorted(english, key=str.lower)


def test_glossary_marks_the_everyday_terms_in_both_languages():
    everyday = {t.korean for t in glossary.load() if t.everyday}
    assert everyday >= {"학습", "모델", "확률", "샘플", "클래스", "텐서", "장치", "시드", "신경망"}
    assert everyday <= {t.korean for t in glossary.load()}
    header, rows = _terms_table(DOCS / "en" / "glossary.md", "English")
    column = header.index("Gloss")
    assert {cells[1] for cells in rows if cells[column] == "everyday"} == everyday
    lessons = {t.korean: f"lesson {t.lesson}" for t in glossary.load() if t.lesson is not None}
    assert {
        cells[1]: cells[column] for cells in rows if cells[column].startswith("lesson")
    } == lessons


def test_glossary_pages_do_not_explain_the_project_machinery():
    for lang in LANGUAGES:
        text = (DOCS / lang / "glossary.md").read_text(encoding="utf-8").lower()
        for word in ("테스트가", "검사", "test suite", "checks that", "tools/checks"):
            assert word not in text, (lang, word)
