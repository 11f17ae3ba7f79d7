"""Browser fixtures: the built site served on 127.0.0.1 and Debian's Chromium.

The site (``built_site``, built once per session) is served by a thread of this
process on a free port; Chromium is driven by Playwright and never downloaded
(``playwright install`` is not used).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.crawl import Visit, crawl
from tests.conftest import PROJECT, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@dataclass
class Server:
    """A static file server of a built site."""

    root: Path
    url: str  # "http://127.0.0.1:<port>/"

    @property
    def host(self) -> str:
        return urlparse(self.url).netloc

    def page_url(self, lang: str, path: str) -> str:
        """URL of ``path`` (``""`` or ``tutorials/01_x/``) in ``lang``."""
        return self.url + PROJECT.language(lang).root + path

    def pages(self) -> list[str]:
        """Paths of every page of the site (``""``, ``ko/api/``...), 404 page last."""
        paths = sorted(
            p.parent.relative_to(self.root).as_posix() + "/" for p in self.root.rglob("index.html")
        )
        return [("" if p == "./" else p) for p in paths] + ["404.html"]


@contextlib.contextmanager
def serve(root: Path) -> Iterator[Server]:
    """Serve ``root`` on 127.0.0.1 at a free port for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(Path(root), f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def site(built_site) -> Iterator[Server]:
    with serve(built_site.root) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """The folder of the screenshots the browser tests take for a person to look at.

    ``NNGUIDE_SCREENSHOTS`` names it; by default it is in pytest's temporary folder
    (``/tmp/pytest-of-<user>/pytest-<n>/screenshots``), so the tests write nothing into
    the checkout.
    """
    folder = Path(os.environ.get("NNGUIDE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def visits(site, browser) -> dict[str, Visit]:
    """Every page of the site, visited once (:func:`tests.browser.crawl.crawl`)."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (package.json's devDependencies)"
    return crawl(browser, site.url, site.pages(), AXE.read_text(encoding="utf-8"))
