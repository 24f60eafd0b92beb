"""Nothing a page needs may come from another host: templates and static files name none."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# An attribute or CSS url() that would make the browser fetch from elsewhere.
REMOTE = re.compile(
    r"""(?:src|href|action|poster)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.I,
)


def _page_sources() -> list[Path]:
    found = []
    for app in ("rakwon_site", "events", "exhibits", "media_rtc"):
        found += [p for p in (ROOT / app).rglob("*") if p.suffix in {".html", ".css", ".js", ".svg"}]
    return found


def test_templates_and_static_files_load_nothing_from_another_host():
    sources = _page_sources()
    assert len(sources) > 20  # the walk found the real templates
    offenders = [str(p.relative_to(ROOT)) for p in sources if REMOTE.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_pattern_catches_remote_loads():
    for sample in (
        '<script src="https://cdn.example/x.js">',
        "@import url(//fonts.example/a.css);",
        '<link href="http://x/y.css">',
        'background: url("https://x/y.png")',
    ):
        assert REMOTE.search(sample), sample
    assert not REMOTE.search('<a href="/it-expo/">')
