"""The lessons module: the one reader of the scripts, and the parity check on what it reads.

No kernel starts here: every case reads or compares scripts only.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tools import execute, lessons
from tools.checks import parity

SCRIPT = """# ---
# jupyter:
#   nnguide_device: gpu
# ---

# %% [markdown]
# # Tensors { #tensors }
#
# Prose.

# %%
import torch

x = torch.ones(2)  # a comment

# %% [markdown]
# ## Shapes

# %%
print(x.shape)
"""


def project_at(root: Path, languages: tuple[str, ...] = ("en", "ko")):
    """The project's settings for a project at ``root`` of ``languages`` (folders made)."""
    for code in languages:
        (root / "examples" / code).mkdir(parents=True, exist_ok=True)
    return replace(
        PROJECT,
        root=root,
        docs_dir=root / "docs",
        examples_dir=root / "examples",
        cache_dir=root / ".cache",
        languages=tuple(language for language in PROJECT.languages if language.code in languages),
    )


def write(project, lang: str, name: str, text: str | bytes) -> lessons.Example:
    path = project.examples_dir / lang / f"{name}.py"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return next(ex for ex in lessons.discover(project) if ex.script == path)


def test_discover_lists_numbered_scripts_by_language_then_name(tmp_path):
    project = project_at(tmp_path)
    for lang in ("ko", "en"):
        for name in ("01_b", "00_a"):
            write(project, lang, name, "# %%\nx = 1\n")
    # Not scripts: names starting with "_" or "." and files other than *.py.
    for other in ("__init__.py", "_helper.py", ".#01_b.py", "README.md", "01_b.py~"):
        (project.examples_dir / "en" / other).write_text("x = 1\n")
    found = lessons.discover(project)
    assert [ex.label for ex in found] == [
        "examples/en/00_a.py",
        "examples/en/01_b.py",
        "examples/ko/00_a.py",
        "examples/ko/01_b.py",
    ]
    assert found[0].notebook == tmp_path / "docs" / "en" / PROJECT.tutorials / "00_a.ipynb"
    korean = [ex.label for ex in lessons.discover(project, ("ko",))]
    assert korean == ["examples/ko/00_a.py", "examples/ko/01_b.py"]


@pytest.mark.parametrize(
    "name",
    ["9_extra.py", "10-x.py", "abc.py", "01_Topic.py", "001_x.py", "01_.py", "01__x.py", "01x.py"],
)
def test_a_script_name_outside_the_pattern_is_an_error_stating_the_rule(tmp_path, name):
    project = project_at(tmp_path, ("en",))
    write(project, "en", "00_fine", "# %%\nx = 1\n")
    (project.examples_dir / "en" / name).write_text("# %%\nx = 1\n")
    with pytest.raises(lessons.LessonError) as raised:
        lessons.discover(project)
    assert str(raised.value) == (
        f"examples/en/{name}: a lesson script is named NN_topic.py: two digits, '_', then "
        "lowercase letters, digits and single underscores (e.g. 03_loss_and_autograd.py)"
    )


@pytest.mark.parametrize(
    "name", ["00_tensors.py", "07_overfitting_and_regularization.py", "12_a2.py"]
)
def test_names_in_the_pattern_are_lessons(tmp_path, name):
    project = project_at(tmp_path, ("en",))
    (project.examples_dir / "en" / name).write_text("# %%\nx = 1\n")
    assert [ex.script.name for ex in lessons.discover(project)] == [name]


def test_read_gives_text_cells_lines_title_header_and_code(tmp_path):
    project = project_at(tmp_path)
    lesson = lessons.read(write(project, "en", "00_tensors", SCRIPT))
    assert lesson.text == SCRIPT
    assert [cell.cell_type for cell in lesson.notebook.cells] == [
        "markdown",
        "code",
        "markdown",
        "code",
    ]
    assert [cell["id"] for cell in lesson.notebook.cells] == [f"cell-{i}" for i in range(4)]
    lines = SCRIPT.splitlines()
    assert [lines[start - 1] for start in lesson.starts] == [
        "# # Tensors { #tensors }",
        "import torch",
        "# ## Shapes",
        "print(x.shape)",
    ]
    assert lesson.title == "Tensors"
    assert lesson.metadata["nnguide_device"] == "gpu"
    assert lesson.code() == ("import torch\n\nx = torch.ones(2)  # a comment", "print(x.shape)")
    assert lesson.line(lesson.starts[3]) == "print(x.shape)"


