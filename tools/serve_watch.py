"""``mkdocs serve``: the files the build writes into the watched ``docs/`` start no rebuild.

The execute step writes each lesson's executed notebook into ``docs/<lang>/tutorials/``,
which ``mkdocs serve`` watches (its ``docs_dir``). An edit of a lesson's script therefore
made two rebuilds: the edit's, then one more for the notebook that rebuild wrote, which
changed nothing but held up the next edit by as long as it took (0.4 s of a comment
edit made a second after the one before, measured with ``benchmarks/build.py``).

:func:`paused` stops watching the folder while a notebook is written, through the
server's documented ``unwatch`` and ``watch`` (the ``server`` that ``on_serve`` gets),
then watches it again as MkDocs did. An author's edit under the folder in those few
milliseconds starts no rebuild; the next edit's rebuild reads it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def paused(server: Any, folder: Path | str) -> Iterator[None]:
    """Within the block, changes under ``folder`` start no rebuild of ``server``.

    ``server``: MkDocs' ``LiveReloadServer``, or None (a build, not ``serve``). A folder
    the server does not watch stays unwatched.
    """
    if server is None:
        yield
        return
    path = os.path.abspath(folder)
    try:
        server.unwatch(path)
    except KeyError:  # not watched (`mkdocs serve --no-livereload`)
        yield
        return
    try:
        yield
    finally:
        server.watch(path)
