"""Every tutorial page says where, when and how long its script ran; so does a status page.

Also: each figure's alt text describes it in the page's language, and on the hosted
site (repository URL set, as the Pages workflow does) every page has an edit link,
a tutorial's pointing at its script.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
from pathlib import Path

import pytest
import torch

from tests.conftest import HOSTED, LANGUAGES, LESSONS, PROJECT, ROOT, BuiltSite
from tools.lessons import strip_anchor

pytestmark = pytest.mark.slow

PAGES = [(lang, name) for lang in LANGUAGES for name in LESSONS]
IDS = [f"{lang}/{name}" for lang, name in PAGES]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def notebook(site: BuiltSite, lang: str, name: str) -> dict:
    """The executed notebook ``site`` was built from."""
    return json.loads(site.notebook(lang, name).read_text(encoding="utf-8"))


def record(site: BuiltSite, lang: str, name: str) -> dict:
    return notebook(site, lang, name)["metadata"]["nnguide"]


def pattern(template: str) -> re.Pattern:
    """A regex for a label's format string; each ``{field}`` becomes a named group."""
    parts = re.split(r"\{(\w+)(?::[^}]*)?\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex + "$")


def expected_device() -> str:
    """What the lessons run on here: ``nnguide.get_device()`` picks CUDA, then MPS, then CPU."""
    if torch.cuda.is_available():
        return f"CUDA ({torch.cuda.get_device_name()})"
    if torch.backends.mps.is_available():
        return "MPS"
    return "CPU"


def executed_in(log: str) -> set[str]:
    """Scripts the build log says were executed ("Examples: 2 executed (a, b), ...")."""
    found = re.search(r"Examples: (\d+) executed(?: \(([^)]*)\))?", log)
    assert found, "the build log has no Examples line"
    names = {label.strip() for label in (found.group(2) or "").split(",") if label.strip()}
    assert len(names) == int(found.group(1))
    return names


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=IDS)
def test_every_tutorial_page_says_where_when_and_with_what_it_ran(built_site, lang, name):
    html = built_site.page(lang, f"tutorials/{name}").read_text(encoding="utf-8")
    paragraphs = re.findall(r'<p class="nb-provenance">(.*?)</p>', html)
    assert len(paragraphs) == 1, "one provenance line per tutorial page"
    labels = PROJECT.language(lang).labels
    facts = pattern(labels.provenance).match(paragraphs[0])
    assert facts, paragraphs[0]
    # The build's own interpreter ran the kernel.
    assert facts["python"] == platform.python_version()
    assert facts["torch"] == torch.__version__
    assert facts["device"] == expected_device()
    executed = dt.datetime.strptime(facts["date"], "%Y-%m-%d %H:%M UTC")
    recorded = dt.datetime.fromisoformat(record(built_site, lang, name)["executed_at"])
    assert executed.strftime("%Y-%m-%d %H:%M") == recorded.strftime("%Y-%m-%d %H:%M")
    mebibytes = int(facts["memory"].removesuffix(" MiB").replace(",", ""))
    assert mebibytes == round(record(built_site, lang, name)["peak_memory"] / 2**20)
    assert 100 < mebibytes < 8192, "a kernel that imported torch uses at least 100 MiB"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_build_status_page_lists_every_lesson_with_what_this_build_did(built_site, lang):
    html = built_site.page(lang, "build-status").read_text(encoding="utf-8")
    labels = PROJECT.language(lang).labels
    header = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert header and re.findall(r"<th[^>]*>(.*?)</th>", header.group(1)) == list(
        labels.status_columns
    )
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body
    rows = [
        re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]
    assert len(rows) == len(LESSONS) + 1, "one row per lesson and the total"
    executed = executed_in(built_site.log)
    unit = {"en": " s", "ko": "초"}[lang]
    total = 0.0
    for name, row in zip(LESSONS, rows, strict=False):
        link = re.search(r'<a href="([^"]+)">(.*?)</a>', row[0])
        assert link, row[0]
        target = built_site.page(lang, "build-status").parent / link.group(1) / "index.html"
        assert target.resolve() == built_site.page(lang, f"tutorials/{name}").resolve()
        title = next(
            line[2:]
            for cell in notebook(built_site, lang, name)["cells"]
            if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines()
            if line.startswith("# ")
        )
        assert link.group(2) == strip_anchor(title)
        seconds = record(built_site, lang, name)["run_seconds"]
        total += seconds
        assert row[1] == f"{seconds:.2f}{unit}"
        assert row[2] == f"{round(record(built_site, lang, name)['peak_memory'] / 2**20):,} MiB"
        assert f"Python {platform.python_version()}" in row[3]
        assert f"PyTorch {torch.__version__}" in row[3]
        label = f"examples/{lang}/{name}.py"
        assert row[4] == (labels.executed if label in executed else labels.cached)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", row[5])
    assert f"{total:.2f}{unit}" in rows[-1][1]


@pytest.mark.parametrize(("lang", "name"), PAGES, ids=IDS)
def test_each_figure_is_described_by_its_titles_in_the_page_language(built_site, lang, name):
    page = built_site.page(lang, f"tutorials/{name}")
    alts = re.findall(r'<img alt="([^"]*)"[^>]*src="figure-', page.read_text(encoding="utf-8"))
    described = [
        " ".join("".join(output["data"]["text/plain"]).split())
        for cell in notebook(built_site, lang, name)["cells"]
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    assert len(alts) == len(described)
    template = PROJECT.language(lang).labels.figure
    for number, (alt, text) in enumerate(zip(alts, described, strict=True), start=1):
        assert not text.startswith("<Figure"), f"figure {number} of {name} has no title"
        assert alt == template.format(number=number, description=text).replace("&", "&amp;")
        if lang == "ko":
            assert HANGUL.search(text), f"figure {number}: {text!r} is not in Korean"


def test_the_hosted_site_has_an_edit_link_on_every_page(hosted_site):
    repository = HOSTED["REPO_URL"]
    pages = sorted(hosted_site.root.rglob("index.html"))
    assert len(pages) > 2 * len(LESSONS)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        edits = re.findall(r'<a href="([^"]+)" title="[^"]*" class="md-content__button[^"]*"', html)
        assert edits, f"{page.relative_to(hosted_site.root)} has no edit link"
        prefix = f"{repository}/edit/main/"
        assert edits[0].startswith(prefix)
        source = ROOT / edits[0][len(prefix) :]
        assert source.is_file(), f"the edit link of {page} points at {source}, not a file"
        assert source.suffix in {".md", ".py"}, "a tutorial's edit link points at its script"
        # Material's repository link without the facts fetched from api.github.com.
        assert f'href="{repository}"' in html
        assert 'data-md-component="source"' not in html
        assert f'<link rel="canonical" href="{hosted_site.url}' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_edit_link_of_a_tutorial_is_its_script(hosted_site, lang):
    name = LESSONS[1]
    html = hosted_site.page(lang, f"tutorials/{name}").read_text(encoding="utf-8")
    script = f"{HOSTED['REPO_URL']}/edit/main/examples/{lang}/{name}.py"
    assert f'href="{script}"' in html
    assert Path(ROOT / "examples" / lang / f"{name}.py").is_file()


def test_the_korean_navigation_is_in_korean(built_site):
    html = built_site.page("ko", "api/layers").read_text(encoding="utf-8")
    nav = re.findall(r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', html)
    for english in ("Layers", "Models", "Training", "Build status", "Overview"):
        assert english not in nav
    for korean in ("계층", "모델", "학습", "빌드 상태", "조기 종료", "합성곱"):
        assert korean in nav
