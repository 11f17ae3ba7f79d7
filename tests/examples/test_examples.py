"""Every example runs on its own, and each lesson says the same thing in both languages."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from pymdownx.slugs import slugify

from tests.conftest import DEFAULT_LANGUAGE, LANGUAGES, LESSONS, ROOT, lesson, require_marker
from tools.checks import parity

EXAMPLES = ROOT / "examples"
SCRIPTS = [(lang, name) for name in LESSONS for lang in LANGUAGES]
_slug = slugify(case="lower")


def test_lessons_exist_in_both_languages():
    names = {lang: sorted(p.stem for p in (EXAMPLES / lang).glob("*.py")) for lang in LANGUAGES}
    default = names[DEFAULT_LANGUAGE]
    assert default, "no example scripts found"
    assert all(names[lang] == default for lang in LANGUAGES)
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", name) for name in default), default


@pytest.mark.parametrize(
    ("lang", "name"), SCRIPTS, ids=[f"{lang}/{name}" for lang, name in SCRIPTS]
)
@pytest.mark.kernel
def test_example_runs_as_plain_python_from_another_directory(lang, name, tmp_path):
    require_marker("kernel", "runs a lesson script")
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / lang / f"{name}.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "Glyph" not in result.stderr, "a figure is missing glyphs (Hangul font?)"
    assert result.stdout.strip(), "the script printed nothing for the reader to look at"
    assert list(tmp_path.iterdir()) == [], "the script left files in the working directory"


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, anchor) of each heading; explicit ``{ #anchor }`` wins over the slug."""
    found = []
    for match in re.finditer(r"^(#{1,6})\s+(.*?)\s*$", markdown, flags=re.MULTILINE):
        text = match.group(2)
        explicit = re.search(r"\{\s*#([\w-]+)\s*\}$", text)
        found.append((len(match.group(1)), explicit.group(1) if explicit else _slug(text, "-")))
    return found


TRANSLATIONS = [(lang, name) for name in LESSONS for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
TRANSLATION_IDS = [f"{lang}/{name}" for lang, name in TRANSLATIONS]


@pytest.mark.parametrize(("lang", "name"), TRANSLATIONS, ids=TRANSLATION_IDS)
def test_code_parity_between_languages(lang, name):
    """The build's own check (tools.checks.parity): f-string fields and specs are code."""
    assert parity.compare(lesson(DEFAULT_LANGUAGE, name), lesson(lang, name)) == []


@pytest.mark.parametrize(("lang", "name"), TRANSLATIONS, ids=TRANSLATION_IDS)
def test_sections_match_and_translated_headings_keep_the_anchors(lang, name):
    def section_list(code):
        notebook = lesson(code, name).notebook
        cells = [c.source for c in notebook.cells if c.cell_type == "markdown"]
        return [h for source in cells for h in headings(source)]

    default, other = section_list(DEFAULT_LANGUAGE), section_list(lang)
    assert default[0][0] == 1 and other[0][0] == 1, "the first heading is the page title"
    assert default[1:] == other[1:], f"{name}: sections differ between the languages"
