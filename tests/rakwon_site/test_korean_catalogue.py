"""The Korean catalogue reads as one voice: nothing empty or fuzzy, every placeholder (%(name)s
and {name}) carried over, and one Korean word for each of the expo's own things and people:
부스 (booth), 출품사 (exhibitor), 전시관 (hall), 세션 (session), 주최자 (organiser), 관람객
(visitor), 담당자 (an exhibitor's staff), never a synonym."""

from __future__ import annotations

import re

import pytest

from .test_translations import PO_FILE, read_po

# Both kinds of placeholder: Python's %-format and str.format / JavaScript's {name}.
PLACEHOLDERS = re.compile(r"%\([A-Za-z_]\w*\)[sd]|%[sd]|\{[A-Za-z_]\w*\}")

MARKUP = re.compile(r"<[^>]+>")

# An English word of the expo, and the one Korean word for it.
TERMS = {
    r"\bbooths?\b": "부스",
    r"\bexhibitors?\b": "출품사",
    r"\bhalls?\b": "전시관",
    r"\bsessions?\b": "세션",
    r"\borganis(?:er|ers)\b": "주최자",
    r"\bvisitors?\b": "관람객",
    r"\bstaff\b": "담당자",
}
# Synonyms once used here and there for the same things; the catalogue uses none of them.
REJECTED = [
    *("참가 기업", "참가기업", "출품 기업", "전시자", "전시 업체", "전시업체"),  # exhibitor
    *("주최 측", "주최측", "주최사"),  # organiser
    *("방문객", "방문자", "참관객"),  # visitor
    *("부스 직원", "담당 직원"),  # staff
    "생방송",  # live: 라이브, as on every live button and page
]
# Counting words sit right after the number: "3명", "부스 2개" (not "3 명").
SPACED_COUNTER = re.compile(r"(?:\d|%\([A-Za-z_]\w*\)[sd]|\{[A-Za-z_]\w*\}|</span>) (?:명|개|분|초|쪽)(?!\w)")


@pytest.fixture(scope="module")
def entries():
    return read_po(PO_FILE)


def test_catalogue_has_no_empty_or_fuzzy_entry(entries):
    empty_or_fuzzy = [
        f"line {e.line}: {e.msgid!r}"
        for e in entries
        if "fuzzy" in e.flags or not e.msgstr or not all(text.strip() for text in e.msgstr)
    ]
    assert len(entries) > 1000
    assert empty_or_fuzzy == []


def test_catalogue_keeps_every_placeholder(entries):
    broken = [
        f"line {e.line}: {e.msgid!r} -> {text!r}"
        for e in entries
        for text in e.msgstr
        if set(PLACEHOLDERS.findall(text)) != set(PLACEHOLDERS.findall(e.msgid + e.msgid_plural))
    ]
    assert broken == []


@pytest.mark.parametrize(("english", "korean"), list(TERMS.items()))
def test_catalogue_names_each_thing_of_the_expo_with_its_one_word(entries, english, korean):
    # The word in the English text itself, not in a placeholder's or a tag's name.
    missing = [
        f"line {e.line}: {e.msgid!r} -> {e.msgstr[0]!r}"
        for e in entries
        if re.search(english, MARKUP.sub("", PLACEHOLDERS.sub("", e.msgid)), re.IGNORECASE)
        and not all(korean in text for text in e.msgstr)
        and not _about_a_log_in_session(e.msgid)
    ]
    assert missing == []


def _about_a_log_in_session(msgid: str) -> bool:
    """A browser's log-in session is not a session of the schedule (세션 is still fine there)."""
    return bool(re.search(r"log-in session|session cookie|your session", msgid, re.IGNORECASE))


def test_catalogue_uses_no_rejected_synonym(entries):
    found = [
        f"line {e.line}: {word!r} in {text!r}"
        for e in entries
        for text in e.msgstr
        for word in REJECTED
        if word in text
    ]
    assert found == []


def test_catalogue_writes_counting_words_right_after_the_number(entries):
    spaced = [f"line {e.line}: {text!r}" for e in entries for text in e.msgstr if SPACED_COUNTER.search(text)]
    assert spaced == []


def test_the_checks_catch_what_they_are_for(tmp_path):
    """The rules above fail on a catalogue that breaks them (so a pass means something)."""
    bad = tmp_path / "django.po"
    bad.write_text(
        'msgid ""\nmsgstr ""\n"Language: ko\\n"\n\n'
        'msgid "Meet the exhibitor"\nmsgstr "참가 기업과 만나기"\n\n'
        'msgid "Hello {name}"\nmsgstr "안녕하세요"\n\n'
        '#, fuzzy\nmsgid "Halls"\nmsgstr "홀"\n\n'
        'msgid "%(n)s people"\nmsgstr "%(n)s 명"\n\n'
        'msgid "Booths"\nmsgstr ""\n',
        encoding="utf-8",
    )
    read = {e.msgid: e for e in read_po(bad)}
    assert ("fuzzy" in read["Halls"].flags, read["Booths"].msgstr) == (True, [""])
    assert PLACEHOLDERS.findall(read["Hello {name}"].msgid) == ["{name}"]
    assert PLACEHOLDERS.findall(read["Hello {name}"].msgstr[0]) == []
    assert [word for word in REJECTED if word in read["Meet the exhibitor"].msgstr[0]] == ["참가 기업"]
    assert TERMS[r"\bhalls?\b"] not in read["Halls"].msgstr[0]
    assert SPACED_COUNTER.search(read["%(n)s people"].msgstr[0]) is not None
