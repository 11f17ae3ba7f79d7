"""Full-page screenshots of every tutorial page in both palettes, for a person to look at.

``make screenshots`` builds the site and runs ``python -m tests.browser.screenshots site
artifacts/screenshots``: each tutorial page, served on 127.0.0.1, is loaded in Debian's
Chromium at the desktop width in the light and in the dark palette, its lazy images
loaded, and saved whole as ``<lang>-<lesson>-<palette>.jpg``. The test suite's crawl
(:mod:`tests.browser.crawl`) checks the pages; this only photographs them, and
``tests/browser/test_pages.py`` tests it on one lesson.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Browser

from tests.browser.conftest import chromium, serve
from tests.browser.crawl import BROKEN_IMAGES, DESKTOP, PALETTES, tutorial_of


class BrokenImages(RuntimeError):
    """A page to photograph has images that did not load."""


def tutorial_pages(paths: list[str]) -> list[str]:
    """The tutorial pages among the site's ``paths`` (``ko/tutorials/00_x/``...)."""
    return [path for path in paths if tutorial_of(path) is not None]


def photograph(
    browser: Browser, base_url: str, paths: list[str], folder: Path
) -> dict[str, dict[str, Path]]:
    """Save each page of ``paths`` (tutorial pages) whole in each palette into ``folder``.

    Returns page -> palette -> the JPEG written (JPEG: a tall page encodes in half the
    time of a PNG).

    Raises:
        BrokenImages: A page has an image that did not load (its path and the images).
    """
    folder.mkdir(parents=True, exist_ok=True)
    taken: dict[str, dict[str, Path]] = {path: {} for path in paths}
    for palette in PALETTES:
        context = browser.new_context(color_scheme=palette, viewport=DESKTOP)
        page = context.new_page()
        try:
            for path in paths:
                tutorial = tutorial_of(path)
                if tutorial is None:
                    raise ValueError(f"paths: {path!r} is not a tutorial page")
                page.goto(base_url + path)
                broken = page.evaluate(BROKEN_IMAGES)
                if broken:
                    raise BrokenImages(f"{path}: images that did not load: {broken}")
                lang, lesson = tutorial
                target = folder / f"{lang}-{lesson}-{palette}.jpg"
                page.screenshot(path=str(target), full_page=True, type="jpeg", quality=80)
                taken[path][palette] = target
        finally:
            context.close()
    return taken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.browser.screenshots", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("site", type=Path, help="a built site (make docs: site/)")
    parser.add_argument("out", type=Path, help="the folder the screenshots are written to")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"site: {args.site} holds no built site (no index.html); run `make docs`")
    with serve(args.site) as server, chromium() as browser:
        pages = tutorial_pages(server.pages())
        try:
            taken = photograph(browser, server.url, pages, args.out)
        except BrokenImages as error:
            print(f"screenshots: {error}", file=sys.stderr)
            return 1
    count = sum(len(shots) for shots in taken.values())
    print(f"{count} screenshots of {len(taken)} tutorial pages in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
