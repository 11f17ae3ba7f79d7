"""Each lesson says the same thing in both languages.

That every example runs on its own, as plain python from another directory, is tested on
the scripts the site offers for download (byte for byte these files), in a fresh
virtualenv: tests/downloads/test_downloads.py.
"""

from __future__ import annotations

import re

import pytest
from pymdownx.slugs import slugify

from tests.conftest import DEFAULT_LANGUAGE, LANGUAGES, LESSONS, ROOT, lesson
from tools.checks import parity

EXAMPLES = ROOT / "examples"
_slug = slugify(case="lower")


def test_lessons_exist_in_both_languages():
    names = {lang: sorted(p.stem for p in (EXAMPLES / lang).glob("*.py")) for lang in LANGUAGES}
    default = names[DEFAULT_LANGUAGE]
    assert default, "no example scripts found"
    assert all(names[lang] == default for lang in LANGUAGES)
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", name) for name in default), default


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
