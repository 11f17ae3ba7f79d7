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
    assert checked >= 50, f"only {checked} glosses found: is the scanner reading the lessons?"


# One test per Korean lesson, so that what is left to fix shows lesson by lesson.
@pytest.mark.parametrize("lesson", KOREAN_LESSONS, ids=lambda path: path.split("/")[-1])
def test_korean_lesson_follows_the_glossary(lesson):
    glossary_page = glossary.read()
    text = glossary.korean_sources()[lesson]
    findings = glossary.check_source(lesson, text, glossary_page)
    assert findings == [], f"{len(findings)} findings:\n" + "\n".join(map(str, findings))


def test_korean_pages_follow_the_glossary():
    glossary_page = glossary.read()
    sources = glossary.korean_sources()
    findings = [
        finding
        for page in KOREAN_PAGES
        for finding in glossary.check_source(page, sources[page], glossary_page)
    ]
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


def test_a_glossary_term_in_latin_script_is_flagged_outside_code_math_links_and_glosses():
    terms = glossary.load()
    text = (
        "로짓에 Softmax를 적용하면\n"
        "확률이 됩니다. `nn.Softmax`와 `softmax`, $\\mathrm{softmax}(z)$는 괜찮습니다.\n"
        "소프트맥스(softmax)와 **시그모이드**(sigmoid)는 풀이입니다.\n"
        '[문서](https://pytorch.org/docs/softmax.html), "Softmax and\n'
        'friends", { #the-softmax } 모두 본문이 아닙니다.\n'
        "마지막 sigmoid\n"
        "계층과 mini batch의 weights를 봅니다."
    )
    findings = glossary.latin_terms(text, terms, "lesson.py")
    assert [(f.line, f.found, f.term.korean) for f in findings] == [
        (1, "Softmax", "소프트맥스"),
        (6, "sigmoid", "시그모이드"),
        (7, "mini batch", "미니배치"),
        (7, "weights", "가중치"),
    ]
    assert str(findings[0]) == (
        "lesson.py:1: 'Softmax' is the glossary term 'softmax' in Latin script; write '소프트맥스'"
    )


def test_a_term_not_glossed_where_it_first_appears_is_flagged():
    terms = glossary.load()
    text = (
        "# 학습률과 기울기 { #x }\n"
        "학습률(learning rate)을 정하고 **기울기**를\n"
        "구합니다. 기울기(gradient)는 `w.grad`에 담깁니다. 값을 학습시키면\n"
        "가중치(weights)가 갱신됩니다. 다시 학습률(learning rate)을 봅니다.\n"
        "확률적 경사 하강법(stochastic gradient\n"
        "descent)은 확률적으로 고른 미니배치(mini-batch)를 씁니다."
    )
    findings = glossary.unglossed_terms(text, terms, "lesson.py")
    assert [(f.line, f.kind, f.term.korean) for f in findings] == [
        (2, "unglossed", "기울기"),
        (4, "repeated", "학습률"),
    ]
    assert str(findings[0]) == (
        "lesson.py:2: '기울기' first appears here without its gloss; write '기울기(gradient)' here"
    )


def test_a_fixed_word_that_contains_a_term_is_not_that_term():
    read = glossary.read()
    assert "파이썬 클래스" in read.fixed_words
    text = "`nn.Module`을 상속한 파이썬 클래스를 만듭니다.\n정답 클래스(class)는 숫자입니다."
    assert glossary.unglossed_terms(text, read.terms, "lesson.py", read.fixed_words) == []
    findings = glossary.unglossed_terms(text, read.terms, "lesson.py")
    assert [(f.line, f.kind, f.term.korean) for f in findings] == [(1, "unglossed", "클래스")]


def test_a_spelling_the_glossary_avoids_is_flagged():
    avoided = glossary.read().avoided
    text = (
        "라벨은 레이블(label)로, 데이터셋은 데이터 세트(data set)로 씁니다.\n"
        "10 에폭 동안 Python으로 업데이트합니다. `Python`과 https://python.org는 괜찮습니다.\n"
        "클래스\n번호와 애플 GPU도 피합니다. 만든 다음 장치로 옮기고 다음 장에서 봅니다."
    )
    findings = glossary.avoided_spellings(text, avoided, "lesson.py")
    assert [(f.line, f.found, f.preferred) for f in findings] == [
        (1, "라벨", "레이블"),
        (1, "데이터셋", "데이터 세트"),
        (2, "에폭", "에포크"),
        (2, "Python", "파이썬"),
        (2, "업데이트", "갱신"),
        (3, "클래스 번호", "클래스 인덱스"),
        (4, "애플", "Apple"),
        (4, "다음 장", "강의"),
    ]
    assert str(findings[0]) == (
        "lesson.py:1: '라벨' is a spelling the glossary avoids; write '레이블'"
    )


def test_lesson_scripts_are_read_from_markdown_cells_and_comments_not_strings(tmp_path):
    script = tmp_path / "01_x.py"
    script.write_text(
        "# %% [markdown]\n# # 제목\n#\n# 웨이트(weight)를 봅니다.\n\n"
        '# %%\nprint("웨이트(weight)")  # 바이어스(bias)\n# 에폭마다 softmax를 씁니다.\n',
        encoding="utf-8",
    )
    text = glossary.markdown_of_script(script)
    assert text.splitlines()[5:] == ["", "바이어스(bias)", "에폭마다 softmax를 씁니다."]
    findings = glossary.check_text(text, glossary.load(), "01_x.py")
    assert [(f.line, f.found) for f in findings] == [(4, "웨이트"), (7, "바이어스")]
    read = glossary.read()
    findings = glossary.check_source("examples/ko/01_x.py", text, read)
    assert {(f.line, f.kind, f.found) for f in findings} >= {
        (8, "avoid", "에폭"),
        (8, "latin", "softmax"),
    }


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
