"""Material's search, through the real search box, in each language.

The queries and the section each must find are in ``search_queries.yml``, in seven
splits (see that file). A result is a page (Material groups the matching sections
of a page); a query is a page hit when its page is among the first three results,
and a section hit when its section is one of the links those results show without
expanding "more". The latency of a query is measured in the browser, from the
keystroke that starts the search to the last change of the result list it causes.
The report lists the misses of the headings and tune splits, never the held-out
split's, which only counts.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from playwright.sync_api import Page

from tests.conftest import LANGUAGES, PROJECT, ROOT

pytestmark = pytest.mark.slow

QUERIES = Path(__file__).with_name("search_queries.yml")
SPLITS = ("headings", "tune", "tune-2", "tune-3", "tune-4", "held-out", "reported")
HEADINGS_SECTION_RECALL = 0.95
# The goals for the held-out learner queries are page recall@3 >= 95 % and section
# recall@3 >= 90 %. Every language reaches the page goal (English 22 of 23 queries,
# Korean 23) and the section goal (English 21 of 23, Korean 22 of 23); both are asserted,
# the section's at the level the weaker language reaches (23 queries each: one query is
# 4.3 %), so a change that loses a held-out query there fails; the report prints the
# goals beside the results.
HELD_OUT_PAGE_GOAL, HELD_OUT_SECTION_GOAL = 0.95, 0.90
HELD_OUT_PAGE_RECALL = HELD_OUT_PAGE_GOAL
HELD_OUT_SECTION_RECALL = 0.91
MEDIAN_LATENCY_MS = 100
MIN_QUERIES = 20
MIN_LEARNER_QUERIES = 60


@dataclass(frozen=True)
class Query:
    lang: str
    query: str
    page: str
    anchor: str
    split: str = "headings"

    @property
    def lesson(self) -> str | None:
        parts = self.page.strip("/").split("/")
        return parts[1] if parts[0] == "tutorials" and len(parts) > 1 else None


def load_queries(lang: str, path: Path = QUERIES, root: Path = ROOT) -> list[Query]:
    """The queries of ``lang`` whose page exists: lessons only once their script does."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))[lang]
    queries = [Query(lang, **entry) for entry in entries]
    return [
        q
        for q in queries
        if q.lesson is None or (root / "examples" / lang / f"{q.lesson}.py").exists()
    ]


# Times, on the page's clock, of the keystroke that starts a search and of every
# change of the result list after it.
_TIMING = """() => {
  const input = document.querySelector("input.md-search__input")
  const output = document.querySelector(".md-search-result")
  window.__searchTiming = { typed: null, changed: [] }
  input.addEventListener("keyup", event => {
    window.__searchTiming = { typed: event.timeStamp, changed: [] }
  }, true)
  new MutationObserver(() => {
    window.__searchTiming.changed.push(performance.now())
  }).observe(output, { childList: true, subtree: true, characterData: true })
}"""


# Whether the search is ready: the result list shows the placeholder, not "Initializing".
_READY = """() => document.querySelector(".md-search-result__meta").textContent.trim() ===
    JSON.parse(document.getElementById("__config").textContent)
        .translations["search.result.placeholder"]"""


# Enters a query in the search box as typing does (Material searches on keyup; a query
# equal to the box's value is entered after an empty one, which Material would skip),
# waits until Material shows its results (it writes the result count each time), and
# returns, once they are painted, for each shown result the paths+fragments of its
# visible links, and the search's latency.
_SEARCH = """async (query) => {
  const input = document.querySelector("input.md-search__input")
  const meta = document.querySelector(".md-search-result__meta")
  const type = (value) => new Promise((done, fail) => {
    const observer = new MutationObserver(() => { observer.disconnect(); done() })
    observer.observe(meta, {childList: true, characterData: true, subtree: true})
    setTimeout(() => {
      observer.disconnect()
      fail(new Error(`Material showed no results for ${JSON.stringify(value)} in 10 s`))
    }, 10000)
    input.value = value
    input.dispatchEvent(new KeyboardEvent("keyup", {key: "End", bubbles: true}))
  })
  if (input.value === query) await type("")
  await type(query)
  // The latency, once the results are painted (two frames).
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
  const {typed, changed} = window.__searchTiming
  const latency = typed === null || changed.length === 0 ? null : changed.at(-1) - typed
  const results = [...document.querySelectorAll(".md-search-result__item")].map((item) =>
    [...item.querySelectorAll("a.md-search-result__link")]
      .filter((a) => !a.closest("details"))
      .map((a) => { const url = new URL(a.href); return url.pathname + url.hash }))
  return {results, latency}
}"""


