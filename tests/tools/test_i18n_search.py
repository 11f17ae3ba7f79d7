"""tools/i18n_search.py: Korean segmentation and one search index per language."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from tests.conftest import LESSONS, load_tool

search = load_tool("i18n_search")
ZWSP = search.ZERO_WIDTH_SPACE


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("가중치와", ["가중치", "와"]),
        ("nn.Sequential을", ["nn.Sequential", "을"]),
        ("함수를", ["함수", "를"]),
        ("활성화", ["활성화"]),
        ("역전파를", ["역전파", "를"]),
        ("로짓이", ["로짓", "이"]),
        ("소프트맥스의", ["소프트맥스", "의"]),
        ("학습률이", ["학습률", "이"]),
        ("적용합니다.", ["적용", "합니다."]),
        ("차이", ["차이"]),
        ("backward()를", ["backward()", "를"]),
        ("ReLU", ["ReLU"]),
    ],
)
def test_segment_word_cuts_particles_and_endings_off(word, pieces):
    assert search.segment_word(word) == pieces


def test_segment_word_refuses_bad_input():
    with pytest.raises(TypeError, match="word must be a str, got int"):
        search.segment_word(3)
    with pytest.raises(ValueError, match="word must not contain whitespace, got '가중치 와'"):
        search.segment_word("가중치 와")


def test_segment_text_keeps_tags_and_visible_text():
    text = "<p>가중치와 <code>nn.Sequential</code>을 쓰면 활성화 함수를 적용합니다.</p>"
    vocabulary = search.Vocabulary()
    segmented = search.segment_text(text, vocabulary)
    assert segmented.replace(ZWSP, "") == text
    assert segmented == (
        f"<p>가중치{ZWSP}와 <code>nn.Sequential</code>{ZWSP}을 쓰면 "
        f"활성화 함수{ZWSP}를 적용{ZWSP}합니다.</p>"
    )
    assert {"가중치", "활성화", "함수", "적용"} <= vocabulary.terms
    assert {"와", "을", "를", "합니다"} <= vocabulary.suffixes
    assert search.segment_text("No Korean here <b>at all</b>") == "No Korean here <b>at all</b>"


def test_korean_index_splits_on_the_zero_width_space():
    base = {"separator": r"[\s\-]+", "pipeline": ["stopWordFilter"], "fields": {}}
    ko = search.search_config(base, "ko")
    en = search.search_config(base, "en")
    assert ko["lang"] == ["ko"] and en["lang"] == ["en"]
    assert en["separator"] == r"[\s\-]+"
    assert re.split(ko["separator"], f"가중치{ZWSP}와 편향") == ["가중치", "와", "편향"]


def test_alternate_links_are_dropped_and_korean_pages_get_their_own_base():
    page = SimpleNamespace(file=SimpleNamespace(locale="ko"))
    config = SimpleNamespace(plugins={}, theme={"language": "en"})

    html = (
        '<head><link rel="alternate" href="../../" hreflang="en">'
        '<link rel="alternate" href="./" hreflang="ko"></head>'
        '<script id="__config" type="application/json">{"base": "../..", "x": 1}</script>'
    )
    out = search.on_post_page(html, page=page, config=config)
    assert 'rel="alternate"' not in out
    data = json.loads(re.search(r'application/json">(.*?)</script>', out).group(1))
    assert data == {"base": "../../ko/", "x": 1}


# ---------------------------------------------------------------------------
# The built site


def index(site_root, lang: str) -> dict:
    folder = site_root if lang == "en" else site_root / lang
    return json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_each_language_has_its_own_index(built_site):
    en, ko = index(built_site.root, "en"), index(built_site.root, "ko")
    en_pages = {doc["location"].split("#")[0] for doc in en["docs"]}
    ko_pages = {doc["location"].split("#")[0] for doc in ko["docs"]}
    assert en_pages == ko_pages, "both sites index the same pages, each in its own language"
    assert {f"tutorials/{name}/" for name in LESSONS} <= en_pages
    assert {"", "api/layers/", "glossary/"} <= en_pages
    assert not any(doc["location"].startswith("ko/") for doc in en["docs"] + ko["docs"])
    titles = {doc["location"]: doc["title"].replace(ZWSP, "") for doc in ko["docs"]}
    assert titles["#who-it-is-for"] == "누구를 위한 자료인가요"
    lessons = [doc for doc in en["docs"] if doc["location"].startswith("tutorials/")]
    assert not any(re.search(r"[\uac00-\ud7a3]", doc["text"]) for doc in lessons)
    assert en["config"]["lang"] == ["en"] and ko["config"]["lang"] == ["ko"]


@pytest.mark.slow
def test_korean_index_is_segmented_and_ships_its_vocabulary(built_site):
    ko = index(built_site.root, "ko")
    text = " ".join(doc["text"] for doc in ko["docs"])
    assert f"가중치{ZWSP}" in text
    assert "nn.Sequential" in text
    terms = json.loads((built_site.root / "ko" / "search" / "terms.json").read_text("utf-8"))
    assert {"가중치", "활성화", "함수", "미니배치", "역전파", "소프트맥스"} <= set(terms["terms"])
    assert {"를", "와", "합니다"} <= set(terms["suffixes"])
    assert not set(terms["terms"]) & {"를", "와", "합니다"}


@pytest.mark.slow
def test_korean_pages_load_the_korean_index_and_no_page_links_alternates(built_site):
    for lang, page, base in [
        ("ko", ".", "../ko/"),
        ("ko", "tutorials/01_building_networks", "../../../ko/"),
        ("en", ".", "."),
        ("en", "tutorials/01_building_networks", "../.."),
    ]:
        html = built_site.page(lang, page).read_text(encoding="utf-8")
        assert f'"base": "{base}"' in html
        assert '<link rel="alternate"' not in html
    sitemap = (built_site.root / "ko" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>tutorials/01_building_networks/</loc>" in sitemap


@pytest.mark.slow
def test_the_404_page_is_the_default_language_s(built_site):
    html = (built_site.root / "404.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html
    assert '<link rel="alternate"' not in html
    assert not (built_site.root / "ko" / "404.html").exists()
