"""The small, safe Markdown of booth and exhibitor descriptions (exhibits/services/booth_content.py,
render_booth_text): what it turns into HTML, and every attack that must come out as text."""

from __future__ import annotations

import pytest

from exhibits.services.booth_content import render_booth_text

REL = 'rel="noopener nofollow ugc"'
HOST = '<span class="link-host">(example.org)</span>'  # after a link's text: where it goes


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", ""),
        ("Fast routers.", "<p>Fast routers.</p>"),
        ("One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
        ("Line one\nline two", "<p>Line one<br>\nline two</p>"),
        (
            "**Bold** and *italic* and __also__",
            "<p><strong>Bold</strong> and <em>italic</em> and <strong>also</strong></p>",
        ),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. first\n2. second", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
        ("3. third\n4. fourth", '<ol start="3">\n<li>third</li>\n<li>fourth</li>\n</ol>'),
        (
            "[Docs](https://example.org/docs)",
            f'<p><a href="https://example.org/docs" {REL}>Docs {HOST}</a></p>',
        ),
        (
            "See https://example.org/a?b=1&c=2 now",
            f'<p>See <a href="https://example.org/a?b=1&amp;c=2" {REL}>'
            "https://example.org/a?b=1&amp;c=2</a> now</p>",
        ),
        (
            "Write to [us](mailto:hi@example.org)",
            f'<p>Write to <a href="mailto:hi@example.org" {REL}>us</a></p>',
        ),
        # What the subset leaves out stays as the text that was typed.
        ("# Heading", "<p># Heading</p>"),
        ("> quote", "<p>&gt; quote</p>"),
        ("`code`", "<p>`code`</p>"),
        # No pictures: the "!" stays, the address is an ordinary link.
        (
            "![logo](https://example.org/x.png)",
            f'<p>!<a href="https://example.org/x.png" {REL}>logo {HOST}</a></p>',
        ),
        ("a | b\n--|--\n1 | 2", "<p>a | b<br>\n--|--<br>\n1 | 2</p>"),
        ("---", "<p>---</p>"),
        ("    indented", "<p>indented</p>"),
    ],
)
def test_render_booth_text_supports_the_small_subset(text, html):
    assert render_booth_text(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        # Quotes in text need no escaping: they are not inside a tag.
        ('<img src=x onerror="alert(1)">', '<p>&lt;img src=x onerror="alert(1)"&gt;</p>'),
        ("<b onclick=alert(1)>hi</b>", "<p>&lt;b onclick=alert(1)&gt;hi&lt;/b&gt;</p>"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("[x](JaVaScRiPt:alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>"),
        ("[x](java&#x09;script:alert(1))", "<p>[x](java\tscript:alert(1))</p>"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>"),
        ("[x](vbscript:msgbox)", "<p>[x](vbscript:msgbox)</p>"),
        ("[x](javascript&#58;alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("[x](<javascript:alert(1)>)", "<p>[x](&lt;javascript:alert(1)&gt;)</p>"),
        ("[x](https:/no-host)", "<p>[x](https:/no-host)</p>"),
        ("[x](/relative/page)", "<p>[x](/relative/page)</p>"),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>"),
        ("javascript:alert(1)", "<p>javascript:alert(1)</p>"),
        (
            '[x](https://example.org/" onmouseover="alert(1))',
            f'<p>[x](<a href="https://example.org/" {REL}>https://example.org/</a>'
            '" onmouseover="alert(1))</p>',
        ),
        (
            '[**<i>x</i>**](https://example.org "t\\" onclick=1")',
            f'<p><a href="https://example.org" {REL}><strong>&lt;i&gt;x&lt;/i&gt;</strong> '
            '<span class="link-host">(example.org)</span></a></p>',
        ),
        ("**<script>**x", "<p>**&lt;script&gt;**x</p>"),
        (
            "[<a href=//evil>](https://example.org)",
            f'<p><a href="https://example.org" {REL}>&lt;a href=//evil&gt; {HOST}</a></p>',
        ),
        (
            "[a [b](https://b.example)](https://a.example)",
            f'<p>[a <a href="https://b.example" {REL}>b <span class="link-host">(b.example)</span></a>]'
            f'(<a href="https://a.example" {REL}>https://a.example</a>)</p>',
        ),
        ("&lt;script&gt;", "<p>&lt;script&gt;</p>"),
        ("<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>"),
    ],
)
def test_render_booth_text_lets_no_markup_or_script_through(text, html):
    assert render_booth_text(text) == html


def test_render_booth_text_shows_where_a_link_really_goes():
    """A link whose text looks like another address still shows the host it opens."""
    html = render_booth_text("[https://bank.example](https://evil.example/login)")

    assert html == (
        f'<p><a href="https://evil.example/login" {REL}>https://bank.example '
        '<span class="link-host">(evil.example)</span></a></p>'
    )


def test_render_booth_text_is_marked_safe_only_after_cleaning():
    from django.utils.safestring import SafeString

    assert isinstance(render_booth_text("**x**"), SafeString)
