"""tools/search.py: Korean segmentation (cached) and one search index per language."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import LESSONS, PROJECT
from tools import glossary_file, math_text, search

ZWSP = search.ZERO_WIDTH_SPACE
GLOSSARY = PROJECT.docs_dir / "ko" / "glossary.md"


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
    assert search.segment_word(word, GLOSSARY) == pieces


def test_segment_word_refuses_bad_input():
    with pytest.raises(TypeError, match="word must be a str, got int"):
        search.segment_word(3)
    with pytest.raises(ValueError, match="word must not contain whitespace, got '가중치 와'"):
        search.segment_word("가중치 와")


def test_segment_text_keeps_tags_and_visible_text():
    text = "<p>가중치와 <code>nn.Sequential</code>을 쓰면 활성화 함수를 적용합니다.</p>"
    vocabulary = search.Vocabulary()
    segmented = search.segment_text(text, vocabulary, GLOSSARY)
    assert segmented.replace(ZWSP, "") == text
    assert segmented == (
        f"<p>가중치{ZWSP}와 <code>nn.Sequential</code>{ZWSP}을 쓰면 "
        f"활성화 함수{ZWSP}를 적용{ZWSP}합니다.</p>"
    )
    assert {"가중치", "활성화", "함수", "적용"} <= vocabulary.terms
    assert {"와", "을", "를", "합니다"} <= vocabulary.suffixes
    assert search.segment_text("No Korean here <b>at all</b>") == "No Korean here <b>at all</b>"


def object_particle(word: str) -> str:
    """을 after a final consonant, 를 after a vowel."""
    syllable = ord(word[-1]) - ord("가")
    return "을" if 0 <= syllable < 11172 and syllable % 28 else "를"


def particles(word: str) -> tuple[str, str, str]:
    """Particles a sentence puts after ``word``: its object particle, 의 and 에서는."""
    return object_particle(word), "의", "에서는"


def split_before(phrase: str, particle: str) -> str | None:
    """None if ``phrase`` + ``particle`` is cut at the particle; else the segmentation."""
    segmented = search.segment_text(f"{phrase}{particle} 봅니다.", glossary=GLOSSARY)
    last = phrase.split()[-1]
    return None if f"{last}{ZWSP}{particle}" in segmented else segmented.replace(ZWSP, "|")


# Phrases Kiwi's multi-word dictionary holds as one token across the space.
MULTI_WORD = ["자연어 처리", "합성곱 신경망"]


@pytest.mark.parametrize(
    ("phrase", "particle"), [(p, particle) for p in MULTI_WORD for particle in particles(p)]
)
def test_a_particle_after_a_phrase_of_two_words_is_split_off(phrase, particle):
    """Each word is split by Kiwi's tokens inside it: none may span the space."""
    assert split_before(phrase, particle) is None
    for token in search._kiwi(GLOSSARY).tokenize(phrase):
        assert " " not in token.form, token


def test_a_particle_after_every_glossary_term_is_split_off():
    """A learner's query or a lesson's sentence puts a particle after any term of the
    glossary, of one word or several ("경사 하강법을"): the term's last word is cut there."""
    sentences = [
        (term.korean, particle)
        for term in glossary_file.read(GLOSSARY).terms
        if search.HANGUL.search(term.korean[-1])
        for particle in particles(term.korean)
    ]
    kept = [split_before(*sentence) for sentence in sentences]
    assert len(sentences) > 200 and [k for k in kept if k is not None] == []


def test_korean_index_splits_on_the_zero_width_space():
    base = {"separator": r"[\s\-]+", "pipeline": ["stopWordFilter"], "fields": {}}
    ko = search.search_config(base, "ko", segmented=True)
    en = search.search_config(base, "en")
    assert ko["lang"] == ["ko"] and en["lang"] == ["en"]
    assert en["separator"] == r"[\s\-]+"
    assert re.split(ko["separator"], f"가중치{ZWSP}와 편향") == ["가중치", "와", "편향"]


