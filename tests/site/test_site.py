"""The built site: executed tutorial pages in both languages, downloads, API, self-contained."""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import nbformat
import pytest

from tests.conftest import (
    LANGUAGES,
    LESSONS,
    PROJECT,
    ROOT,
    copy_project,
    run_mkdocs_build,
    small_project,
)

pytestmark = pytest.mark.slow

# Facts each lesson page must show, produced by executing its script.
EXPECTED_OUTPUTS = {
    "01_building_networks": ["9,313", "torch.Size([32, 1])", "torch.Size([64, 128])", "8192"],
    "04_gradient_descent": ["[100, 100, 100, 100, 100, 12]"],
    "05_training_a_classifier": ["4810", "torch.int64"],
    "06_saving_and_devices": [
        "exp_avg_sq",
        "Unsupported global: GLOBAL print",
        "Inference tensors cannot be saved for backward",
    ],
}
# Lesson 5's test accuracy as printed on the page, per language.
ACCURACY = {"en": r"test accuracy (\d+\.\d)%", "ko": r"테스트 정확도 (\d+\.\d)%"}


class Resources(HTMLParser):
    """Collects the URLs a page loads (not the ones it merely links to) and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag in {
            "script",
            "img",
            "iframe",
            "source",
            "audio",
            "video",
            "embed",
        } and attributes.get("src"):
            self.loads.append(attributes["src"])
        if tag == "link" and attributes.get("href"):
            self.loads.append(attributes["href"])
        if tag == "a":
            self.links.append(attributes)


def parse(path: Path) -> Resources:
    parser = Resources()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_url(site_root: Path, html_file: Path) -> str:
    return "http://site.test/" + html_file.parent.relative_to(site_root).as_posix() + "/"


def resolve(site_root: Path, base: str, href: str) -> Path:
    target = urlparse(urljoin(base, href)).path.lstrip("/")
    path = site_root / target
    return path / "index.html" if href.endswith("/") or path.is_dir() else path


def lesson_pages():
    return [(lang, name) for name in LESSONS for lang in LANGUAGES]


@pytest.mark.parametrize(
    ("lang", "name"), lesson_pages(), ids=[f"{lang}/{name}" for lang, name in lesson_pages()]
)
def test_lesson_page_shows_executed_outputs(built_site, lang, name):
    html = built_site.page(lang, f"tutorials/{name}").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    assert "nb-output" in html, "no executed outputs on the page"
    assert "# %%" not in html, "the page shows the raw script text"
    assert "Traceback" not in html
    assert "<style" not in html, "notebook CSS must come from the shared stylesheet"
    assert "assets/stylesheets/notebook.css" in html
    labels = PROJECT.language(lang).labels
    assert labels.runtime.split("{")[0].rstrip(": ") in html
    assert f'<a href="{name}.py" download>{labels.script}</a>' in html
    for fact in EXPECTED_OUTPUTS.get(name, []):
        assert fact in html, f"{fact!r} missing from {lang}/{name}"


@pytest.mark.parametrize(
    ("lang", "name"), lesson_pages(), ids=[f"{lang}/{name}" for lang, name in lesson_pages()]
)
def test_lesson_page_links_to_its_counterpart_and_downloads(built_site, lang, name):
    page = built_site.page(lang, f"tutorials/{name}")
    base = page_url(built_site.root, page)
    links = parse(page).links
    for other in LANGUAGES:
        switch = [a["href"] for a in links if a.get("hreflang") == other]
        assert switch, f"no language switcher link to {other}"
        target = built_site.page(other, f"tutorials/{name}")
        assert resolve(built_site.root, base, switch[0]) == target

    downloads = {Path(a["href"]).suffix: a["href"] for a in links if "download" in a}
    assert set(downloads) == {".py", ".ipynb", ".zip"}
    with zipfile.ZipFile(resolve(built_site.root, base, downloads[".zip"])) as archive:
        assert f"{name}.py" in {Path(entry).name for entry in archive.namelist()}
    script = resolve(built_site.root, base, downloads[".py"])
    assert script.read_bytes() == (ROOT / "examples" / lang / f"{name}.py").read_bytes()
    notebook = nbformat.read(resolve(built_site.root, base, downloads[".ipynb"]), as_version=4)
    nbformat.validate(notebook)
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    # The portable notebook (tools/downloads.py): the lesson's code after an install cell.
    assert "nnguide" not in notebook.metadata, "the build's record is not for readers"
    executed = nbformat.read(built_site.notebook(lang, name), as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code[0].id == "install-nnguide"
    assert [cell.source for cell in code[1:]] == [
        cell.source for cell in executed.cells if cell.cell_type == "code"
    ]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang in ACCURACY])
def test_lesson_5_page_shows_a_test_accuracy_of_at_least_95_percent(built_site, lang):
    html = built_site.page(lang, "tutorials/05_training_a_classifier").read_text(encoding="utf-8")
    printed = [float(value) for value in re.findall(ACCURACY[lang], html)]
    assert printed, "the page prints no test accuracy"
    assert min(printed) >= 95.0


def test_pages_work_from_a_sub_path(built_site):
    """Every internal URL is relative, so the site works at / and under /project/."""
    for lang, name in lesson_pages():
        page = built_site.page(lang, f"tutorials/{name}")
        parsed = parse(page)
        urls = parsed.loads + [a.get("href", "") for a in parsed.links]
        internal = [u for u in urls if u and not urlparse(u).scheme and not u.startswith("#")]
        assert internal
        assert [u for u in internal if u.startswith("/")] == []
        base = "http://pages.test/project/" + page.parent.relative_to(built_site.root).as_posix()
        for url in internal:
            resolved = urlparse(urljoin(base + "/", url)).path
            assert resolved.startswith("/project/"), (url, resolved)
            target = built_site.root / resolved.removeprefix("/project/")
            assert target.exists(), f"{lang}/{name}: {url} -> {target}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_api_reference_documents_summary(built_site, lang):
    """The docstrings are English in both languages; the section titles are the page's."""
    html = built_site.page(lang, "api/summary").read_text(encoding="utf-8")
    assert 'id="nnguide.summary.summary"' in html
    assert "input_size" in html
    assert {"en": "Returns:", "ko": "반환값:"}[lang] in html


