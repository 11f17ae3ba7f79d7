"""tools/index_terms.py: index marks under headings, the Index page, search terms by section."""

from __future__ import annotations

import pytest

from tests.conftest import LANGUAGES, PROJECT
from tests.tools import lesson_fixture
from tools import config, index_terms, lessons
from tools.index_terms import Entry, IndexTermError


def test_a_mark_belongs_to_the_heading_directly_above_it():
    text = (
        "# Loss functions\n"
        "<!-- index: loss -->\n"
        "Intro.\n"
        "\n"
        "## Mean squared error\n"
        "<!--index:cost function;  objective   function ; cost function-->\n"
        "Text.\n"
        "### 학습률 { #the-learning-rate }\n"
        "\n"
        "<!-- index: learning rate -->\n"
        "```python\n"
        "## not a heading\n"
        "```\n"
    )
    found = index_terms.marks(text, "x.md", first_line=10)
    assert [(m.anchor, m.heading, m.terms, m.line) for m in found] == [
        ("loss-functions", "Loss functions", ("loss",), 11),
        ("mean-squared-error", "Mean squared error", ("cost function", "objective function"), 15),
        ("the-learning-rate", "학습률", ("learning rate",), 19),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Some prose.\n<!-- index: loss -->\n",
            r"x\.md:2: an index mark must be the line directly",
        ),
        ("## A\ntext\n<!-- index: loss -->\n", r"x\.md:3: an index mark must be"),
        ("## A\n<!-- index: loss; -->\n", r"x\.md:2: empty index term in 'loss;'"),
        ("```\n## A\n```\n<!-- index: b -->\n", r"x\.md:4: an index mark must be"),
    ],
)
def test_a_mark_away_from_a_heading_or_with_an_empty_term_is_an_error(text, message):
    with pytest.raises(IndexTermError, match=message):
        index_terms.marks(text, "x.md")


def test_a_lessons_marks_carry_their_script_lines():
    text = (
        "# %% [markdown]\n# # Title\n#\n# Intro.\n\n"
        "# %% [markdown]\n# ## The learning rate\n# <!-- index: step size; lr -->\n#\n# Text.\n\n"
        "# %%\nx = 1  # <!-- index: not markdown -->\n"
    )
    example = lessons.Example("en", "04_x", PROJECT.root / "04_x.py", PROJECT.root / "x", "04_x.py")
    marks = lessons.from_text(example, text).index_marks()
    assert [(m.anchor, m.terms, m.line) for m in marks] == [
        ("the-learning-rate", ("step size", "lr"), 8)
    ]
    bad = text.replace("# ## The learning rate\n", "# Prose first.\n")
    with pytest.raises(IndexTermError, match=r"04_x\.py:8: an index mark must be"):
        lessons.from_text(example, bad).index_marks()


def _entry(term: str, page: str = "tutorials/03_x.ipynb", anchor: str = "a") -> Entry:
    return Entry(term, page, index_terms.page_url(page), anchor, "Title", "Heading")


def test_english_sorts_without_regard_to_case_grouped_by_initial():
    terms = ["loss", "Adam", "backpropagation", "batch size", "CNN", "cost function", "1×1"]
    groups = index_terms.grouped([_entry(t) for t in terms], "en")
    assert [(group, [term for term, _ in listed]) for group, listed in groups] == [
        ("A", ["Adam"]),
        ("B", ["backpropagation", "batch size"]),
        ("C", ["CNN", "cost function"]),
        ("L", ["loss"]),
        ("#", ["1×1"]),
    ]


def test_korean_sorts_in_hangul_order_by_initial_consonant_then_latin():
    terms = [
        "학습률",
        "가중치",
        "까마귀",
        "뉴런",
        "비용 함수",
        "빠른 길",
        "NCHW",
        "dying ReLU",
        "역전파",
    ]
    groups = index_terms.grouped([_entry(t) for t in terms], "ko")
    assert [(group, [term for term, _ in listed]) for group, listed in groups] == [
        ("ㄱ", ["가중치", "까마귀"]),
        ("ㄴ", ["뉴런"]),
        ("ㅂ", ["비용 함수", "빠른 길"]),
        ("ㅇ", ["역전파"]),
        ("ㅎ", ["학습률"]),
        ("D", ["dying ReLU"]),
        ("N", ["NCHW"]),
    ]


def test_a_term_at_several_sections_lists_each_once():
    entries = [_entry("loss", anchor="a"), _entry("loss", anchor="b"), _entry("loss", anchor="a")]
    ((_, [(term, found)]),) = index_terms.grouped(entries, "en")
    assert term == "loss" and [e.anchor for e in found] == ["a", "b"]


def test_the_index_links_each_term_to_its_sections_relative_to_the_index_page():
    entries = [
        _entry("cost function", anchor="mean-squared-error"),
        _entry("cost function", page="glossary.md", anchor="terms"),
        Entry("a_[b]", "index.md", "", "x", "Home", "`code`"),
    ]
    text = index_terms.index_markdown(entries, "en", "reference/index-terms.md")
    assert text.splitlines() == [
        "## A { #index-a }",
        "",
        r"- **a\_\[b\]**: [Home › `code`](../index.md#x)",
        "",
        "## C { #index-c }",
        "",
        "- **cost function**: [Title › Heading](../tutorials/03_x.ipynb#mean-squared-error);"
        " [Title › Heading](../glossary.md#terms)",
    ]


def test_search_gets_each_sections_terms_by_location():
    entries = [_entry("a"), _entry("b"), _entry("a"), _entry("c", page="index.md", anchor="x")]
    assert index_terms.by_location(entries) == {"tutorials/03_x/#a": ["a", "b"], "#x": ["c"]}


