"""Bounded outputs (tools/outputs.py) and the settings of the limits (tools/config.py)."""

from __future__ import annotations

import copy
import json

import pytest

from tools import config, downloads, outputs

NOTE = "[… {cut} cut of {size} …]"
LIMITS = outputs.Limits(output=10_000, notebook=30_000, download=1_000_000)


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def notebook(*cells: list[dict]) -> dict:
    return {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": list(found), "source": ""}
            for found in cells
        ],
        "metadata": {},
    }


def page_size(nb: dict) -> int:
    return sum(outputs.size(o) for cell in nb["cells"] for o in cell["outputs"])


def test_a_huge_print_keeps_its_head_and_tail_with_a_note_of_what_was_cut():
    text = "".join(f"step {i}\n" for i in range(1_000_000))  # 11.9 MB
    nb = notebook([stream(text)])
    outputs.bound(nb, LIMITS, NOTE)
    shown = nb["cells"][0]["outputs"][0]["text"]
    assert outputs.size(nb["cells"][0]["outputs"][0]) <= LIMITS.output
    assert shown.startswith("step 0\nstep 1\n") and shown.endswith("step 999999\n")
    assert "[… 11.3 MiB cut of 11.3 MiB …]" in shown
    # Past the download bound, the full output is not kept.
    assert outputs.FULL_KEY not in nb["cells"][0]["metadata"]


def test_outputs_past_the_notebook_bound_are_left_out_with_a_note_per_cell():
    lines = [stream(f"line {i} " + "y" * 1000 + "\n") for i in range(100)]  # 100 outputs of 1 KB
    nb = notebook(lines, [stream("after " + "w" * 2000 + "\n")])
    cut = outputs.bound(nb, LIMITS, NOTE)
    assert page_size(nb) <= LIMITS.notebook + 200
    first = nb["cells"][0]["outputs"]
    assert first[0] == lines[0]
    assert "cut of" in first[-1]["text"]
    assert nb["cells"][1]["outputs"][0]["text"].startswith("[…")  # no room left: a note
    assert cut > 70_000
    # Small enough for the download: both cells keep their full outputs there.
    assert nb["cells"][0]["metadata"][outputs.FULL_KEY] == lines


def test_a_large_rich_output_keeps_only_its_text_form():
    image = {
        "output_type": "display_data",
        "data": {"image/png": "A" * 50_000, "text/plain": "<Figure size 640x480>"},
        "metadata": {"image/png": {"width": 640}},
    }
    nb = notebook([image])
    outputs.bound(nb, LIMITS, NOTE)
    kept = nb["cells"][0]["outputs"][0]
    assert set(kept["data"]) == {"text/plain"}
    assert kept["data"]["text/plain"].startswith("<Figure size 640x480>\n[… ")


def test_outputs_within_the_bounds_and_errors_are_untouched():
    error = {"output_type": "error", "ename": "E", "evalue": "x" * 50_000, "traceback": []}
    small = stream("fine\n")
    nb = notebook([small, error])
    before = copy.deepcopy(nb)
    assert outputs.bound(nb, LIMITS, NOTE) == 0
    assert nb == before


def test_the_download_gets_the_full_outputs_back_and_the_page_does_not():
    text = "z" * 40_000 + "\n"
    nb = notebook([stream(text)])
    outputs.bound(nb, LIMITS, NOTE)
    assert len(nb["cells"][0]["outputs"][0]["text"]) < 10_000
    portable = downloads.portable(json.loads(json.dumps(nb)), "pass", None)
    code = [cell for cell in portable["cells"] if cell.get("id") != downloads.INSTALL_CELL_ID]
    assert code[0]["outputs"] == [stream(text)]
    assert outputs.FULL_KEY not in code[0]["metadata"]


def test_the_note_is_in_the_page_s_language():
    project = config.load()
    korean = project.language("ko").labels.truncated
    nb = notebook([stream("가" * 20_000)])
    outputs.bound(nb, LIMITS, korean)
    assert "생략했습니다" in nb["cells"][0]["outputs"][0]["text"]


@pytest.mark.parametrize(
    ("value", "size"),
    [("4GiB", 4 * 2**30), ("200 KB", 200_000), ("1.5MiB", 3 * 2**19), (4096, 4096), ("2g", 2**31)],
)
def test_sizes_in_mkdocs_yml(value, size):
    assert config.parse_size(value, "extra.nnguide.output_limit") == size


@pytest.mark.parametrize("value", ["lots", "-1GiB", "0", 0, True, "4 parsecs", [], 1e400])
def test_a_wrong_size_names_the_setting_and_the_value(value):
    with pytest.raises(config.ConfigError, match=r"extra\.nnguide\.output_limit must be a size"):
        config.parse_size(value, "extra.nnguide.output_limit")


def settings(**nnguide) -> dict:
    labels = {
        name: "x {seconds} {date} {number}"
        for name in ("download", "script", "notebook", "runtime", "provenance", "figure")
    }
    labels.update(
        executed="e", cached="c", used_in="u", colab="c", install="i", solution="s", archive="a"
    )
    labels["status_columns"] = list("abcdef")
    language = {"locale": "en", "default": True, "name": "English", "extra": {"labels": labels}}
    return {
        "extra": {"nnguide": nnguide},
        "plugins": [{"i18n": {"languages": [language]}}],
    }


def test_limits_come_from_extra_nnguide_with_defaults(tmp_path):
    default = config.from_mapping(settings(), tmp_path)
    assert default.kernel_memory_limit == 8 * 2**30
    assert default.output_limit < default.notebook_output_limit < default.download_output_limit
    assert default.default.labels.truncated.count("{cut}") == 1
    project = config.from_mapping(
        settings(kernel_memory_limit="1GiB", output_limit="100KB", download_output_limit=10**7),
        tmp_path,
    )
    assert (project.kernel_memory_limit, project.output_limit) == (2**30, 100_000)
    assert project.download_output_limit == 10**7
    assert (
        config.from_mapping(settings(kernel_memory_limit=None), tmp_path).kernel_memory_limit
        is None
    )
    with pytest.raises(config.ConfigError, match=r"kernel_memory_limit must be a size.*'lots'"):
        config.from_mapping(settings(kernel_memory_limit="lots"), tmp_path)