def test_no_page_loads_anything_from_another_host(built_site):
    pages = list(built_site.root.rglob("*.html"))
    assert len(pages) >= 4 * len(LANGUAGES)
    offenders = []
    for page in pages:
        for url in parse(page).loads:
            if urlparse(url).scheme in {"http", "https"} or url.startswith("//"):
                offenders.append(f"{page.relative_to(built_site.root)}: {url}")
    for sheet in built_site.root.rglob("*.css"):
        for url in re.findall(
            r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", sheet.read_text(errors="ignore")
        ):
            offenders.append(f"{sheet.relative_to(built_site.root)}: {url}")
    assert offenders == []


def test_home_pages_say_what_the_guide_is(built_site):
    en = built_site.page("en", ".").read_text(encoding="utf-8")
    ko = built_site.page("ko", ".").read_text(encoding="utf-8")
    assert "Who it is for" in en and "Run the examples yourself" in en
    assert "대상 독자" in ko and "예제를 직접 실행하기" in ko
    assert "nnguide — PyTorch로 배우는 신경망" in ko
    for page in (en, ko):
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        assert 'pip install "nnguide[plot,data]"' in text
        # Working on the lessons is the contributors' guide's, not the readers' page's.
        assert 'pip install -e ".[plot,data]"' not in text and "make serve" not in text
    assert 'pip install -e ".[plot,data]"' in (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    assert "Each lesson writes the plain PyTorch version first" not in en
    assert "각 강의는 언제나 순수 PyTorch 코드를 먼저 보여 줍니다" not in ko


def test_a_failing_example_fails_the_build_and_keeps_the_old_site(tmp_path):
    project = small_project(tmp_path / "project", caches=False)
    # The same code in every language (the build checks that first).
    for lang in LANGUAGES:
        script = project / "examples" / lang / f"{LESSONS[0]}.py"
        source = script.read_text(encoding="utf-8")
        script.write_text(
            source + '\n# %%\nraise RuntimeError("deliberately broken")\n', encoding="utf-8"
        )
    line = len(source.splitlines()) + 3
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the good site")
    result = run_mkdocs_build(project, site)
    assert result.returncode != 0
    assert f"examples/ko/{LESSONS[0]}.py:{line}: RuntimeError: deliberately broken" in result.stderr
    assert (site / "index.html").read_text() == "the good site"


def test_search_entries_kept_from_the_last_build_make_the_same_site(executed_project, tmp_path):
    """Every page's search entries kept (tools/search_sections.py) = every page parsed.

    The whole site is built twice from the same sources: first with no entries kept, so
    the search plugin parses every page, then with every page's entries kept from it.
    Every file of the two sites is the same.
    """
    project = copy_project(tmp_path / "project", source=executed_project)
    shutil.rmtree(project / ".cache" / "search" / "sections", ignore_errors=True)
    sites, logs = [tmp_path / "parsed", tmp_path / "kept"], []
    for site in sites:
        result = run_mkdocs_build(project, site, {"NNGUIDE_EXECUTE": "0"})
        assert result.returncode == 0, result.stderr[-3000:]
        logs.append(
            re.findall(
                r"Search index for '(\w+)': \d+ sections \((\d+) pages parsed, (\d+) kept",
                result.stderr,
            )
        )
    assert sorted(lang for lang, _, _ in logs[0]) == sorted(LANGUAGES)
    for (lang, parsed, kept), (lang_again, parsed_again, kept_again) in zip(*logs):
        assert lang == lang_again and int(kept) == 0 and int(parsed) > 10
        assert (int(parsed_again), int(kept_again)) == (0, int(parsed)), lang
    files = sorted(p.relative_to(sites[0]) for p in sites[0].rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(sites[1]) for p in sites[1].rglob("*") if p.is_file())
    differ = [f for f in files if (sites[0] / f).read_bytes() != (sites[1] / f).read_bytes()]
    assert differ == [], differ
