"""Bounded outputs: a script that prints megabytes makes neither a huge page nor a failed build.

The execute step passes every executed notebook through :func:`bound` before storing
it. The executed notebook is the page's source, so its outputs are what the page shows:

* an output larger than ``Limits.output`` bytes keeps its head and its tail, with a
  note between them saying how much was cut (the label ``truncated`` of the lesson's
  language in ``mkdocs.yml``); a rich output (HTML, an image) that is too large keeps
  only its text form, cut the same way;
* once a notebook's outputs reach ``Limits.notebook`` bytes, the outputs after that are
  left out, with one note per cell saying how much.

When something was cut and the notebook's outputs, in full, are no more than
``Limits.download`` bytes, each cut cell keeps its full outputs in its metadata
(:data:`FULL_KEY`), which the page does not show; the downloadable notebook puts them
back (:func:`restore_full`). Past that bound the download has the page's outputs.
Error outputs are never cut (a failing script fails the build anyway).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from tools.failure import format_size

# Cell metadata key of a cut cell's full outputs (kept for the downloadable notebook).
FULL_KEY = "nnguide_full_outputs"
# An output is left out, rather than cut, where less than this is left of the budget.
SMALLEST_CUT = 512


@dataclass(frozen=True)
class Limits:
    """Bounds on outputs, in bytes of their JSON."""

    output: int  # one output, on the page
    notebook: int  # all outputs of a notebook, on the page
    download: int  # all outputs in full, for the downloadable notebook to keep them


def size(output: Any) -> int:
    """The bytes of an output as stored: its JSON in UTF-8."""
    return len(json.dumps(output, ensure_ascii=False).encode("utf-8"))


def note(template: str, cut: int, total: int) -> str:
    """The truncation note: ``template`` with ``{cut}`` and ``{size}`` filled in.

    >>> note("[… {cut} of {size} cut …]", 3 * 2**20, 50 * 2**20)
    '[… 3 MiB of 50 MiB cut …]'
    """
    try:
        return template.format(cut=format_size(cut), size=format_size(total))
    except (KeyError, IndexError, ValueError):
        return f"{template} ({format_size(cut)} / {format_size(total)})"


def cut_text(text: str, allowed: int, template: str) -> str:
    """``text`` in at most about ``allowed`` bytes: its head, a note, its tail.

    Whole lines are kept where the text has lines.

    >>> cut_text("".join(f"line {i}\\n" for i in range(1000)), 40, "[{cut} cut]").splitlines()
    ['line 0', 'line 1', '[8.7 KiB cut]', 'line 998', 'line 999']
    """
    data = text.encode("utf-8")
    if len(data) <= allowed:
        return text
    half = max(0, allowed // 2)
    head = data[:half].decode("utf-8", "ignore")
    tail = data[len(data) - half :].decode("utf-8", "ignore") if half else ""
    if "\n" in head:
        head = head[: head.rindex("\n") + 1]
    if "\n" in tail:
        tail = tail[tail.index("\n") + 1 :]
    cut = len(data) - len(head.encode("utf-8")) - len(tail.encode("utf-8"))
    separator = "" if not head or head.endswith("\n") else "\n"
    return f"{head}{separator}{note(template, cut, len(data))}\n{tail}"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


def _stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text}


def cut_output(output: Any, allowed: int, template: str) -> Any:
    """``output`` made to fit in about ``allowed`` bytes, with a note of what was cut."""
    total = size(output)
    kind = output.get("output_type") if isinstance(output, dict) else None
    if kind == "stream":
        shrunk = copy.copy(output)
        text = _text(output.get("text"))
        # JSON escapes take room too: cut the text in proportion to its stored size.
        room = int(max(0, allowed - 64) * len(text.encode("utf-8")) / max(1, total))
        for _ in range(3):
            shrunk["text"] = cut_text(text, room, template)
            over = size(shrunk) - allowed
            if over <= 0:
                break
            room = max(0, room - 2 * over)
        return shrunk
    if kind in ("display_data", "execute_result"):
        shrunk = copy.copy(output)
        plain = _text((output.get("data") or {}).get("text/plain"))
        room = max(0, allowed - len(template) - 64)
        kept = cut_text(plain, room, template) if plain else ""
        cut = total - len(kept.encode("utf-8"))
        if kept == plain:  # the text form fits: what is left out is the rich forms
            kept = f"{plain}\n{note(template, cut, total)}" if plain else note(template, cut, total)
        shrunk["data"] = {"text/plain": kept}
        shrunk["metadata"] = {}
        return shrunk
    return _stream(note(template, total, total) + "\n")


def bound(notebook: Any, limits: Limits, template: str) -> int:
    """Cut ``notebook``'s outputs (in place) to ``limits``; return the bytes cut.

    >>> nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [
    ...     {"output_type": "stream", "name": "stdout", "text": "x\\n" * 10000}]}]}
    >>> bound(nb, Limits(output=1000, notebook=5000, download=10**6), "[{cut} cut]")
    29057
    >>> nb["cells"][0]["outputs"][0]["text"].count("x"), len(nb["cells"][0]["metadata"][FULL_KEY])
    (309, 1)
    """
    cells = [cell for cell in notebook["cells"] if cell.get("cell_type") == "code"]
    full_total = sum(size(output) for cell in cells for output in cell.get("outputs", []))
    remaining = limits.notebook
    originals: dict[int, list[Any]] = {}
    cut_bytes = 0
    for index, cell in enumerate(cells):
        kept: list[Any] = []
        dropped = 0
        for output in cell.get("outputs", []):
            measured = size(output)
            allowed = min(limits.output, remaining)
            if output.get("output_type") == "error" or measured <= allowed:
                kept.append(output)
            elif allowed >= SMALLEST_CUT:
                shrunk = cut_output(output, allowed, template)
                cut_bytes += measured - size(shrunk)
                kept.append(shrunk)
            else:
                dropped += measured
                continue
            remaining -= size(kept[-1])
        if dropped:
            kept.append(_stream(note(template, dropped, dropped) + "\n"))
            cut_bytes += dropped
        if kept != cell.get("outputs", []):
            originals[index] = cell.get("outputs", [])
            cell["outputs"] = kept
    if originals and full_total <= limits.download:
        for index, full in originals.items():
            cells[index].setdefault("metadata", {})[FULL_KEY] = full
    return cut_bytes


def restore_full(notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` (a parsed ``.ipynb``, changed in place) with the full outputs back.

    The downloadable notebook calls it: where a cell kept its full outputs, they
    replace the cut ones; the metadata key goes either way.
    """
    for cell in notebook.get("cells", []):
        metadata = cell.get("metadata")
        if not isinstance(metadata, dict):
            continue
        full = metadata.pop(FULL_KEY, None)
        if isinstance(full, list) and cell.get("cell_type") == "code":
            cell["outputs"] = full
    return notebook