def test_segmentations_are_cached_on_disk_by_text(tmp_path, monkeypatch):
    texts = ["가중치와 편향을 더합니다.", "English only", "<p>활성화 함수를 적용합니다.</p>"]
    first = search.Segmenter(tmp_path, GLOSSARY)
    vocabulary = search.Vocabulary()
    segmented = [first.segment(text, vocabulary) for text in texts]
    assert (first.misses, first.hits) == (2, 0)  # English text is not analysed at all
    first.save()
    assert first.path is not None and first.path.is_file()

    def no_kiwi(*args, **kwargs):
        raise AssertionError("Kiwi was called for a cached text")

    monkeypatch.setattr(search, "segment_text", no_kiwi)
    second = search.Segmenter(tmp_path, GLOSSARY)
    again = search.Vocabulary()
    assert [second.segment(text, again) for text in texts] == segmented
    assert (second.misses, second.hits) == (0, 2)
    assert again.as_json() == vocabulary.as_json()
    assert segmented[0] == f"가중치{ZWSP}와 편향{ZWSP}을 더합니다."


def test_write_index_makes_locations_relative_and_ships_the_vocabulary(tmp_path):
    base = {"separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    entries = [
        {"location": "ko/tutorials/x/#setup", "title": "준비하기", "text": "모델을 만듭니다."},
        {"location": "ko/", "title": "홈", "text": ""},
    ]
    config = search.search_config(base, "ko", segmented=True)
    count = search.write_index(tmp_path, "ko/", config, entries, search.Segmenter(None, GLOSSARY))
    assert count == 2
    data = json.loads((tmp_path / "ko" / "search" / "search_index.json").read_text("utf-8"))
    assert [doc["location"] for doc in data["docs"]] == ["tutorials/x/#setup", ""]
    assert data["docs"][0]["text"] == f"모델{ZWSP}을 만듭니다."
    terms = json.loads((tmp_path / "ko" / "search" / "terms.json").read_text("utf-8"))
    assert "모델" in terms["terms"] and "을" in terms["suffixes"]
    assert not list(tmp_path.rglob("*.tmp")), "temp files are renamed into place"


