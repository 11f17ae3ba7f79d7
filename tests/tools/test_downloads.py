"""The download step: portable notebooks, archives, Colab links, the notebooks branch."""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

import nnguide
from tests.conftest import PROJECT
from tools import downloads, files

EXECUTED = {
    "cells": [
        {"cell_type": "markdown", "id": "c0", "metadata": {}, "source": ["# 제목\n", "\n", "글"]},
        {
            "cell_type": "markdown",
            "id": "c1",
            "metadata": {},
            "source": "## 준비 { #setup }\n\n[0강](../00_tensors/) · "
            '[PyTorch](https://pytorch.org) · [위](#setup) · [용어집](../../glossary/ "용어")'
            "\n\n```\n## 코드 { #kept }\n```",
        },
        {
            "cell_type": "code",
            "execution_count": 1,
            "id": "c2",
            "metadata": {"execution": {"iopub.status.idle": "2026"}, "lines_to_next_cell": 1},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["3\n"]}],
            "source": "print(1 + 2)",
        },
    ],
    "metadata": {
        "jupytext": {"text_representation": {"extension": ".py"}},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python", "version": "3.11.7"},
        "nnguide": {"run_seconds": 1.5, "key": "abc"},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}
PAGE = "https://example.org/guide/ko/tutorials/01_building_networks/"


def test_headings_lose_the_site_attribute_syntax_and_code_keeps_it():
    text = downloads.clean_markdown("## 준비 { #setup }\n본문 { #not-a-heading }\n", None)
    assert text == "## 준비\n본문 { #not-a-heading }\n"
    fenced = "```\n## 코드 { #kept }\n```\n### 끝 {#end}"
    assert downloads.clean_markdown(fenced, None) == "```\n## 코드 { #kept }\n```\n### 끝"


def test_relative_links_point_at_the_site():
    text = '[0강](../00_tensors/) [a](https://pytorch.org) [b](#setup) [c](../../glossary/ "t")'
    assert downloads.clean_markdown(text, PAGE) == (
        "[0강](https://example.org/guide/ko/tutorials/00_tensors/) [a](https://pytorch.org) "
        '[b](#setup) [c](https://example.org/guide/ko/glossary/ "t")'
    )
    assert downloads.clean_markdown(text, None) == text
    # A link to a page's source (as the lessons write it: MkDocs checks it) is its URL.
    sources = "[0강](00_tensors.ipynb#setup) [용어](../glossary.md) [홈](../index.md)"
    assert downloads.clean_markdown(sources, PAGE) == (
        "[0강](https://example.org/guide/ko/tutorials/00_tensors/#setup) "
        "[용어](https://example.org/guide/ko/glossary/) [홈](https://example.org/guide/ko/)"
    )


def test_portable_notebook():
    install = downloads.install_source("설치합니다.\n둘째 줄", "nnguide[plot,data]==1.0")
    result = downloads.portable(EXECUTED, install, PAGE)
    assert EXECUTED["metadata"]["nnguide"], "the executed notebook is left as it was"
    nbformat.validate(nbformat.from_dict(result))
    assert set(result["metadata"]) == {"kernelspec", "language_info"}
    assert result["metadata"]["language_info"] == {"name": "python"}
    kinds = [(cell["cell_type"], cell["id"]) for cell in result["cells"]]
    assert kinds == [
        ("markdown", "c0"),
        ("code", downloads.INSTALL_CELL_ID),
        ("markdown", "c1"),
        ("code", "c2"),
    ]
    sources = ["".join(cell["source"]) for cell in result["cells"]]
    assert result["cells"][1]["source"][:3] == [
        "# 설치합니다.\n",
        "# 둘째 줄\n",
        "import importlib.util\n",
    ]
    assert sources[1] == install
    assert sources[2].startswith(
        "## 준비\n\n[0강](https://example.org/guide/ko/tutorials/00_tensors/)"
    )
    assert result["cells"][3]["metadata"] == {}
    assert result["cells"][3]["outputs"] == EXECUTED["cells"][2]["outputs"]


def test_the_install_cell_installs_only_what_is_missing(monkeypatch):
    source = downloads.install_source("note", downloads.requirement("9.9"))
    assert 'importlib.util.find_spec("nnguide") is None' in source
    assert '"nnguide[plot,data]==9.9"' in source
    calls = []
    monkeypatch.setattr("subprocess.run", lambda *args, **kwargs: calls.append(args))
    exec(compile(source, "install", "exec"), {})  # nnguide is importable here
    assert calls == []
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    exec(compile(source, "install", "exec"), {})
    assert len(calls) == 1
    assert calls[0][0][1:] == ["-m", "pip", "install", "--quiet", "nnguide[plot,data]==9.9"]


def test_the_package_version_is_read_without_importing(tmp_path):
    assert downloads.package_version(PROJECT) == nnguide.__version__
    (tmp_path / "__init__.py").write_text("VERSION = '1'\n")
    with pytest.raises(downloads.DownloadError, match="no __version__"):
        downloads.package_version(replace(PROJECT, package_dir=tmp_path))


