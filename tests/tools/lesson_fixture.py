"""A tiny two-language project whose lesson uses what a Markdown page can."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat

from tools import config, execute, lessons

ROOT = Path(__file__).resolve().parents[2]

# The lesson's Markdown cells; a code cell comes after each but the last.
MARKDOWN_CELLS = [
    "# Fixture lesson { #fixture }\n\nThe MLP is small.[^small]",
    '!!! note "A note"\n    An admonition with *emphasis*.\n\n'
    '??? details "More"\n    Folded text.\n\n'
    "Inline math $x_1 + y$ and a display:\n\n$$\na^2 + b^2 = c^2\n$$",
    '## 준비 { #setup }\n\n=== "One"\n    First tab.\n\n=== "Two"\n    Second tab.\n\n'
    "See [the home page](../index.md) and [the setup](#setup).",
    "## 준비\n\nAn MLP again; the learning rate (학습률을 바꿉니다).\n\n"
    "*[MLP]: Multi-layer perceptron\n\n[^small]: Two layers.",
]
CODE = ["x = 1\nprint(x)", "y = 2", "print('done')"]


def notebook(markdown_cells: list[str] = MARKDOWN_CELLS) -> dict:
    """The executed lesson as the execute step writes it: cell ids ``cell-<i>``, outputs."""
    cells = []
    for index, text in enumerate(markdown_cells):
        cells.append({"cell_type": "markdown", "metadata": {}, "source": text})
        if index < len(CODE):
            output = {"name": "stdout", "output_type": "stream", "text": f"{index}\n"}
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": index + 1,
                    "metadata": {},
                    "outputs": [output],
                    "source": CODE[index],
                }
            )
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"
    kernel = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return {
        "cells": cells,
        "metadata": {"kernelspec": kernel},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def script(markdown_cells: list[str] = MARKDOWN_CELLS) -> str:
    """The lesson as a jupytext percent script."""
    parts = []
    for index, text in enumerate(markdown_cells):
        parts.append(
            "# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in text.split("\n"))
        )
        if index < len(CODE):
            parts.append("# %%\n" + CODE[index])
    return "\n\n".join(parts) + "\n"


def make(root: Path, markdown_cells: list[str] = MARKDOWN_CELLS) -> Path:
    """The project at ``root``: the site's ``mkdocs.yml`` without its nav, one lesson and
    a page with the lesson's Markdown (``page.md``) in each language."""
    root.mkdir(parents=True, exist_ok=True)
    settings = (ROOT / config.CONFIG_FILE).read_text(encoding="utf-8")
    settings = re.sub(r"^nav:\n(?:[ -].*\n)*", "", settings, flags=re.M)
    (root / config.CONFIG_FILE).write_text(settings, encoding="utf-8")
    for folder in ("overrides", "nnguide", "tools"):
        os.symlink(ROOT / folder, root / folder)
    os.symlink(ROOT / "node_modules", root / "node_modules")
    (root / "docs").mkdir()
    os.symlink(ROOT / "docs" / "assets", root / "docs" / "assets")
    for code in ("en", "ko"):
        docs = root / "docs" / code
        (docs / "tutorials").mkdir(parents=True)
        (docs / "index.md").write_text("# Home\n", encoding="utf-8")
        shutil.copy(ROOT / "docs" / code / "glossary.md", docs / "glossary.md")
        (docs / "build-status.md").write_text("# Build status\n", encoding="utf-8")
        (docs / "tutorials" / "page.md").write_text(
            "\n\n".join(markdown_cells) + "\n", encoding="utf-8"
        )
        (root / "examples" / code).mkdir(parents=True)
        (root / "examples" / code / "00_fixture.py").write_text(script(markdown_cells), "utf-8")
    project = config.load(root)
    for example in lessons.discover(project):
        executed = nbformat.from_dict(notebook(markdown_cells))
        execute.stamp(project, example, executed)  # as if run: NNGUIDE_EXECUTE=0 uses it
        nbformat.write(executed, example.notebook)
    return root
