"""The Korean prose check (``tools.checks.glossary``): one test per kind of finding.

Each test runs the check's pure functions on a small inline text; none reads the
lessons (tests/site/test_translation.py checks the real lessons and pages).
"""

from __future__ import annotations

import pytest

from tools.checks import glossary
from tools.checks.glossary import Glossary, Term

WEIGHT = Term("가중치", "weight")
BIAS = Term("편향", "bias")
EPOCH = Term("에포크", "epoch")
LEARNING_RATE = Term("학습률", "learning rate")
TRAINING = Term("학습", "training", everyday=True)
MODEL = Term("모델", "model", everyday=True)
BACKPROP = Term("역전파", "backpropagation", lesson=3)
TERMS = [WEIGHT, BIAS, EPOCH, LEARNING_RATE, TRAINING, MODEL, BACKPROP]


def course(**lessons: str) -> dict[str, list[tuple[int, str, str, str]]]:
    """Course findings of lessons given as ``l01="..."``: (line, kind, term, other)."""
    sources = {f"examples/ko/{name[1:]}_x.py": text for name, text in lessons.items()}
    found = glossary.course_findings(sources, Glossary(TERMS))
    return {
        source.split("/")[-1]: [(f.line, f.kind, f.term.korean, f.other) for f in items]
        for source, items in found.items()
    }


# ---------------------------------------------------------------------------
# Where a term is glossed: once in the course, in the lesson that introduces it


def test_a_term_glossed_once_in_its_first_lesson_has_no_finding():
    found = course(
        l01="가중치를 곱합니다.\n이 가중치(weight)는 학습으로 정해집니다.",
        l02="가중치와 편향(bias)을 봅니다.",
    )
    assert found == {"01_x.py": [], "02_x.py": []}


def test_a_term_glossed_again_in_a_later_lesson_is_repeated_and_names_the_first_gloss():
    found = course(l01="가중치(weight)를 곱합니다.", l04="\n가중치(weight)를 다시 봅니다.")
    assert found["04_x.py"] == [(2, "repeated", "가중치", "examples/ko/01_x.py:1")]
    finding = glossary.course_findings(
        {"examples/ko/01_x.py": "가중치(weight)", "examples/ko/04_x.py": "가중치(weight)"},
        Glossary(TERMS),
    )["examples/ko/04_x.py"][0]
    assert str(finding) == (
        "examples/ko/04_x.py:1: '가중치(weight)' is glossed again; it is glossed at "
        "examples/ko/01_x.py:1, and a term is glossed once in the course"
    )


def test_a_term_glossed_twice_in_its_own_lesson_is_repeated():
    found = course(l01="가중치(weight)를 곱합니다.\n가중치(weight)를 더합니다.")
    assert found["01_x.py"] == [(2, "repeated", "가중치", "examples/ko/01_x.py:1")]


def test_a_term_its_first_lesson_does_not_gloss_is_unglossed_there_and_misplaced_later():
    found = course(l02="편향을 더합니다.\n편향을 봅니다.", l05="편향(bias)을 더합니다.")
    assert found["02_x.py"] == [(1, "unglossed", "편향", "")]
    assert found["05_x.py"] == [(1, "misplaced", "편향", "examples/ko/02_x.py")]


def test_headings_and_other_words_do_not_introduce_a_term():
    # 학습률 is its own term, 가중치들 a plural, 에포크 in a heading is not prose.
    found = course(
        l01="# 에포크 { #epochs }\n학습률(learning rate)을 정합니다.", l02="에포크를 셉니다."
    )
    assert found["01_x.py"] == []
    assert found["02_x.py"] == [(1, "unglossed", "에포크", "")]


def test_the_glossary_may_name_a_later_lesson_that_introduces_a_term():
    found = course(l02="역전파를 미리 봅니다.", l03="역전파(backpropagation)를 배웁니다.")
    assert found == {"02_x.py": [], "03_x.py": []}
    found = course(l02="역전파(backpropagation)를 미리 봅니다.", l03="역전파를 배웁니다.")
    assert found["02_x.py"] == [(1, "misplaced", "역전파", "examples/ko/03_x.py")]
    assert found["03_x.py"] == [(1, "unglossed", "역전파", "")]


def test_an_everyday_term_needs_no_gloss_and_gets_none_after_lesson_one():
    found = course(
        l00="학습(training)을 합니다.", l01="모델을 만듭니다.", l02="학습(training)과 모델"
    )
    assert found == {
        "00_x.py": [],
        "01_x.py": [],
        "02_x.py": [(1, "everyday", "학습", "")],
    }
    assert course(l00="학습(training)", l01="학습(training)")["01_x.py"] == [
        (1, "repeated", "학습", "examples/ko/00_x.py:1")
    ]


def test_a_lesson_is_named_by_its_two_digit_number():
    assert glossary.lesson_number("examples/ko/07_overfitting.py") == 7
    with pytest.raises(ValueError, match=r"'notes\.py' is not a lesson script"):
        glossary.lesson_number("notes.py")


