"""Tutorial page step: what the build adds around a rendered tutorial, and the status page.

* A tutorial page gets the downloads (script, notebook, "Open in Colab" where
  ``repo_url`` is a GitHub repository) under its title, and its run time and where it
  ran (:func:`provenance`) at its end, from the executed notebook's metadata.
* Its title carries its number (from its file name) in the navigation, the browser
  tab, the previous/next links (:func:`numbered_title`) and its heading
  (:func:`numbered_heading`).
* Its edit link points at its script, not at the generated notebook.
* The build-status page gets a table of every lesson of its language (:func:`status_table`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import posixpath
import re
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any

from tools import config, downloads, lessons
from tools.lessons import METADATA_KEY


def memory(size: Any) -> str | None:
    """A byte count in MiB for people, None where it was not recorded.

    >>> memory(3 * 2**20), memory(None)
    ('3 MiB', None)
    """
    return f"{size / 2**20:,.0f} MiB" if isinstance(size, int | float) else None


def provenance(metadata: dict[str, Any]) -> dict[str, str] | None:
    """Where and when a notebook was executed, from its metadata (None if not recorded).

    >>> provenance({"executed_at": "2026-01-02T03:04:05+00:00", "python": "3.11",
    ...             "torch": "2.13", "device": "CPU", "peak_memory": 2**30})["date"]
    '2026-01-02 03:04 UTC'
    >>> provenance({}) is None
    True
    """
    try:
        executed = dt.datetime.fromisoformat(metadata["executed_at"])
        facts = {name: metadata[name] for name in ("python", "torch", "device")}
    except (KeyError, TypeError, ValueError):
        return None
    used = memory(metadata.get("peak_memory")) or "?"
    device_memory = memory(metadata.get("device_peak_memory"))
    if device_memory:
        used += f" (GPU {device_memory})"
    date = executed.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return {
        **{name: escape(str(value)) for name, value in facts.items()},
        "date": date,
        "memory": used,
    }


def header(labels: config.Labels, name: str, colab: str | None) -> str:
    """The downloads line under a tutorial's title (``colab``: the Colab URL, or None).

    It links the lesson's script and notebook, beside the page, and the zip of every
    lesson of the language, in the tutorials folder above the page's.
    """
    link = f' · <a href="{colab}" class="nb-colab">{labels.colab}</a>' if colab else ""
    return (
        f'<p class="nb-downloads">{labels.download}: '
        f'<a href="{name}.py" download>{labels.script}</a> · '
        f'<a href="{name}.ipynb" download>{labels.notebook}</a> · '
        f'<a href="../{downloads.ARCHIVE}" download>{labels.archive}</a>'
        f"{link}</p>"
    )


def numbered_title(name: str, title: str) -> str:
    """A lesson's title with its number (from its file name), for the navigation.

    >>> numbered_title("01_building_networks", "Building a neural network")
    '1. Building a neural network'

    Raises:
        ValueError: If ``name`` does not start with the lesson's number.
    """
    number, _, rest = name.partition("_")
    if not number.isdigit() or not rest:
        raise ValueError(f"name: a lesson's name starts with its number, got {name!r}")
    return f"{int(number)}. {title}"


_H1_START = re.compile(r"<h1\b[^>]*>")


def numbered_heading(name: str, heading: str) -> str:
    """A lesson's ``<h1>`` with its number before its text, as :func:`numbered_title` has it.

    The number is a ``<span class="nb-lesson-number">`` marked ``data-search-exclude``:
    the heading's id (its anchor) stays as it is, and so does the title Material's
    search plugin reads from it.

    >>> numbered_heading("03_loss", '<h1 id="loss">Loss<a href="#loss">¶</a></h1>')
    '<h1 id="loss"><span class="nb-lesson-number" data-search-exclude>3. </span>Loss<a \
href="#loss">¶</a></h1>'
    >>> numbered_heading("03_loss", "")
    ''

    Raises:
        ValueError: If ``name`` does not start with the lesson's number, or ``heading`` is
            not empty and not an ``<h1>`` element.
    """
    if not heading:
        return heading
    start = _H1_START.match(heading.lstrip())
    if start is None:
        raise ValueError(f"heading: a lesson's <h1> element, got {heading[:80]!r}")
    number = numbered_title(name, "").rstrip()
    at = len(heading) - len(heading.lstrip()) + start.end()
    span = f'<span class="nb-lesson-number" data-search-exclude>{number} </span>'
    return heading[:at] + span + heading[at:]


def colab(repo_url: str, branch: str, dest_uri: str, name: str) -> str | None:
    """The Colab URL of the notebook of the tutorial page at ``dest_uri``, or None."""
    folder = posixpath.dirname(dest_uri)
    return downloads.colab_url(repo_url, branch, f"{folder}/{name}.ipynb")


def footer(labels: config.Labels, metadata: dict[str, Any]) -> str:
    """The run time and provenance lines at a tutorial's end ("" where not recorded)."""
    seconds = metadata.get("run_seconds")
    html = ""
    if seconds is not None:
        html = f'<p class="nb-runtime">{labels.runtime.format(seconds=seconds)}</p>'
    facts = provenance(metadata)
    if facts:
        html += f'<p class="nb-provenance">{labels.provenance.format(**facts)}</p>'
    return html