def test_each_read_gives_a_notebook_of_its_own(tmp_path):
    example = write(project_at(tmp_path), "en", "00_tensors", SCRIPT)
    first = lessons.read(example)
    first.notebook.cells[1].source = "changed"
    first.notebook.metadata.jupytext["main_language"] = "changed"
    again = lessons.read(example)
    assert again.notebook.cells[1].source.startswith("import torch")
    assert again.notebook.metadata.jupytext["main_language"] == "python"
    assert again.notebook == lessons.parse(SCRIPT), "the copy is the whole parse"
    assert again.notebook.cells[1].metadata is not lessons.read(example).notebook.cells[1].metadata
    # A caller that only reads shares one lesson, which a copy's change does not reach.
    shared = lessons.read(example, copy=False)
    assert shared is lessons.read(example, copy=False)
    assert shared.notebook == lessons.parse(SCRIPT) and shared.code() == again.code()


def test_an_edited_script_is_read_again(tmp_path):
    example = write(project_at(tmp_path), "en", "00_tensors", SCRIPT)
    assert lessons.read(example).title == "Tensors"
    example.script.write_text(SCRIPT.replace("# # Tensors", "# # Tensors and shapes"))
    assert lessons.read(example).title == "Tensors and shapes"
    # An edit in place that keeps the size, within one tick of the file's clock: the
    # modification time and size are those of the last read.
    stat = example.script.stat()
    with example.script.open("r+b") as script:
        script.write(SCRIPT.replace("# # Tensors", "# # Tensors and slices").encode())
    os.utime(example.script, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert example.script.stat().st_size == stat.st_size
    assert lessons.read(example).title == "Tensors and slices"
    assert lessons.read(example, copy=False).title == "Tensors and slices"


def test_a_script_without_header_maps_cells_to_markers():
    text = "# %%\nx = 1\n\n# %% [markdown]\n# Text\n"
    notebook = lessons.parse(text)
    assert lessons.cell_lines(text, notebook) == [2, 5]
    assert lessons.notebook_title(notebook) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xef\xbb\xbf# %%\nx = 1\n", "x.py:1: starts with a byte order mark"),
        (b"# %%\nx = 1\ny = '\xff'\n", "x.py:3: not UTF-8 (byte 0xff at column 6)"),
    ],
)
def test_bad_encodings_name_the_file_line_and_byte(data, message):
    with pytest.raises(lessons.LessonError, match=message.replace("(", r"\(").replace(")", r"\)")):
        lessons.decode(data, "x.py")


def test_read_rejects_a_script_that_is_not_utf8(tmp_path):
    example = write(project_at(tmp_path), "en", "00_x", "# %%\ns = 'é'\n".encode("latin-1"))
    with pytest.raises(lessons.LessonError, match=r"examples/en/00_x.py:2: not UTF-8"):
        lessons.read(example)


def test_strip_anchor_and_title_of_executed_notebook_json():
    assert lessons.strip_anchor("손실 {#loss}") == "손실"
    assert lessons.strip_anchor("Loss") == "Loss"
    notebook = {
        "cells": [
            {"cell_type": "code", "source": "# # not a title"},
            {"cell_type": "markdown", "source": ["Intro\n", "# 손실 { #loss }\n"]},
        ]
    }
    assert lessons.notebook_title(notebook) == "손실"


def pair(tmp_path, english: str, korean: str) -> tuple[lessons.Lesson, lessons.Lesson]:
    project = project_at(tmp_path)
    prefix = "# %%\nimport torch\n\nx = torch.tensor([3.0, 1.0])\nv = 1.5\n"
    en = write(project, "en", "02_second", prefix + english + "\n")
    ko = write(project, "ko", "02_second", prefix + korean + "\n")
    return lessons.read(en), lessons.read(ko)


@pytest.mark.parametrize(
    ("english", "korean", "differs"),
    [
        ('print(f"min {x.argmin()}")', 'print(f"최소 {x.argmin()}")', False),
        ('print(f"min {x.argmin()}")', 'print(f"{x.argmin()} (최소)")', False),
        ('print(f"min {x.argmin()}")', 'print(f"최소 {x.argmax()}")', True),
        ('print(f"min {v:.2f}")', 'print(f"최소 {v:.3f}")', True),
        ('print(f"min {v!r}")', 'print(f"최소 {v}")', True),
        ('print("min", x)  # smallest', 'print("최소", x)  # 가장 작은 값', False),
    ],
)
def test_parity_compares_code_with_f_string_fields_as_code(tmp_path, english, korean, differs):
    problems = parity.compare(*pair(tmp_path, english, korean))
    if not differs:
        assert problems == []
        return
    assert len(problems) == 1
    assert problems[0].startswith(
        "examples/en/02_second.py:6 and examples/ko/02_second.py:6: the code differs"
    )
    assert english in problems[0] and korean in problems[0]


