"""A Korean text that tells the reader to press a button or open a page by its name (“Join”,
“Move up”, “My data”) quotes the name that button or page shows in Korean, so the reader finds it."""

from __future__ import annotations

import re

from .test_translations import PO_FILE, Entry, read_po

# A quoted name in the English text: “Join”. Names of buttons and pages start with a capital;
# lower-case quoted words ("booth", "meeting") are protocol values sent as they are.
QUOTED_NAME = re.compile(r"“([A-Z][^”]*)”")


def misquoted_names(entries: list[Entry]) -> list[str]:
    """Texts quoting a button or page whose Korean label they do not quote."""
    labels = {e.msgid: e.msgstr[0] for e in entries if not e.msgctxt and not e.msgid_plural and e.msgstr}
    return [
        f"line {e.line}: {e.msgid!r} should quote “{labels[name]}” -> {text!r}"
        for e in entries
        for name in QUOTED_NAME.findall(e.msgid)
        if name in labels
        for text in e.msgstr
        if f"“{labels[name]}”" not in text
    ]


def test_korean_texts_quote_the_korean_name_of_the_button_they_mention():
    assert misquoted_names(read_po(PO_FILE)) == []


def test_a_text_quoting_another_word_for_the_button_is_found(tmp_path):
    bad = tmp_path / "django.po"
    bad.write_text(
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n\n'
        'msgid "Join"\nmsgstr "참가"\n\n'
        'msgid "Press “Join” at the time."\nmsgstr "시간이 되면 “참여”를 누르세요."\n\n'
        'msgid "Send “booth” or “meeting”."\nmsgstr "“booth” 또는 “meeting”을 보내세요."\n\n'
        'msgid "booth"\nmsgstr "부스"\n',
        encoding="utf-8",
    )
    assert misquoted_names(read_po(bad)) == [
        "line 8: 'Press “Join” at the time.' should quote “참가” -> '시간이 되면 “참여”를 누르세요.'"
    ]