@pytest.mark.parametrize(
    ("repo_url", "expected"),
    [
        ("https://github.com/someone/nnguide", ("someone", "nnguide")),
        ("https://github.com/someone/nnguide.git", ("someone", "nnguide")),
        ("https://github.com/someone/nnguide/", ("someone", "nnguide")),
        ("https://gitlab.com/someone/nnguide", None),
        ("https://github.com/someone", None),
        ("", None),
    ],
)
def test_only_github_repositories_get_colab_links(repo_url, expected):
    assert downloads.github_repository(repo_url) == expected
    url = downloads.colab_url(repo_url, "notebooks", "ko/tutorials/01_x/01_x.ipynb")
    if expected is None:
        assert url is None
    else:
        assert url == (
            "https://colab.research.google.com/github/someone/nnguide/blob/notebooks/"
            "ko/tutorials/01_x/01_x.ipynb"
        )


def make_tutorial(root: Path, code: str = "ko") -> downloads.Tutorial:
    (root / "01_x.py").write_text("# %%\nprint(1)\n", encoding="utf-8")
    (root / "01_x.ipynb").write_text(json.dumps(EXECUTED), encoding="utf-8")
    return downloads.Tutorial(
        PROJECT.language(code),
        "01_x",
        root / "01_x.py",
        root / "01_x.ipynb",
        f"{PROJECT.language(code).root}tutorials/01_x",
    )


def test_notebooks_and_archives_are_cached_by_their_inputs(tmp_path):
    project = replace(PROJECT, cache_dir=tmp_path / "cache")
    made = downloads.Downloads(project)
    tutorial = make_tutorial(tmp_path)
    first = made.notebook(tutorial, "https://example.org/")
    cached = sorted((tmp_path / "cache" / "downloads").iterdir())
    assert len(cached) == 1 and files.read_cached(cached[0]) == first
    assert made.notebook(tutorial, "https://example.org/") == first
    assert len(list((tmp_path / "cache" / "downloads").iterdir())) == 1
    other = made.notebook(tutorial, "https://other.example/")
    assert b"https://other.example/ko/tutorials/00_tensors/" in other
    english = replace(tutorial, language=PROJECT.language("en"))
    assert PROJECT.language("en").labels.install.splitlines()[0].encode() in made.notebook(
        english, ""
    )

    archive = made.archive("ko", [tutorial], "https://example.org/")
    assert made.archive("ko", [tutorial], "https://example.org/") == archive
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.namelist() == [
            "nnguide-tutorials-ko/01_x.py",
            "nnguide-tutorials-ko/01_x.ipynb",
        ]
        assert opened.read("nnguide-tutorials-ko/01_x.ipynb") == first
        assert opened.read("nnguide-tutorials-ko/01_x.py") == tutorial.script.read_bytes()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "edit"])
def test_a_corrupt_cached_notebook_or_archive_is_made_again_with_one_line(tmp_path, caplog, damage):
    project = replace(PROJECT, cache_dir=tmp_path / "cache")
    tutorial = make_tutorial(tmp_path)
    notebook = downloads.Downloads(project).notebook(tutorial, "https://example.org/")
    archive = downloads.Downloads(project).archive("ko", [tutorial], "https://example.org/")
    for entry in sorted((tmp_path / "cache" / "downloads").iterdir()):
        data = entry.read_bytes()
        broken = {
            "truncate": data[: len(data) // 2],
            "garbage": b"\x00" * 10,
            "edit": data.replace(b"print", b"prunt").replace(b"PK", b"PX", 1),
        }[damage]
        assert broken != data
        entry.write_bytes(broken)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.nnguide"):
        made = downloads.Downloads(project)
        assert made.notebook(tutorial, "https://example.org/") == notebook
        assert made.archive("ko", [tutorial], "https://example.org/") == archive
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines  # one per damaged entry: the notebook and the zip
    for suffix, line in zip((".ipynb", ".zip"), lines, strict=True):
        assert re.fullmatch(
            rf"Cache entry \S+{re.escape(suffix)} is corrupt \(.+\): dropped, rebuilding it", line
        )
    for entry in (tmp_path / "cache" / "downloads").iterdir():
        assert files.read_cached(entry) in (notebook, archive)


def test_a_missing_notebook_is_named(tmp_path):
    tutorial = make_tutorial(tmp_path)
    tutorial.notebook.unlink()
    made = downloads.Downloads(replace(PROJECT, cache_dir=tmp_path / "cache"))
    with pytest.raises(downloads.DownloadError, match=r"01_x\.ipynb"):
        made.notebook(tutorial, "")


def test_export_lays_out_the_notebooks_branch(tmp_path):
    site = tmp_path / "site"
    for path in ("tutorials/01_x/01_x.ipynb", "ko/tutorials/01_x/01_x.ipynb", "other.ipynb"):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(path)
    (site / "tutorials/01_x/01_x.py").write_text("print(1)")
    assert downloads.main(["export", str(site), str(tmp_path / "out")]) == 0
    found = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*")
    )
    assert found == [
        "ko",
        "ko/tutorials",
        "ko/tutorials/01_x",
        "ko/tutorials/01_x/01_x.ipynb",
        "tutorials",
        "tutorials/01_x",
        "tutorials/01_x/01_x.ipynb",
    ]
    assert (tmp_path / "out/ko/tutorials/01_x/01_x.ipynb").read_text() == (
        "ko/tutorials/01_x/01_x.ipynb"
    )
    with pytest.raises(downloads.DownloadError, match="no tutorial notebooks"):
        downloads.export(tmp_path / "out" / "ko" / "nothing", tmp_path / "again")
