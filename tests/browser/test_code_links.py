"""Linked code in Chromium: a name in a code block is a link that works, in each
language, and the copy button still copies the plain code."""

from __future__ import annotations

import pytest

from tests.conftest import LANGUAGES, lesson

pytestmark = pytest.mark.slow

LESSON = "05_training_a_classifier"

# Remember what the page puts on the clipboard (Material copies through a selection).
RECORD_COPY = """() => {
  window.__copied = null
  document.addEventListener("copy", (event) => {
    const data = event.clipboardData && event.clipboardData.getData("text/plain")
    window.__copied = data || document.getSelection().toString()
  }, true)
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_clicking_an_nnguide_name_opens_its_api_entry(site, browser, lang):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.page_url(lang, f"tutorials/{LESSON}/"))
    link = page.locator("article .highlight code a.nb-code-link", has_text="fit").first
    with page.expect_navigation():
        link.click()
    assert page.url == site.page_url(lang, "api/training/#nnguide.training.fit")
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("[id='nnguide.training.fit']").is_visible()
    context.close()


def test_a_pytorch_name_is_a_plain_link_to_its_pytorch_page(site, browser):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site.page_url(LANGUAGES[0], f"tutorials/{LESSON}/"))
    link = page.locator("article .highlight code a.nb-code-link", has_text="nn.CrossEntropyLoss")
    assert link.first.get_attribute("href") == (
        "https://docs.pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html"
    )
    # Pygments' colour of the name is kept inside the link.
    colour = link.first.locator("span").last.evaluate("e => getComputedStyle(e).color")
    plain = page.locator("article .highlight code span.n").first.evaluate(
        "e => getComputedStyle(e).color"
    )
    assert colour == plain
    assert all(request.startswith(site.url) for request in requests)
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_copy_button_copies_the_plain_code(site, browser, lang):
    notebook = lesson(lang, LESSON).notebook
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.page_url(lang, f"tutorials/{LESSON}/"))
    page.evaluate(RECORD_COPY)
    block = page.locator("article .highlight", has=page.locator("a.nb-code-link")).first
    block.hover()
    block.locator("button[data-md-type=copy]").click()
    page.wait_for_function("window.__copied !== null")
    copied = page.evaluate("window.__copied")
    context.close()
    assert "<" not in copied and "nb-code-link" not in copied
    assert copied.strip() == cells[0].strip()