def test_parity_names_the_first_cell_that_differs_in_kind(tmp_path):
    project = project_at(tmp_path)
    en = write(project, "en", "01_x", "# %%\nx = 1\n\n# %% [markdown]\n# Text\n")
    ko = write(project, "ko", "01_x", "# %%\nx = 1\n\n# %%\ny = 2\n")
    assert parity.compare(lessons.read(en), lessons.read(ko)) == [
        "examples/en/01_x.py:5 and examples/ko/01_x.py:5: the cells differ "
        "(2 and 2 cells; cell 2 is markdown and code)"
    ]


def test_parity_check_reports_a_missing_translation_and_a_bad_encoding(tmp_path):
    project = project_at(tmp_path)
    write(project, "en", "01_x", "# %%\nx = 1\n")
    write(project, "en", "02_y", "# %%\nx = 1\n")
    write(project, "ko", "02_y", b"# %%\nx = '\xff'\n")
    assert parity.check(project) == [
        "examples/ko/01_x.py is missing (examples/en/01_x.py exists)",
        "examples/ko/02_y.py:2: not UTF-8 (byte 0xff at column 6); save it as UTF-8",
    ]


def code_lesson(*cells: str) -> lessons.Lesson:
    """A lesson of ``cells`` (code, with a Markdown cell before each)."""
    text = "".join(f"# %% [markdown]\n# Prose.\n\n# %%\n{cell}\n\n" for cell in cells)
    example = lessons.Example("en", "01_x", Path("01_x.py"), Path("01_x.ipynb"), "01_x.py")
    return lessons.from_text(example, text)


@pytest.mark.parametrize(
    ("cells", "imported"),
    [
        # every module and its parent packages, over the cells
        (["import a.b.c as abc\nfrom d.e import f", "import g"], "a a.b a.b.c d d.e g"),
        (['"""A docstring."""\nimport a, b'], "a b"),
        # statements that use no imported name are passed over
        (["import a\nprint('probe')\nx = [1, 2]\nimport b"], "a b"),
        (["import a\ndef f(n):\n    return n + 1\n\nimport b"], "a b"),
        # a statement that could change a later import ends the scan
        (["import os\nos.environ['X'] = '1'\nimport torch"], "os"),
        (
            ["import warnings\nfrom warnings import filterwarnings\nfilterwarnings('x')\nimport b"],
            "warnings",
        ),
        (["import os\ndef f():\n    os.chdir('/')\n\nf()\nimport b"], "os"),
        (["import a as other\nother.setup()", "import b"], "a"),
        (["exec('import os')\nimport b"], ""),
        (["setattr(print, 'x', 1)\nimport b"], ""),
        (["try:\n    import a\nexcept ImportError:\n    pass\nimport b"], ""),
        (["if True:\n    x = 1\nimport b"], "b"),
        (["from a import *\nvalue = 1\nimport b"], "a"),
        (["from . import a\nimport b"], ""),
        (["import a", "print(", "import b"], "a"),
    ],
)
def test_leading_imports_are_those_before_code_that_could_change_an_import(cells, imported):
    assert code_lesson(*cells).leading_imports() == frozenset(imported.split())


def test_a_spare_kernel_imports_what_every_script_imports_first_parents_first(tmp_path):
    """tools.execute.spare_imports: what ``mkdocs serve``'s spare kernels import ahead."""
    project = project_at(tmp_path)
    write(project, "en", "01_a", "# %%\nimport re\nfrom torch import nn\nimport nnguide.device\n")
    write(project, "ko", "01_a", "# %%\nimport torch.nn\nimport nnguide\n")
    assert execute.spare_imports(project) == ("nnguide", "torch")
    write(project, "ko", "02_b", "# %%\nimport os\n\nos.chdir('..')\nimport torch.nn\n")
    assert execute.spare_imports(project) == ()
    write(project, "ko", "02_b", "# %%\nimport torch.nn\nimport nnguide.device\n")
    write(project, "en", "02_b", "# %%\nimport torch.nn\nimport nnguide.device\n")
    assert execute.spare_imports(project) == ("nnguide", "torch")