# ---------------------------------------------------------------------------
# How a gloss is written


def kinds(text: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.kind, f.found) for f in glossary.form_findings(text, "lesson.py")]


def test_two_glosses_in_a_sentence_are_fine_and_three_are_a_cluster():
    assert kinds("가중치(weight)와 편향(bias)을 봅니다. 에포크(epoch)마다 갱신합니다.") == []
    text = "먼저 봅니다.\n가중치(weight)와 편향(bias)을\n에포크(epoch)마다 바꿉니다. 다음 문장."
    assert kinds(text) == [
        (2, "cluster", "가중치(weight)와 편향(bias)을 에포크(epoch)마다 바꿉니다.")
    ]
    [finding] = glossary.form_findings(text, "lesson.py")
    assert str(finding).startswith("lesson.py:2: 3 glosses in one sentence (at most 2): ")


def test_list_items_and_paragraphs_are_sentences_of_their_own():
    text = "- 가중치(weight)와 편향(bias)\n- 에포크(epoch)\n\n학습률(learning rate)"
    assert kinds(text) == []


def test_a_gloss_inside_a_verb_or_a_derived_word_is_flagged():
    assert kinds("학습(training)할 때와 확률(probability)적 방법") == [
        (1, "inside", "학습(training)할"),
        (1, "inside", "확률(probability)적"),
    ]
    # A particle or an ending of 이다 may follow a gloss.
    assert kinds("가중치(weight)를 봅니다. 로짓(logit)입니다. 다층 퍼셉트론(MLP)이라고") == []
    assert kinds("에포크(epoch)당 반복 수와 클래스(class)별 비율") == []


def test_a_gloss_between_the_parts_of_a_compound_is_flagged():
    assert kinds("풀링(pooling) 계층(layer)의 출력") == [(1, "inside", "풀링(pooling) 계층(layer)")]
    assert kinds("풀링 계층(pooling layer)의 출력과 풀링(pooling) 계층") == []


def test_a_gloss_inside_parentheses_is_nested():
    text = "**사전 지식:** 2강(활성화 함수(activation function)의\n도함수(derivative))."
    assert kinds(text) == [
        (1, "nested", "활성화 함수(activation function)"),
        (2, "nested", "도함수(derivative)"),
    ]
    assert kinds("2강(`log_softmax`)과 도함수(derivative)") == []


def test_a_space_or_line_break_before_a_gloss_is_flagged_but_emphasis_is_not():
    assert kinds("하이퍼파라미터\n(hyperparameter)와 **출력층**(output layer)") == [
        (2, "spacing", "하이퍼파라미터 (hyperparameter)")
    ]


def test_code_math_and_korean_parentheses_are_not_glosses():
    text = "`f(x)`와 $g(x)$, 1강(계층), [링크](https://x.org/a(b)) 모두 풀이가 아닙니다."
    assert glossary.count_glosses(text) == 0
    assert glossary.count_glosses("가중치(weight), 뷰(view), 다층 퍼셉트론(MLP)") == 3


# ---------------------------------------------------------------------------
# The house style of CONTRIBUTING.md


def styles(text: str, names=("ReLU", "PyTorch")) -> list[tuple[int, str]]:
    return [(f.line, f.found) for f in glossary.style_findings(text, names, "lesson.py")]


def test_epochs_are_counted_as_n_epochs():
    assert styles("에포크 10번 동안, 에포크(epoch) 60번 뒤, 10 에포크, 10에포크, 에포크마다") == [
        (1, "에포크 10번"),
        (1, "에포크(epoch) 60번"),
        (1, "10 에포크"),
    ]


def test_calques_of_the_style_sheet_are_flagged():
    text = (
        "미니배치마다의 손실을 정직하게 비교합니다.\n"
        "노드는 입력을 모두 읽고 0과 1 사이로 눌러 줍니다.\n"
        "자동 미분에 요청하고, 테스트 세트로 잽니다. 각 실행은 기울기 비우기로 시작합니다.\n"
        "모델을 제자리에서 옮깁니다. 소리 없이 바뀌니 드러내 놓고 복사합니다.\n"
        "노름을 잽니다. 스크립트를 모두 실행합니다. 제자리에서 바꿉니다."
    )
    assert styles(text) == [
        (1, "미니배치마다의"),
        (1, "정직하게"),
        (2, "입력을 모두 읽"),
        (2, "눌러 줍"),
        (3, "자동 미분에 요청"),
        (3, "세트로 잽니다"),
        (3, "각 실행"),
        (3, "기울기 비우"),
        (4, "제자리에서 옮깁"),
        (4, "소리 없이"),
        (4, "드러내 놓고"),
    ]
    [finding] = glossary.style_findings("정직하게", (), "lesson.py")
    assert str(finding) == (
        "lesson.py:1: '정직하게': write 공정하게 (a fair comparison), not 정직하게"
    )