class SearchBox:
    """The search box of one open page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        page.locator("input.md-search__input").click()
        # Material shows its placeholder once its worker has built the index
        page.wait_for_function(_READY)
        page.evaluate(_TIMING)
        self.latency_ms: float | None = None

    def search(self, query: str) -> list[list[str]]:
        """Enter ``query`` and return the results once they are shown."""
        self.page.bring_to_front()  # a background tab renders results slowly
        found = self.page.evaluate(_SEARCH, query)
        self.latency_ms = found["latency"]
        return found["results"]


def expected_link(site, query: Query) -> str:
    path = urlparse(site.page_url(query.lang, query.page)).path
    return path + (f"#{query.anchor}" if query.anchor else "")


@pytest.fixture(scope="module")
def search_boxes(site, browser):
    context = browser.new_context()
    boxes = {}
    for lang in LANGUAGES:
        page = context.new_page()
        page.goto(site.page_url(lang, ""))
        page.wait_for_load_state("networkidle")
        boxes[lang] = SearchBox(page)
    yield boxes
    context.close()


def test_query_file_is_well_formed():
    for lang in LANGUAGES:
        queries = load_queries(lang)
        assert len(queries) >= MIN_QUERIES, f"{lang}: only {len(queries)} queries"
        assert len({q.query for q in queries}) == len(queries), f"{lang}: a query repeats"
        for q in queries:
            assert q.page == "" or q.page.endswith("/"), q
            assert "#" not in q.anchor, q


def test_lessons_not_written_yet_are_left_out(tmp_path):
    (tmp_path / "examples" / "ko").mkdir(parents=True)
    (tmp_path / "examples" / "ko" / "01_first.py").write_text("")
    queries = tmp_path / "q.yml"
    queries.write_text(
        "ko:\n"
        "  - {query: a, page: '', anchor: x}\n"
        "  - {query: b, page: tutorials/01_first/, anchor: y}\n"
        "  - {query: c, page: tutorials/02_second/, anchor: z}\n",
        encoding="utf-8",
    )
    assert [q.query for q in load_queries("ko", queries, tmp_path)] == ["a", "b"]


@dataclass
class Score:
    """Page and section hits of one split of one language."""

    queries: int = 0
    page_hits: int = 0
    section_hits: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def page_recall(self) -> float:
        return self.page_hits / self.queries

    @property
    def section_recall(self) -> float:
        return self.section_hits / self.queries


@dataclass
class Measurement:
    """Every query of one language typed once: scores per split, latencies."""

    scores: dict[str, Score]
    latencies_ms: list[float]
    foreign: list[str]

    @property
    def median_latency_ms(self) -> float:
        return statistics.median(self.latencies_ms)


def measure(site, box: SearchBox, queries: list[Query]) -> Measurement:
    scores = {split: Score() for split in SPLITS}
    latencies, foreign = [], []
    for query in queries:
        results = box.search(query.query)
        if box.latency_ms is not None:
            latencies.append(box.latency_ms)
        shown = [link for links in results[:3] for link in links]
        expected = expected_link(site, query)
        page_hit = expected.partition("#")[0] in {link.partition("#")[0] for link in shown}
        section_hit = expected in shown
        score = scores[query.split]
        score.queries += 1
        score.page_hits += page_hit
        score.section_hits += section_hit
        if not section_hit:
            level = "section" if page_hit else "page"
            score.misses.append(f"{query.query!r} ({level}): expected {expected}, got {shown}")
        for links in results:
            in_korean = links[0].startswith("/ko/")
            if in_korean != (query.lang == "ko"):
                foreign.append(f"{query.query!r}: {links[0]}")
    return Measurement(scores, latencies, foreign)


def report(lang: str, measurement: Measurement) -> str:
    lines = [f"Search ({lang}): recall@3, page and section"]
    for split, score in measurement.scores.items():
        if score.queries:
            lines.append(
                f"  {split:9} page {score.page_recall:6.1%} ({score.page_hits}/{score.queries})"
                f"  section {score.section_recall:6.1%} ({score.section_hits}/{score.queries})"
            )
    lines.append(
        f"  goals for held-out: page {HELD_OUT_PAGE_GOAL:.0%}, section {HELD_OUT_SECTION_GOAL:.0%}"
        f" (floors asserted: {HELD_OUT_PAGE_RECALL:.0%}, {HELD_OUT_SECTION_RECALL:.0%})"
    )
    latencies = measurement.latencies_ms
    lines.append(
        f"  latency: median {measurement.median_latency_ms:.1f} ms, "
        f"max {max(latencies):.1f} ms over {len(latencies)} queries"
    )
    for split, score in measurement.scores.items():
        if split != "held-out":  # its misses are not shown: nothing is tuned on them
            lines += [f"  miss [{split}] {miss}" for miss in score.misses]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def measurements(site, search_boxes):
    return {lang: measure(site, search_boxes[lang], load_queries(lang)) for lang in LANGUAGES}


def test_learner_queries_are_split():
    for lang in LANGUAGES:
        queries = load_queries(lang)
        assert {q.split for q in queries} <= set(SPLITS), f"{lang}: unknown split"
        learner = [q for q in queries if q.split in ("tune", "held-out")]
        held_out = [q for q in learner if q.split == "held-out"]
        assert len(learner) >= MIN_LEARNER_QUERIES, f"{lang}: {len(learner)} learner queries"
        assert len(held_out) >= len(learner) // 3, f"{lang}: held-out is under a third"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_recall_at_3(measurements, lang):
    measurement = measurements[lang]
    print("\n" + report(lang, measurement))
    assert measurement.foreign == [], f"results from the other language: {measurement.foreign}"
    headings, held_out = measurement.scores["headings"], measurement.scores["held-out"]
    assert headings.section_recall >= HEADINGS_SECTION_RECALL, "\n".join(headings.misses)
    reported = measurement.scores["reported"]
    assert reported.queries and reported.misses == [], "\n".join(reported.misses)
    # Plain numbers: a failing assertion on the Score would print its misses, which
    # nothing may be tuned on.
    page_recall, section_recall = held_out.page_recall, held_out.section_recall
    assert page_recall >= HELD_OUT_PAGE_RECALL, f"held-out page recall {page_recall:.1%}"
    assert section_recall >= HELD_OUT_SECTION_RECALL, (
        f"held-out section recall {section_recall:.1%}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_median_latency(measurements, lang):
    measurement = measurements[lang]
    assert len(measurement.latencies_ms) == sum(s.queries for s in measurement.scores.values())
    assert measurement.median_latency_ms < MEDIAN_LATENCY_MS


@pytest.mark.parametrize(
    ("query", "bare", "anchor"),
    [
        ("가중치와", "가중치", None),  # in many lessons now: no one right section
        ("nn.Sequential을", "nn.Sequential", "one-module-with-sequential"),
        ("활성화 함수를", "활성화 함수", "activation-functions"),
    ],
)
def test_korean_query_with_a_particle_finds_the_section(site, search_boxes, query, bare, anchor):
    results = search_boxes["ko"].search(query)
    assert results, f"no result for {query!r}"
    assert results == search_boxes["ko"].search(bare), "the particle changes nothing"
    if anchor is not None:
        page = urlparse(site.page_url("ko", "tutorials/01_building_networks/")).path
        assert f"{page}#{anchor}" in [link for links in results[:3] for link in links]


def test_korean_query_with_or_without_the_space_finds_the_same(search_boxes):
    spaced = search_boxes["ko"].search("활성화 함수")
    joined = search_boxes["ko"].search("활성화함수")
    assert spaced and spaced == joined
    assert search_boxes["ko"].search("평균 제곱 오차") == search_boxes["ko"].search("평균제곱오차")


def test_english_api_names_are_found_inside_dotted_names(site, search_boxes):
    results = search_boxes["en"].search("Sequential")
    link = urlparse(site.page_url("en", "tutorials/01_building_networks/")).path
    assert f"{link}#one-module-with-sequential" in results[0]


def test_english_stop_words_and_inflections_change_nothing(site, search_boxes):
    box = search_boxes["en"]
    results = box.search("how to save a model")
    assert results == box.search("save model"), "stop words are not prefix searches"
    assert results[0][0] == urlparse(site.page_url("en", "tutorials/06_saving_and_devices/")).path
    assert box.search("gradients accumulates") == box.search("gradient accumulate")
    box.search("accumulated gradients")
    missing = box.page.eval_on_selector(
        ".md-search-result__item",
        """item => [...item.querySelectorAll(".md-search-result__terms")]
            .filter(terms => !terms.closest("details")).map(terms => terms.textContent)""",
    )
    assert missing == [], "the best result has both words, in some inflection"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("외워요", "외웁니다"),  # a stem whose last syllable changes: 외우 + 어요
        ("쌓으면", "쌓아서"),
        ("사라져요", "사라집니다"),
        ("느려요", "느립니다"),  # 느리 + 어요: the last syllable changes
        ("바꾸려면", "바꿉니다"),
        ("늘리고 싶어요", "늘리기"),  # the auxiliary "싶다" is left out
        ("채운", "채웁니다"),  # a verb, not the one-syllable nouns 채 + 운
        ("낮은데", "낮습니다"),  # an adjective's 은데 (Kiwi writes it 낮는데)
        ("사용 가능한지", "사용 가능합니다"),  # a 하다 adjective's ㄴ지
        ("검증용 데이터", "검증 데이터"),  # a noun's 용: the wildcard finds both
    ],
)
def test_korean_verbs_find_the_same_in_any_conjugation(search_boxes, typed, written):
    results = search_boxes["ko"].search(typed)
    assert results, f"nothing for {typed!r}"
    assert results == search_boxes["ko"].search(written)


def test_korean_words_after_a_code_name_are_not_particles(search_boxes):
    # The text has "`x`잘못"-like words: "잘못" and "맞힌" must not be stripped as endings.
    box = search_boxes["ko"]
    assert box.search("잘못 맞힌 예시") != box.search("예시")


@pytest.mark.parametrize(
    ("query", "lesson", "anchor"),
    [
        ("checkpiont", "06_saving_and_devices", "checkpoints"),  # two letters swapped
        # a learner's word beside the guide's: "minibatch" is its "mini-batch", and the
        # index term "optimiser" does not keep the British spelling from every "optimizer"
        ("minibatch training", "04_gradient_descent", "mini-batches-and-epochs"),
        (
            "which optimiser converges fastest",
            "07_overfitting_and_regularization",
            "optimizers-compared",
        ),
        # the section on backward() scores 63 % of the page's best: shown beside it
        ("calling backward on the loss", "03_loss_and_autograd", "backward-and-grad"),
        # "more" is a stop word: no section that says "more" outranks the lesson
        (
            "loss for more than two classes",
            "03_loss_and_autograd",
            "cross-entropy-for-several-classes",
        ),
    ],
)
def test_english_typos_and_word_forms_find_the_section(site, search_boxes, query, lesson, anchor):
    results = search_boxes["en"].search(query)
    page = urlparse(site.page_url("en", f"tutorials/{lesson}/")).path
    assert f"{page}#{anchor}" in [link for links in results[:3] for link in links], results[:3]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lowercase_code_names_find_what_their_capitals_find(site, search_boxes, lang):
    box = search_boxes[lang]
    for name in ("CrossEntropyLoss", "DataLoader", "LeakyReLU"):
        results = box.search(name.lower())
        assert results, f"nothing for {name.lower()!r}"
        assert results == box.search(name)


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("에폭", "에포크"),  # the glossary's avoided spelling
        ("웨이트 디케이를", "가중치 감쇠"),  # two words, with a particle
        ("크로스엔트로피", "교차 엔트로피"),
        ("소프트멕스", "소프트맥스"),  # one wrong letter
        ("드랍아웃", "드롭아웃"),
    ],
)
def test_korean_variant_spellings_find_the_glossarys_term(search_boxes, query, term):
    results = search_boxes["ko"].search(query)
    assert results, f"nothing for {query!r}"
    assert results == search_boxes["ko"].search(term)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("query", "lesson", "anchor"),
    [
        # The section that introduces it names it ten times; lesson 2's shorter preview
        # names it three times, and lunr's own ranking put that preview first.
        ("requires_grad", "03_loss_and_autograd", "tensors-that-track-gradients"),
        ("state_dict", "06_saving_and_devices", "the-state_dict"),
    ],
)
def test_the_section_that_explains_a_name_comes_first(
    site, search_boxes, lang, query, lesson, anchor
):
    results = search_boxes[lang].search(query)
    page = urlparse(site.page_url(lang, f"tutorials/{lesson}/")).path
    # the first result's first section (sections that score nearly as high follow it)
    assert results[0][:2] == [page, f"{page}#{anchor}"], results[:3]


# Text of the results Material shows: titles and snippets.
_RESULT_TEXT = """() => [...document.querySelectorAll(".md-search-result__article")]
    .map(article => article.innerHTML)"""


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "learning rate"),
        ("en", "sigmoid derivative"),
        ("en", "softmax numerics"),
        ("ko", "학습률"),
        ("ko", "가중치와 편향"),
        ("ko", "시그모이드 도함수"),
        ("ko", "소프트맥스의 수치 계산"),
    ],
)
def test_snippets_show_rendered_math_and_no_zero_width_characters(search_boxes, lang, query):
    box = search_boxes[lang]
    assert box.search(query), f"nothing for {query!r}"
    shown = box.page.evaluate(_RESULT_TEXT)
    assert shown, "no result text"
    text = "\n".join(shown)
    assert not re.search("[\u200b-\u200d\u2060\ufeff]", text), "a zero-width character"
    tex = re.findall(r"\\[(\[]|\\(?:frac|eta|lambda|sigma|sum|text|mathrm)\b|\$[^$<]{1,40}\$", text)
    assert tex == [], f"TeX in the snippets of {query!r}: {tex[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_index_page_links_every_term_to_a_section_that_exists(built_site, lang):
    html = built_site.page(lang, "index-terms").read_text(encoding="utf-8")
    content = html[html.index('<article class="md-content__inner') :]
    links = re.findall(r'<a href="(\.\./[^"#]*)#([^"]+)"', content)
    assert len(links) >= 40, f"{lang}: only {len(links)} index links"
    folder = built_site.page(lang, "index-terms").parent
    missing = []
    for href, anchor in set(links):
        target = (folder / href / "index.html").resolve()
        if f'id="{anchor}"' not in target.read_text(encoding="utf-8"):
            missing.append(f"{href}#{anchor}")
    assert missing == [], f"{lang}: index links to no section: {sorted(missing)}"
    groups = re.findall(r'<h2 id="index-[^"]+">([^<]+)', content)
    expected = ["A", "B", "C"] if lang == "en" else ["ㄱ", "ㄴ", "ㄷ"]
    assert groups[:3] == expected, groups
    sitemap = (built_site.root / PROJECT.language(lang).root / "sitemap.xml").read_text("utf-8")
    assert "index-terms/" in sitemap