def execution_record(notebook_text: str) -> dict[str, Any]:
    """The build's record of an executed notebook (its JSON text), ``{}`` if none."""
    record = json.loads(notebook_text).get("metadata", {}).get(METADATA_KEY, {})
    return record if isinstance(record, dict) else {}


def write_figures(folder: Path, figures: dict[str, bytes]) -> None:
    """Write a page's figures beside it; a file of the same size is left alone."""
    for name, data in figures.items():
        target = folder / name
        if not target.exists() or target.stat().st_size != len(data):
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def code_link_counts(body: str) -> tuple[int, int]:
    """How many code names a rendered page links: ``(to the API pages, to PyTorch)``.

    >>> code_link_counts('<autoref x class="nb-code-link"></autoref><a class="nb-code-link">')
    (1, 1)
    """
    api = len(re.findall(r'<autoref [^>]*class="nb-code-link"', body))
    return api, body.count('class="nb-code-link"') - api


def edit_url(project: config.Project, url: str, src_uri: str, lang: str, name: str) -> str:
    """A tutorial's edit link, pointed at its script instead of the generated notebook.

    ``url`` is MkDocs' link to ``src_uri``; where it does not point into the docs
    folder, it is returned as it is.
    """
    if not url:
        return url
    docs = project.docs_dir.relative_to(project.root).as_posix() + "/"
    prefix = url[: -len(src_uri)]
    if not prefix.endswith(docs):
        return url
    script = (project.examples_dir / lang / f"{name}.py").relative_to(project.root)
    return prefix[: -len(docs)] + script.as_posix()


def status_language(project: config.Project, src_uri: str, page: str) -> str | None:
    """The language of ``src_uri`` if it is a build-status page (``<lang>/<page>``)."""
    parts = PurePosixPath(src_uri).parts
    if len(parts) == 2 and parts[0] in project.codes and parts[1] == page:
        return parts[0]
    return None


@functools.lru_cache(maxsize=256)
def _notebook_facts(path: Path, version: tuple[int, ...]) -> tuple[dict[str, Any], str | None]:
    """An executed notebook's nnguide metadata and title, read once per version of the file.

    ``mkdocs serve`` makes each language's status table on every rebuild; the notebooks,
    figures and all, are read again only when they change.

    Raises:
        OSError: If the file cannot be read.
        ValueError: If it is not JSON.
    """
    notebook = json.loads(path.read_text(encoding="utf-8"))
    metadata = notebook.get("metadata", {}).get(METADATA_KEY, {})
    return metadata, lessons.notebook_title(notebook)


def status_table(project: config.Project, code: str, executed: set[str]) -> str:
    """The build-status table of a language: every lesson, its run and where it ran.

    Args:
        project: The project.
        code: The language.
        executed: Labels of the scripts this build executed (the others came from
            the cache).
    """
    labels = project.language(code).labels
    # Seconds as the lessons' own run-time line writes them: " s" in English, "초" in Korean.
    unit = labels.runtime.rsplit("}", 1)[-1]
    rows = ["| " + " | ".join(labels.status_columns) + " |", "|---|--:|--:|---|---|---|"]
    total = 0.0
    for example in lessons.discover(project, languages=(code,)):
        try:
            stat = example.notebook.stat()
            version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)  # a rewrite is a new file
            metadata, title = _notebook_facts(example.notebook, version)
        except (OSError, ValueError):
            continue
        title = title or example.name
        seconds = float(metadata.get("run_seconds") or 0.0)
        total += seconds
        facts = provenance(metadata) or {}
        ran_on = " · ".join(
            value
            for value in (
                facts.get("device"),
                facts.get("python") and f"Python {facts['python']}",
                facts.get("torch") and f"PyTorch {facts['torch']}",
            )
            if value
        )
        built = labels.executed if example.label in executed else labels.cached
        link = f"[{title.replace('|', '&#124;')}]({project.tutorials}/{example.name}.ipynb)"
        cells = [link, f"{seconds:.2f}{unit}", facts.get("memory", ""), ran_on, built]
        rows.append("| " + " | ".join([*cells, facts.get("date", "")]) + " |")
    rows.append(f"| **Σ** | **{total:.2f}{unit}** | | | | |")
    return "\n".join(rows)
