"""The everyday pages fit a 360 px phone: nothing scrolls sideways, in English or Korean.

A screenshot of each page is kept in the test's temporary folder for a person to look at (the
path is printed; pytest keeps the last runs' folders).
"""

from __future__ import annotations

import pytest

from .conftest import PHONE, only_this_server
from .everyday_pages import browser_for, everyday_pages, setup_everyday_expo

pytestmark = pytest.mark.e2e

SMALL_PHONE = {"width": 360, "height": 740}
# The first few elements reaching past the right edge, to say what to fix.
TOO_WIDE = """() => {
  const edge = document.documentElement.clientWidth + 0.5;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > edge)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
      + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : '')
      + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
}"""
assert SMALL_PHONE == PHONE  # the size the issue names is the one the other browser tests use


@pytest.mark.parametrize("language", ["en", "ko"])
def test_everyday_pages_do_not_scroll_sideways_on_a_phone(browser, rakwon_server, tmp_path, language):
    ids = setup_everyday_expo(rakwon_server)
    too_wide: list[str] = []
    contexts = {}
    try:
        for page_spec in everyday_pages(ids):
            if page_spec.who not in contexts:
                contexts[page_spec.who] = browser_for(
                    browser, rakwon_server, ids, who=page_spec.who, language=language, viewport=SMALL_PHONE
                )
            page = contexts[page_spec.who].new_page()
            elsewhere = only_this_server(page, rakwon_server.url)
            response = page.goto(page_spec.path)
            assert (response.status, page.url.endswith(page_spec.path)) == (200, True), page_spec
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if widths[0] > widths[1]:
                wider = page.evaluate(TOO_WIDE)
                too_wide.append(f"{page_spec.name} [{language}] {widths[0]} > {widths[1]} px: {wider}")
            name = page_spec.name.replace(" ", "-")
            page.screenshot(path=tmp_path / f"{language}-{name}.png", full_page=True)
            assert elsewhere == [], page_spec
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    print(f"screenshots in {tmp_path}")
    assert too_wide == [], "\n".join(too_wide)
