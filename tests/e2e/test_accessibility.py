"""axe-core finds no serious or critical accessibility failure on the everyday pages, in English
and in Korean, as the visitor and the organiser who read them (issue 15).

axe-core is a test asset (tests/e2e/assets/README.md): it is injected into each page by
Playwright, never served by the site.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import PHONE, only_this_server
from .everyday_pages import browser_for, everyday_pages, setup_everyday_expo

pytestmark = pytest.mark.e2e

AXE = Path(__file__).with_name("assets") / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


def axe_failures(page) -> list[str]:
    """Each serious or critical violation on the page as rule, targets and help, one per node."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}: "
        f"{violation['help']} ({violation['helpUrl']})"
        for violation in result["violations"]
        if violation["impact"] in FAILING_IMPACTS
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_everyday_pages_have_no_serious_accessibility_failure(browser, rakwon_server, language):
    ids = setup_everyday_expo(rakwon_server)
    failures: list[str] = []
    contexts = {}
    try:
        for page_spec in everyday_pages(ids):
            if page_spec.who not in contexts:
                contexts[page_spec.who] = browser_for(
                    browser,
                    rakwon_server,
                    ids,
                    who=page_spec.who,
                    language=language,
                    viewport=PHONE,
                    bypass_csp=True,
                )
            page = contexts[page_spec.who].new_page()
            elsewhere = only_this_server(page, rakwon_server.url)
            response = page.goto(page_spec.path)
            # The page itself, in the language asked for: not a log-in page or a 404 checked instead.
            assert (response.status, page.url.endswith(page_spec.path)) == (200, True), page_spec
            assert page.evaluate("document.documentElement.lang") == language, page_spec
            failures += [f"{page_spec.name} [{language}] {failure}" for failure in axe_failures(page)]
            assert elsewhere == [], page_spec
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert failures == [], "\n".join(failures)