# A section a reader searches for is marked with the names it goes by; a section whose
# heading most lessons repeat (setup, summary, further reading, exercises) is not.
MAX_TERMS_PER_SECTION = 8


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_lesson_section_marks_the_names_learners_use(lang):
    headings: dict[str, list[str]] = {}
    marked: dict[str, set[str]] = {}
    for example in lessons.discover(PROJECT, (lang,)):
        lesson = lessons.read(example)
        headings[example.label] = [
            index_terms.heading_anchor(match.group(2))
            for cell in lesson.notebook.cells
            if cell.cell_type == "markdown"
            for match in map(index_terms.HEADING.match, cell.source.splitlines())
            if match and len(match.group(1)) in (2, 3)
        ]
        marks = lesson.index_marks()
        marked[example.label] = {mark.anchor for mark in marks}
        for mark in marks:
            assert 1 <= len(mark.terms) <= MAX_TERMS_PER_SECTION, (example.label, mark)
    pages: dict[str, int] = {}
    for anchors in headings.values():
        for anchor in set(anchors):
            pages[anchor] = pages.get(anchor, 0) + 1
    recaps = {anchor for anchor, count in pages.items() if count >= 3}
    assert {"setup", "summary", "exercises"} <= recaps
    unmarked = [
        f"{label}#{anchor}"
        for label, anchors in headings.items()
        for anchor in anchors
        if anchor not in recaps and anchor not in marked[label]
    ]
    assert unmarked == [], "sections without index terms"


@pytest.mark.parametrize(
    ("lang", "term", "location"),
    [
        ("en", "cost function", "tutorials/03_loss_and_autograd/#mean-squared-error"),
        ("en", "artificial neuron", "tutorials/01_building_networks/#anatomy-of-a-network"),
        ("en", "regularisation", "tutorials/07_overfitting_and_regularization/#weight-decay"),
        ("en", "NCHW layout", "tutorials/08_first_cnn/#the-digits-as-images"),
        ("en", "random tensor", "tutorials/00_tensors/#creating-tensors"),
        ("en", "column means", "tutorials/00_tensors/#reductions-along-a-dimension"),
        ("en", "out_features", "tutorials/01_building_networks/#the-fully-connected-layer"),
        ("en", "poor generalization", "tutorials/07_overfitting_and_regularization/#overfitting"),
        ("ko", "열별 평균", "tutorials/00_tensors/#reductions-along-a-dimension"),
        ("ko", "랜덤 텐서", "tutorials/00_tensors/#creating-tensors"),
        ("ko", "비용 함수", "tutorials/03_loss_and_autograd/#mean-squared-error"),
        ("ko", "인공 뉴런", "tutorials/01_building_networks/#anatomy-of-a-network"),
        ("ko", "learning rate", "tutorials/04_gradient_descent/#the-learning-rate"),
        ("ko", "정규화", "tutorials/07_overfitting_and_regularization/#weight-decay"),
    ],
)
def test_the_names_learners_use_lead_to_their_sections(lang, term, location):
    found = index_terms.by_location(index_terms.collect(PROJECT, lang, skip=["index-terms.md"]))
    assert term in found.get(location, []), sorted(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_group_and_term_of_the_index_renders_with_its_text(lang):
    """Terms that start with a digit, a symbol or Markdown's own characters keep them."""
    import markdown
    from lxml import html as lxml_html

    terms = ["1×1 convolution", "#define", "*args", "_private", "<tag>", "[x]", "a & b", "loss"]
    entries = [Entry(term, "p.md", "p/", "a", "Page", "Section") for term in terms]
    text = index_terms.index_markdown(entries, lang, "index-terms.md")
    page = lxml_html.fragment_fromstring(
        markdown.markdown(text, extensions=["attr_list", "toc"]), create_parent="div"
    )
    headings = [h.text_content() for h in page.xpath("h2")]
    assert headings == ["A", "L", "#"], "a group for the terms that start with no letter"
    assert all(h.get("id") for h in page.xpath("h2"))
    shown = [li.xpath("string(strong)") for li in page.xpath("//li")]
    assert sorted(shown) == sorted(terms)


def test_a_lessons_entries_are_read_from_the_cache_until_its_script_changes(tmp_path, monkeypatch):
    root = lesson_fixture.make(tmp_path / "project")
    script = root / "examples" / "en" / "00_fixture.py"
    heading = "# ## 준비 { #setup }\n"
    text = script.read_text(encoding="utf-8")
    script.write_text(text.replace(heading, heading + "# <!-- index: preparation -->\n", 1))
    project = config.load(root)
    read = []
    real_read = lessons.read
    monkeypatch.setattr(
        lessons,
        "read",
        lambda example, **options: read.append(example.label) or real_read(example, **options),
    )
    cache = tmp_path / "cache" / "en.json"

    def lesson_terms():
        entries = index_terms.collect(project, "en", cache=cache)
        return [(e.term, e.page, e.anchor, e.heading) for e in entries if e.page.endswith(".ipynb")]

    assert lesson_terms() == [("preparation", "tutorials/00_fixture.ipynb", "setup", "준비")]
    assert read == ["examples/en/00_fixture.py"]
    assert lesson_terms() == [("preparation", "tutorials/00_fixture.ipynb", "setup", "준비")]
    assert read == ["examples/en/00_fixture.py"]  # not parsed again
    script.write_text(script.read_text(encoding="utf-8").replace("preparation", "set-up step"))
    assert lesson_terms() == [("set-up step", "tutorials/00_fixture.ipynb", "setup", "준비")]
    assert read == ["examples/en/00_fixture.py"] * 2
