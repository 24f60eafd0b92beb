"""The Korean catalogue: complete, compiled, faithful to its placeholders, and used by the pages."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUE_DIR = Path(settings.LOCALE_PATHS[0]) / "ko" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "django.po"
MO_FILE = CATALOGUE_DIR / "django.mo"

# Placeholders and markup a translation must carry over unchanged.
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]|%[sd]|<[^>]+>")


@dataclass
class Entry:
    """One message of a .po file, as far as these tests need it."""

    line: int
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _unquote(text: str) -> str:
    # A .po string is a C-style quoted literal; Python reads the same escapes.
    return ast.literal_eval(text)


def read_po(path: Path) -> list[Entry]:
    """Entries of a .po file (header and obsolete ones left out), parsed as plain text."""
    entries: list[Entry] = []
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    line = 1
    for block in blocks:
        entry = Entry(line=line)
        line += block.count("\n") + 2
        current: str | None = None
        index = 0
        for raw in block.splitlines():
            if raw.startswith("#~"):
                entry = None
                break
            if raw.startswith("#,"):
                entry.flags.update(flag.strip() for flag in raw[2:].split(","))
                continue
            if raw.startswith("#") or not raw.strip():
                continue
            keyword, _, rest = raw.partition(" ")
            if raw.startswith('"'):
                value = _unquote(raw)
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                current, value = keyword, _unquote(rest)
                if keyword == "msgid":
                    entry.msgid = ""
            elif keyword == "msgstr" or keyword.startswith("msgstr["):
                current, value = "msgstr", _unquote(rest)
                entry.msgstr.append("")
                index = len(entry.msgstr) - 1
            else:
                raise AssertionError(f"{path}:{entry.line}: cannot read {raw!r}")
            if current == "msgctxt":
                entry.msgctxt += value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.msgid_plural += value
            elif current == "msgstr":
                entry.msgstr[index] += value
        if entry is not None and entry.msgid:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO_FILE)


@pytest.fixture(scope="module")
def korean() -> gettext.GNUTranslations:
    with MO_FILE.open("rb") as mo:
        return gettext.GNUTranslations(mo)


def test_catalogue_header_korean_with_one_plural_form():
    header = PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: ko\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert "#, fuzzy" not in header


def test_catalogue_every_entry_translated(entries):
    untranslated = [f"line {e.line}: {e.msgid!r}" for e in entries if not all(s.strip() for s in e.msgstr)]
    assert len(entries) > 1000
    assert untranslated == []


def test_catalogue_no_entry_fuzzy(entries):
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in entries if "fuzzy" in e.flags]
    assert fuzzy == []


def test_catalogue_plural_entries_have_exactly_one_form(entries):
    plurals = [e for e in entries if e.msgid_plural]
    assert plurals
    assert [e.msgid for e in plurals if len(e.msgstr) != 1] == []


def test_catalogue_translations_keep_placeholders_and_markup(entries):
    broken = []
    for e in entries:
        expected = sorted(set(PLACEHOLDER.findall(e.msgid + e.msgid_plural)))
        for text in e.msgstr:
            if sorted(set(PLACEHOLDER.findall(text))) != expected:
                broken.append(f"line {e.line}: {e.msgid!r} -> {text!r}")
    assert broken == []


def test_catalogue_translations_keep_edge_newlines(entries):
    broken = [
        e.msgid
        for e in entries
        for text in e.msgstr
        if (e.msgid.startswith("\n"), e.msgid.endswith("\n")) != (text.startswith("\n"), text.endswith("\n"))
    ]
    assert broken == []


def test_compiled_catalogue_matches_po(entries, korean):
    """The committed .mo holds what the .po says: nobody forgot compilemessages."""
    stale = []
    for e in entries:
        if e.msgid_plural:
            got = korean.ngettext(e.msgid, e.msgid_plural, 2)
        elif e.msgctxt:  # one English word, two meanings ("Mute" a person, "Mute" the sound)
            got = korean.pgettext(e.msgctxt, e.msgid)
        else:
            got = korean.gettext(e.msgid)
        if got != e.msgstr[0]:
            stale.append(e.msgid)
    assert stale == []


@pytest.mark.parametrize(
    ("english", "korean_text"),
    [
        ("Log in", "로그인"),
        ("Log out", "로그아웃"),
        ("Create an account", "계정 만들기"),
        ("Register", "등록"),
        ("Booths", "부스"),
        ("Halls", "전시관"),
        ("Organiser", "주최자"),
        ("Exhibitor", "출품사"),
        ("Access code", "접속 코드"),
        ("Personal data", "개인정보"),
        ("Draft", "초안"),
        ("Published", "공개"),
        ("Closed", "종료"),
        ("Publish", "공개"),
        ("Attendees", "참가자"),
        ("Korean", "한국어"),
    ],
)
def test_compiled_catalogue_key_words(korean, english, korean_text):
    assert korean.gettext(english) == korean_text


def test_compiled_catalogue_plural_uses_single_form(korean):
    assert korean.ngettext("%(counter)s booth", "%(counter)s booths", 1) == "부스 %(counter)s개"
    assert korean.ngettext("%(counter)s booth", "%(counter)s booths", 7) == "부스 %(counter)s개"


def _get(client, url: str, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


@pytest.mark.django_db
def test_home_page_korean(client):
    response = _get(client, reverse("public:home"), "ko")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in body
    assert "<h1>전시회</h1>" in body
    assert "지금 열려 있는 전시회가 없습니다. 나중에 다시 방문해 주세요." in body
    assert "전시회를 주최하시나요?" in body
    assert ">계정 만들기</a>" in body
    assert "본문으로 건너뛰기" in body
    assert "Create an account" not in body
    assert "%(" not in body


@pytest.mark.django_db
def test_signup_page_korean(client):
    response = _get(client, reverse("accounts:signup"), "ko")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in body
    assert "<h1>계정 만들기</h1>" in body
    assert "계정이 있으면 행사를 주최하거나, 초대를 받아 출품사 부스 담당자가 될 수 있습니다." in body
    assert "이미 계정이 있습니다" in body
    assert "비밀번호" in body
    assert "I already have an account" not in body
    assert "%(" not in body


@pytest.mark.django_db
def test_event_page_korean(client, event, booth_a):
    response = _get(client, reverse("public:event", args=[event.slug]), "ko")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in body
    assert "참가하기" in body
    assert "기관 접속 코드로 참가" in body
    assert "부스 1개" in body
    assert "%(" not in body


@pytest.mark.django_db
def test_organiser_dashboard_korean(client, event, owner):
    client.force_login(owner)
    response = _get(client, reverse("organiser:dashboard", args=[event.slug]), "ko")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in body
    assert "숫자로 보는 행사" in body
    assert "이 행사 삭제…" in body
    assert "%(" not in body


@pytest.mark.django_db
def test_home_page_english_still_english(client):
    response = _get(client, reverse("public:home"), "en")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in body
    assert "<h1>Exhibitions</h1>" in body
    assert "Create an account" in body
    assert "계정 만들기" not in body