def test_korean_entries_carry_their_verbs_stems_and_the_query_side_their_forms(tmp_path):
    base = {"separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    text = "모델이 데이터를 외웁니다. 층을 쌓으면 기울기가 사라집니다. 값이 다릅니다."
    entries = [{"location": "ko/x/#a", "title": "과적합", "text": text}]
    config = search.search_config(base, "ko", segmented=True)
    assert config["fields"][search.STEMS_FIELD] == {"boost": search.STEMS_BOOST}
    assert search.STEMS_FIELD not in search.search_config(base, "en")["fields"]
    search.write_index(tmp_path, "ko/", config, entries, search.Segmenter(None, GLOSSARY))
    doc = json.loads((tmp_path / "ko" / "search" / "search_index.json").read_text("utf-8"))
    assert doc["docs"][0]["stems"] == "외우 쌓 사라지 다르"
    assert doc["docs"][0]["text"].replace(ZWSP, "") == text, "the shown text is unchanged"
    terms = json.loads((tmp_path / "ko" / "search" / "terms.json").read_text("utf-8"))
    assert terms["stems"] == ["다르", "사라지", "쌓", "외우"]
    # a question's forms: "외워요", "사라져서", "달라요", "외웠어요"
    forms = terms["forms"]
    assert (forms["외워"], forms["사라져"], forms["달라"], forms["외웠"]) == (
        "외우",
        "사라지",
        "다르",
        "외우",
    )
    assert {"어요", "으면", "려면", "나요", "어서"} <= set(terms["suffixes"])
    # what follows a changed syllable is stripped only there: "쉬워요" is no noun + "워요"
    assert "요" in terms["endings"] and "워요" not in terms["suffixes"]
    # auxiliaries ("싶어요", "버렸어요", "해요") are the query side's to leave out
    assert {"싶", "버리", "하", "되"} <= set(terms["auxiliaries"])
    assert forms["버렸"] == "버리" and forms["해"] == "하"
    assert not set(terms["stems"]) & set(terms["auxiliaries"])


def test_conjugations_are_cached_with_the_segmentations(tmp_path, monkeypatch):
    first = search.Segmenter(tmp_path, GLOSSARY)
    forms = first.conjugations("쌓", "VV")
    assert forms[:2] == ["쌓아요", "쌓아"] and "쌓으면" in forms
    first.save()

    def no_kiwi(*args, **kwargs):
        raise AssertionError("Kiwi was loaded for a cached conjugation")

    monkeypatch.setattr(search, "_kiwi", no_kiwi)
    assert search.Segmenter(tmp_path, GLOSSARY).conjugations("쌓", "VV") == forms


def test_new_endings_give_cached_stems_new_forms(tmp_path, monkeypatch):
    first = search.Segmenter(tmp_path, GLOSSARY)
    first.conjugations("낮", "VA")
    first.save()
    monkeypatch.setattr(search, "VERB_ENDINGS", (("ᆫ데", "EC"),))
    assert search.Segmenter(tmp_path, GLOSSARY).conjugations("낮", "VA") == ["낮은데"]


def test_an_adjectives_but_and_whether_are_stripped_from_its_stem():
    # "학습 오차는 낮은데", "사용 가능한지": Kiwi conjugates an adjective's 는데 as 낮는데
    forms = search.Segmenter(None, GLOSSARY).conjugations("낮", "VA")
    assert {"낮은데", "낮은지"} <= set(forms)
    vocabulary = search.Vocabulary()
    vocabulary.add([], [("낮", "VA")])
    vocabulary.conjugate(search.Segmenter(None, GLOSSARY).conjugations)
    assert {"은데", "은지"} <= set(vocabulary.as_json()["suffixes"])
    assert {"한", "한지"} <= set(search.COMMON_SUFFIXES)


@pytest.mark.parametrize(
    ("text", "suffix", "not_suffixes"),
    [
        ("`x`잘못 맞힌", None, {"잘못"}),  # an adverb after code is no particle
        ("2개를맞힌 모델", None, {"맞힌", "를맞힌"}),  # nor a verb after a particle
        ("nn.Sequential을 씁니다", "을", set()),
        ("가중치와 편향", "와", set()),
    ],
)
def test_only_particles_and_endings_are_collected_as_suffixes(text, suffix, not_suffixes):
    vocabulary = search.Vocabulary()
    search.segment_text(text, vocabulary, GLOSSARY)
    found = set(vocabulary.suffixes) - set(search.COMMON_SUFFIXES)
    assert not (not_suffixes & set(vocabulary.suffixes)), vocabulary.suffixes
    if suffix is not None:
        assert suffix in vocabulary.suffixes
    assert all(search.HANGUL.search(piece) for piece in found)


def test_synonyms_are_the_glossarys_avoided_korean_spellings():
    synonyms = search.synonyms(GLOSSARY)
    assert synonyms["에폭"] == "에포크"
    assert synonyms["웨이트디케이"] == "가중치 감쇠"  # spaces removed from the key
    assert synonyms["크로스엔트로피"] == "교차 엔트로피"
    assert synonyms["렐루"] == "ReLU"  # from the names kept in Latin script
    assert "Python" not in synonyms, "a spelling without Hangul is not a Korean synonym"
    vocabulary = search.Segmenter(None, GLOSSARY).vocabulary()
    assert vocabulary.as_json()["synonyms"] == dict(sorted(synonyms.items()))
    assert search.synonyms(None) == {} and search.Vocabulary().synonyms == {}


def test_compounds_are_the_code_names_split_at_capitals():
    separator = r"[\s\-,:!=\[\]()\"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])"
    entries = [
        {"title": "DataLoader", "text": "<code>nn.CrossEntropyLoss</code> and LeakyReLU"},
        {"title": "NumPy", "text": "x.numpy() gives a NumPy array; MLP and relu stay"},
    ]
    assert search.compounds(entries, separator) == {
        "crossentropyloss": ["cross", "entropy", "loss"],
        "dataloader": ["data", "loader"],
        "leakyrelu": ["leaky", "relu"],
        "numpy": ["num", "py"],
    }, "single words (relu) and names without a capital inside (MLP) are not compounds"


def test_recap_anchors_are_the_headings_most_pages_repeat():
    locations = [f"tutorials/{n}/" for n in "abc"]
    locations += [f"tutorials/{n}/#summary" for n in "abc"]
    locations += ["tutorials/a/#setup", "tutorials/b/#setup", "tutorials/a/#loss"]
    assert search.RECAP_MIN_PAGES == 3
    assert search.recap_anchors(locations) == {"summary"}
    assert search.recap_anchors(locations[:5]) == set(), "two pages are not most pages"


def test_write_index_weighs_page_tops_and_ships_the_compounds(tmp_path):
    base = {"separator": r"[\s\-.]+|(?!\b)(?=[A-Z][a-z])", "pipeline": [], "fields": {}}
    entries = [
        {"location": "tutorials/x/", "title": "Lesson", "text": "intro"},
        {"location": "tutorials/x/#dataloader", "title": "DataLoader", "text": "batches"},
        {"location": "glossary/", "title": "Glossary", "text": "terms", "boost": 0.5},
    ]
    entries += [
        {"location": f"tutorials/{n}/#summary", "title": "Summary", "text": "recap"} for n in "xyz"
    ]
    search.write_index(tmp_path, "", search.search_config(base, "en"), entries)
    data = json.loads((tmp_path / "search" / "search_index.json").read_text("utf-8"))
    boosts = {doc["location"]: doc.get("boost") for doc in data["docs"]}
    assert boosts == {
        "tutorials/x/": search.PAGE_TOP_BOOST,
        "tutorials/x/#dataloader": None,
        "glossary/": 0.5,  # a page without sections keeps the weight it has
        **{f"tutorials/{n}/#summary": search.PAGE_TOP_BOOST for n in "xyz"},
    }
    compounds = json.loads((tmp_path / "search" / "compounds.json").read_text("utf-8"))
    assert compounds == {"dataloader": ["data", "loader"]}
    assert not (tmp_path / "search" / "terms.json").exists(), "English is not segmented"


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
    assert titles["#who-it-is-for"] == "대상 독자"
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


def test_page_sections_groups_the_written_index_by_the_pages_asked_for(tmp_path):
    index = tmp_path / "search_index.json"
    docs = [
        {"location": "", "title": "Home", "text": "welcome"},
        {"location": "ko/", "title": "홈", "text": ""},
        {"location": "a/", "title": "A", "text": "top"},
        {"location": "a/#one", "title": "One", "text": "1"},
        {"location": "ab/#x", "title": "AB", "text": "not a/"},
        {"location": "#intro", "title": "Intro", "text": "home section"},
    ]
    index.write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    found = search.page_sections(index, ["a/", "", "empty/"])
    assert list(found) == ["a/", "", "empty/"]
    assert [e["location"] for e in found["a/"]] == ["a/", "a/#one"]
    assert [e["title"] for e in found[""]] == ["Home", "Intro"]
    assert found["empty/"] == []


def test_page_sections_names_a_file_that_is_no_search_index(tmp_path):
    index = tmp_path / "search_index.json"
    index.write_text('{"docs": null}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"search_index\.json is not a search index"):
        search.page_sections(index, [])


def test_search_config_adds_the_index_terms_field_unless_the_plugin_names_it():
    base = {"separator": r"[\s\-]+", "pipeline": [], "fields": {"title": {"boost": 10}}}
    fields = search.search_config(base, "en")["fields"]
    assert fields == {"title": {"boost": 10}, "keywords": {"boost": search.KEYWORDS_BOOST}}
    assert base["fields"] == {"title": {"boost": 10}}, "the plugin's options are left as they are"
    base["fields"]["keywords"] = {"boost": 3}
    assert search.search_config(base, "en")["fields"]["keywords"] == {"boost": 3}


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (r"the step size \(\eta\) here", "the step size η here"),
        (r"\(w \leftarrow w - \eta \nabla_w L\)", "w ← w − η ∇_w L"),
        (
            r"$$\mathrm{MSE} = \frac{1}{N} \sum_{i=1}^{N} (\hat y_i - y_i)^2$$",
            "MSE = 1/N Σᵢ₌₁^N (ŷᵢ − yᵢ)²",
        ),
        (r"$\sigma(x) = \frac{1}{1 + e^{-x}}$", "σ(x) = 1/(1 + e⁻ˣ)"),
        (r"\((C_\text{out}, C_\text{in}, k, k)\)", "(Cₒᵤₜ, Cᵢₙ, k, k)"),
        (r"$-1/\sqrt{128} \approx -0.088$", "−1/√128 ≈ −0.088"),
        (r"$$Y = XW^\top + b$$", "Y = XWᵀ + b"),
        (
            r"$$f(x) = \begin{cases} x &amp; x &gt; 0 \\ 0 &amp; x \le 0 \end{cases}$$",
            "f(x) = x x &gt; 0; 0 x ≤ 0",
        ),
        (r"\[\left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1\]", "⌊ (H + 2p − k)/s ⌋ + 1"),
        ("costs $5 and $6 each", "costs $5 and $6 each"),  # not a formula
        ("no math at all", "no math at all"),
    ],
)
def test_plain_math_shows_formulas_as_text(html, text):
    assert math_text.plain_math(html) == text