def test_a_latin_word_in_a_heading_outside_a_code_span_is_flagged():
    text = (
        "## Sequential로 만들기 { #sequential }\n"
        "## `nn.Sequential`과 ReLU, PyTorch { #ok }\n"
        "본문의 Sequential은 제목이 아닙니다."
    )
    assert styles(text) == [(1, "Sequential")]


# ---------------------------------------------------------------------------
# The findings the check keeps from the first-use rule: gloss, latin, avoid


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


def test_a_spelling_the_glossary_avoids_is_flagged():
    avoided = glossary.read().avoided
    text = (
        "라벨은 레이블(label)로, 데이터셋은 데이터 세트(data set)로 씁니다.\n"
        "10 에폭 동안 Python으로 업데이트합니다. `Python`과 https://python.org는 괜찮습니다.\n"
        "클래스\n번호와 애플 GPU도 피합니다. 만든 다음 장치로 옮기고 다음 장에서 봅니다.\n"
        "당신과 우리 대신 여러분이라고 씁니다."
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
        (5, "당신", "여러분"),
        (5, "우리", "여러분"),
    ]
    assert str(findings[0]) == (
        "lesson.py:1: '라벨' is a spelling the glossary avoids; write '레이블'"
    )


def test_a_fixed_word_that_contains_a_term_is_not_that_term():
    read = glossary.read()
    assert "파이썬 클래스" in read.fixed_words
    text = "`nn.Module`을 상속한 파이썬 클래스를 만듭니다."
    assert glossary.term_uses(text, read.terms, read.fixed_words) == []
    assert [use.found for use in glossary.term_uses(text, read.terms)] == ["클래스"]


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
    findings = glossary.check_source("examples/ko/01_x.py", text, glossary.read())
    assert {(f.line, f.kind, f.found) for f in findings} >= {
        (8, "avoid", "에폭"),
        (8, "latin", "softmax"),
    }


# ---------------------------------------------------------------------------
# The glossary page


def test_the_gloss_column_reads_everyday_and_lessons_and_refuses_anything_else():
    assert glossary.gloss_rule("일상어") == (True, None)
    assert glossary.gloss_rule("3강") == (False, 3)
    assert glossary.gloss_rule(" ") == (False, None)
    with pytest.raises(ValueError, match="got 'often'"):
        glossary.gloss_rule("often")


def test_the_glossary_page_gives_terms_their_gloss_rule(tmp_path):
    page = tmp_path / "glossary.md"
    page.write_text(
        "| 한국어 | English | 영어 병기 | 뜻 | 피할 표기 |\n| --- | --- | --- | --- | --- |\n"
        "| 학습 | training | 일상어 | 맞추기 | 훈련 |\n"
        "| 역전파 | backpropagation | 3강 | 기울기 | |\n"
        "| 가중치 | weight | | 곱하는 값 | 웨이트 |\n",
        encoding="utf-8",
    )
    assert glossary.load(page) == [
        Term("학습", "training", ("훈련",), everyday=True),
        Term("역전파", "backpropagation", (), lesson=3),
        Term("가중치", "weight", ("웨이트",)),
    ]


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


# ---------------------------------------------------------------------------
# The command


def test_the_command_lists_findings_and_gloss_counts_and_fails_on_findings(tmp_path, capsys):
    root = _project(tmp_path, {"00_a.py": "# %% [markdown]\n# 가중치(weight)와 편향(bias)\n"})
    assert glossary.main([str(root)]) == 0
    out = capsys.readouterr().out
    assert "0 findings in 2 files" in out
    assert "glosses examples/ko/00_a.py: 2" in out
    assert "glosses: 2 in 1 lessons, 2.0 per lesson" in out
    (root / "examples" / "ko" / "01_b.py").write_text(
        "# %% [markdown]\n# 가중치(weight)를 씁니다.\n", encoding="utf-8"
    )
    assert glossary.main([str(root)]) == 1
    out = capsys.readouterr().out
    assert "examples/ko/01_b.py:2: '가중치(weight)' is glossed again" in out
    assert "examples/ko/01_b.py: 1 findings (repeated 1)" in out


def _project(root, lessons: dict[str, str]):
    """A minimal project: mkdocs.yml with the two languages, a glossary, Korean lessons."""
    from tests.conftest import ROOT

    (root / "mkdocs.yml").write_text(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (root / "docs" / "ko").mkdir(parents=True)
    (root / "docs" / "ko" / "glossary.md").write_text(
        "| 한국어 | English | 영어 병기 |\n| --- | --- | --- |\n"
        "| 가중치 | weight | |\n| 편향 | bias | |\n",
        encoding="utf-8",
    )
    (root / "docs" / "ko" / "index.md").write_text("# 홈\n\n안내서입니다.\n", encoding="utf-8")
    (root / "examples" / "ko").mkdir(parents=True)
    for name, text in lessons.items():
        (root / "examples" / "ko" / name).write_text(text, encoding="utf-8")
    return root
