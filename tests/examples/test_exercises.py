"""Every lesson ends with exercises whose solutions run and assert like the lesson's code.

A lesson's last section is ``## Exercises { #exercises }`` (in Korean ``## 연습 문제
{ #exercises }``): a numbered list of 2 or 3 exercises in its Markdown, and one code cell
per exercise tagged ``solution`` (``# %% tags=["solution"]`` in the percent script),
which the page folds away. A solution is lesson code like any other: the build executes
it, so it prints its answer and ``assert``s it. No kernel is needed to check the shape
of the section; the solutions themselves run in the lesson tests and the site build.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_LANGUAGE, LANGUAGES, LESSONS, lesson
from tests.examples.test_examples import headings
from tools import lessons

ANCHOR = "exercises"
SOLUTION_TAG = "solution"
EXERCISES_PER_LESSON = (2, 3)
_NUMBERED = re.compile(r"^(\d+)\.\s", flags=re.MULTILINE)


@dataclass(frozen=True)
class Exercises:
    """The exercises section of one lesson script, as the build reads the script."""

    numbers: tuple[int, ...]  # the numbers of the list items, in order
    solutions: tuple[str, ...]  # the sources of the solution cells, in order
    problems: tuple[str, ...]  # what is wrong with the section, one message each


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _calls(tree: ast.AST, name: str) -> bool:
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
        for node in ast.walk(tree)
    )


def read_exercises(script: lessons.Lesson) -> Exercises:
    """The exercises of ``script`` and every way its section breaks the convention."""
    label = script.example.label
    cells = script.notebook.cells
    starts = [
        index
        for index, cell in enumerate(cells)
        if cell.cell_type == "markdown"
        and any(anchor == ANCHOR for _, anchor in headings(cell.source))
    ]
    if len(starts) != 1:
        return Exercises((), (), (f"{label}: {len(starts)} sections #{ANCHOR}, expected 1",))
    start = starts[0]
    section = cells[start:]
    problems = []
    if any(cell.cell_type == "markdown" and headings(cell.source) for cell in section[1:]):
        problems.append(f"{label}: a section follows the exercises; they end the lesson")
    numbers = tuple(
        int(match.group(1))
        for cell in section
        if cell.cell_type == "markdown"
        for match in _NUMBERED.finditer(cell.source)
    )
    if numbers != tuple(range(1, len(numbers) + 1)):
        problems.append(f"{label}: the exercises are numbered {list(numbers)}, not 1, 2, ...")
    if not EXERCISES_PER_LESSON[0] <= len(numbers) <= EXERCISES_PER_LESSON[-1]:
        problems.append(f"{label}: {len(numbers)} exercises, expected 2 or 3")
    if any(SOLUTION_TAG in _tags(cell) for cell in cells[:start]):
        problems.append(f"{label}: a cell tagged {SOLUTION_TAG!r} comes before the exercises")
    code = [cell for cell in section if cell.cell_type == "code"]
    solutions = tuple(cell.source for cell in code if SOLUTION_TAG in _tags(cell))
    if len(solutions) != len(code):
        problems.append(f"{label}: a code cell in the exercises is not tagged {SOLUTION_TAG!r}")
    if len(solutions) != len(numbers):
        problems.append(f"{label}: {len(numbers)} exercises but {len(solutions)} solutions")
    for number, source in enumerate(solutions, start=1):
        tree = ast.parse(source)
        if not any(isinstance(node, ast.Assert) for node in ast.walk(tree)):
            problems.append(f"{label}: solution {number} asserts nothing")
        if not _calls(tree, "print"):
            problems.append(f"{label}: solution {number} prints nothing")
    return Exercises(numbers, solutions, tuple(problems))


LESSON_LANGUAGES = [(lang, name) for name in LESSONS for lang in LANGUAGES]


@pytest.mark.parametrize(
    ("lang", "name"), LESSON_LANGUAGES, ids=[f"{lang}/{name}" for lang, name in LESSON_LANGUAGES]
)
def test_lesson_ends_with_exercises_and_asserted_solutions(lang, name):
    found = read_exercises(lesson(lang, name))
    assert found.problems == ()
    assert len(found.solutions) == len(found.numbers) in EXERCISES_PER_LESSON


@pytest.mark.parametrize("name", LESSONS)
def test_translations_have_the_same_exercises(name):
    default = read_exercises(lesson(DEFAULT_LANGUAGE, name))
    for lang in LANGUAGES:
        other = read_exercises(lesson(lang, name))
        assert (len(other.numbers), len(other.solutions)) == (
            len(default.numbers),
            len(default.solutions),
        ), f"{lang}/{name}"


def _script(text: str) -> lessons.Lesson:
    example = lessons.Example("en", "99_x", Path("99_x.py"), Path("99_x.ipynb"), "99_x.py")
    return lessons.from_text(example, text)


GOOD = """\
# %% [markdown]
# # Title
#
# ## Part

# %%
x = 1

# %% [markdown]
# ## Exercises { #exercises }
#
# 1. Add one.
#    Then check.
# 2. Add two.

# %% tags=["solution"]
print(x + 1)
assert x + 1 == 2

# %% tags=["solution"]
print(x + 2)
assert x + 2 == 3
"""


def test_a_section_by_the_convention_reads_whole():
    found = read_exercises(_script(GOOD))
    assert found.numbers == (1, 2) and found.problems == ()
    assert found.solutions == ("print(x + 1)\nassert x + 1 == 2", "print(x + 2)\nassert x + 2 == 3")


def test_an_exercise_may_have_its_own_markdown_cell():
    split = GOOD.replace("# 2. Add two.\n\n", "", 1).replace(
        '\n\n# %% tags=["solution"]\nprint(x + 2)', SECOND, 1
    )
    assert split.count("# %% [markdown]") == 3
    found = read_exercises(_script(split))
    assert found.numbers == (1, 2) and found.problems == ()


SECOND = """

# %% [markdown]
# 2. Add two.

# %% tags=["solution"]
print(x + 2)"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("# ## Exercises { #exercises }", "# ## Practice"), "0 sections #exercises, expected 1"),
        (("assert x + 2 == 3", "y = x + 2"), "solution 2 asserts nothing"),
        (("print(x + 1)", "y = x + 1"), "solution 1 prints nothing"),
        (('# %% tags=["solution"]\nprint(x + 2)', "# %%\nprint(x + 2)"), "is not tagged"),
        (("# 2. Add two.", "# 3. Add two."), "numbered [1, 3]"),
        (("# 2. Add two.", "# Add two."), "1 exercises, expected 2 or 3"),
        (("# 2. Add two.", "# 2. Add two.\n# 3. And three."), "3 exercises but 2 solutions"),
        (("# %%\nx = 1", '# %% tags=["solution"]\nx = 1'), "comes before the exercises"),
        (("assert x + 2 == 3\n", "assert x + 2 == 3\n\n# %% [markdown]\n# ## More\n"), "follows"),
    ],
)
def test_a_broken_section_is_named(change, message):
    old, new = change
    assert old in GOOD
    found = read_exercises(_script(GOOD.replace(old, new, 1)))
    assert any(message in problem for problem in found.problems), found.problems