def test_write_index_gives_sections_their_index_terms_and_plain_math(tmp_path):
    base = {"separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    entries = [
        {"location": "ko/tutorials/x/#mse", "title": "평균 제곱 오차", "text": r"손실 \(L\)"},
        {"location": "ko/tutorials/x/#setup", "title": "준비", "text": ""},
    ]
    config = search.search_config(base, "ko", segmented=True)
    keywords = {"tutorials/x/#mse": ["비용 함수", "cost function"]}
    search.write_index(tmp_path, "ko/", config, entries, search.Segmenter(None, GLOSSARY), keywords)
    docs = json.loads((tmp_path / "ko" / "search" / "search_index.json").read_text("utf-8"))
    mse, setup = docs["docs"]
    assert mse["keywords"].replace(ZWSP, "") == "비용 함수, cost function"
    assert mse["text"].replace(ZWSP, "") == "손실 L"
    assert "keywords" not in setup
    terms = json.loads((tmp_path / "ko" / "search" / "terms.json").read_text("utf-8"))
    assert {"비용", "함수"} <= set(terms["terms"]), "the query side knows the terms' words"


@pytest.mark.slow
def test_the_built_indexes_have_no_tex_and_carry_the_index_terms(built_site):
    for lang in ("en", "ko"):
        docs = index(built_site.root, lang)["docs"]
        tex = [
            doc["location"]
            for doc in docs
            if re.search(r"\\[(\[]|\$|\\(frac|lambda|eta|sum|text)\b", doc["title"] + doc["text"])
        ]
        assert tex == [], f"{lang}: TeX in {tex}"
        keywords = {doc["location"]: doc.get("keywords", "").replace(ZWSP, "") for doc in docs}
        mse = keywords["tutorials/03_loss_and_autograd/#mean-squared-error"]
        assert ("cost function" in mse) and (lang == "en" or "비용 함수" in mse), mse


def test_loading_the_segmenter_analyses_a_word_so_kiwi_reads_its_model(monkeypatch):
    analysed = []

    class Kiwi:
        def tokenize(self, text):
            analysed.append(text)
            return []

    glossary = PROJECT.docs_dir / "ko" / "glossary.md"
    monkeypatch.setattr(search, "_kiwi", lambda path: Kiwi() if path == glossary else None)
    search.Segmenter(None, glossary).load()
    assert analysed == ["한국어"]
