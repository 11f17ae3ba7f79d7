"""SIGTERM and SIGHUP stop a build or ``mkdocs serve`` as Ctrl-C does.

Python's default for SIGTERM (``kill``, a process manager, an editor's stop button) and
SIGHUP (the terminal closed) ends the process at once: no ``finally`` block runs, so
MkDocs never calls ``on_shutdown`` and what the plugin holds is left behind: each spare
kernel's scratch folder, record folder and connection file in the temporary folder
(``mkdocs serve`` keeps two after every build), a build's staging folder beside
``site/``; and a script's kernel dies, but what the script started outlives it.
:func:`install` makes those signals raise ``KeyboardInterrupt`` in the main thread
instead, the path Ctrl-C takes: MkDocs stops serving and calls ``on_shutdown``, and a
build that is executing kills its kernels' process groups
(:func:`tools.execute.exit_interrupted`). The plugin installs it in ``on_startup``;
``python -m tools.execute`` (``make examples``) in its ``main``.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

SIGNALS = (signal.SIGTERM, signal.SIGHUP)

Handlers = dict[signal.Signals, Any]


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def install() -> Handlers:
    """Make SIGTERM and SIGHUP raise ``KeyboardInterrupt``; returns the handlers replaced.

    Only signals that still have Python's default handling are taken (a program that
    runs MkDocs and handles them itself keeps its handlers), and only from the main
    thread, the one thread that may set them.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    replaced: Handlers = {}
    for signum in SIGNALS:
        if signal.getsignal(signum) is signal.SIG_DFL:
            replaced[signum] = signal.signal(signum, _interrupt)
    return replaced


def restore(replaced: Handlers) -> None:
    """Put back the handlers :func:`install` replaced."""
    for signum, handler in replaced.items():
        signal.signal(signum, handler)
