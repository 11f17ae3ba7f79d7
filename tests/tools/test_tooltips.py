"""Glossary tooltips: a lesson's glossary terms become abbreviations, from the glossary page."""

from __future__ import annotations

import markdown
import pytest

from tools import config, tooltips

PROJECT = config.load()


def glossary(code: str):
    return PROJECT.docs_dir / code / "glossary.md"


def test_the_tooltips_come_from_each_language_s_glossary_page():
    english = tooltips.definitions(glossary("en"), with_counterpart=False)
    korean = tooltips.definitions(glossary("ko"), with_counterpart=True)
    assert english["learning rate"] == (
        "The number η the gradient is multiplied by in an update: the size of a step."
    )
    assert korean["학습률"].startswith("learning rate: 갱신 한 번에 기울기에 곱하는 수 η로")
    assert "$" not in korean["학습률"] and "`" not in korean["계층"]
    # A tooltip is plain text: its formulas as a reader sees them, never TeX.
    for tooltip in [*english.values(), *korean.values()]:
        assert "\\" not in tooltip and "$" not in tooltip and "{" not in tooltip, tooltip
    assert len(english) == len(korean) > 50, "every term of each table"


def test_a_glossary_without_a_terms_table_is_an_error_naming_it(tmp_path):
    page = tmp_path / "glossary.md"
    page.write_text("# Glossary\n\n| a | b |\n| --- | --- |\n| x | y |\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"glossary: .*glossary\.md needs a first table of terms"):
        tooltips.definitions(page, with_counterpart=False)


def render(text: str, code: str) -> str:
    language = PROJECT.language(code)
    terms = tooltips.definitions(glossary(code), with_counterpart=not language.default)
    lines = tooltips.abbreviations(text, terms, attached=language.segmenter is not None)
    return markdown.Markdown(extensions=["abbr"]).convert(text + "\n\n" + lines)


def test_a_korean_term_shows_its_english_and_meaning_also_with_a_particle():
    html = render("학습률을 줄이면 학습이 느려집니다. 학습률 `학습률`.", "ko")
    assert '<abbr title="learning rate: 갱신 한 번에' in html
    assert html.count('title="learning rate:') == 2, "학습률을 and 학습률"
    assert '<abbr title="training: ' in html and ">학습이</abbr>" in html
    assert "<code>학습률</code>" in html, "code is left alone"


def test_an_english_term_shows_its_meaning_also_at_a_sentence_start():
    html = render("Learning rate matters. The learning rate is small; rates are not.", "en")
    assert html.count("<abbr title=") == 2
    assert ">Learning rate</abbr>" in html and ">learning rate</abbr>" in html
    assert "English" not in html and "학습률" not in html
    assert tooltips.abbreviations("No term here.", {"loss": "x"}) == ""
