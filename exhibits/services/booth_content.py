"""What exhibitor staff write on their booth: its tagline, a description in each event language,
topic tags, the exhibitor's logo, and links."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from events.errors import EventClosed
from events.single_line import check_single_line, clean_instance

from ..limits import limit
from ..models import Booth, BoothLink, Exhibitor, Tag
from ..processing.sniff import sniff
from .assets import clean_title, refuse_if_closed

TAG_MAX_LENGTH = Tag._meta.get_field("name").max_length


def split_tag_names(text: str) -> list[str]:
    """Typed tags, "AI, Security ,ai" → ["AI", "Security"]: trimmed, each name once."""
    names: list[str] = []
    seen: set[str] = set()
    for raw in (text or "").split(","):
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


@transaction.atomic
def save_booth_content(
    booth: Booth,
    *,
    tagline: str,
    description: dict[str, str],
    tags: list[Tag],
    new_tags: str = "",
    tagline_translations: dict[str, str] | None = None,
    tag_names: dict[int, dict[str, str]] | None = None,
) -> Booth:
    """Save the booth's words and topics. A typed tag that the event already has (in any case)
    is reused, not doubled. `tagline_translations` and `tag_names` ({tag id: {language: name}},
    for this booth's topics only) are the texts in the event's other languages. Raises
    ValidationError, saving nothing, for bad tags."""
    refuse_if_closed(booth)
    check_single_line(
        {
            "tagline": tagline or "",
            "new_tags": new_tags or "",
            **{f"tagline_{code}": text for code, text in (tagline_translations or {}).items()},
            **{
                f"tag_{tag_id}_{code}": text
                for tag_id, texts in (tag_names or {}).items()
                for code, text in texts.items()
            },
        }
    )
    event = booth.event
    chosen = [tag for tag in tags if tag.event_id == event.pk]
    typed = split_tag_names(new_tags)
    too_long = [name for name in typed if len(name) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            {
                "new_tags": _("“%(name)s” is too long for a topic: use at most %(limit)s characters.")
                % {"name": too_long[0][:60], "limit": TAG_MAX_LENGTH}
            }
        )
    existing = {tag.name.casefold(): tag for tag in Tag.objects.filter(event=event)}
    for name in typed:
        tag = existing.get(name.casefold()) or Tag.objects.create(event=event, name=name)
        existing[name.casefold()] = tag
        if tag not in chosen:
            chosen.append(tag)
    most = limit("BOOTH_MAX_TAGS")
    if len(chosen) > most:
        raise ValidationError(
            {
                "new_tags": _(
                    "A booth can have at most %(limit)s topics; you chose %(count)s. Untick or remove some."
                )
                % {"limit": most, "count": len(chosen)}
            }
        )
    languages = event.languages or []
    booth.tagline = " ".join((tagline or "").split())
    booth.tagline_translations = other_languages(tagline_translations, languages)
    booth.description = {
        code: text.strip() for code, text in description.items() if code in languages and text.strip()
    }
    booth.full_clean(exclude=["hall", "exhibitor", "event"])
    booth.save(update_fields=["tagline", "tagline_translations", "description"])
    booth.tags.set(chosen)
    for tag in booth.tags.filter(pk__in=list(tag_names or {})):
        tag.name_translations = other_languages(tag_names[tag.pk], languages)
        tag.full_clean()
        tag.save(update_fields=["name_translations"])
    return booth


def other_languages(texts: dict[str, str] | None, languages: list[str]) -> dict[str, str]:
    """The versions in the event's other languages, on one line each; empty ones left out (the
    first language's text shows instead)."""
    return {
        code: " ".join(text.split())
        for code, text in (texts or {}).items()
        if code in languages[1:] and isinstance(text, str) and text.strip()
    }


@transaction.atomic
def change_logo(exhibitor: Exhibitor, logo: UploadedFile | None, *, remove: bool = False) -> Exhibitor:
    """Replace or remove the exhibitor's logo (the form has checked it is a real, small picture).

    The old file is deleted once the change is committed.
    """
    if exhibitor.event.is_closed:
        raise EventClosed(_("This event is closed; its exhibitors can no longer change."))
    old = exhibitor.logo.name if exhibitor.logo else ""
    if logo is not None:
        exhibitor.logo.save(f"logo.{_logo_extension(logo)}", logo, save=False)
    elif remove:
        exhibitor.logo = ""
    else:
        return exhibitor
    exhibitor.save(update_fields=["logo"])
    if old and old != exhibitor.logo.name:
        storage = exhibitor.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return exhibitor


def _logo_extension(logo: UploadedFile) -> str:
    found = sniff(logo)
    return found.extension if found and found.family == "image" else "png"


# --- Links -------------------------------------------------------------------------------------------


@transaction.atomic
def add_link(
    booth: Booth, *, title: str, url: str, title_translations: dict[str, str] | None = None
) -> BoothLink:
    """Add a link at the end. Raises ValidationError (nothing saved) for a bad address or title,
    or when the booth has as many links as it may."""
    refuse_if_closed(booth)
    Booth.objects.select_for_update().filter(pk=booth.pk).first()
    count = booth.links.count()
    if count >= limit("BOOTH_MAX_LINKS"):
        raise ValidationError(
            _("This booth already has %(count)s links, the most it can hold. Remove one first.")
            % {"count": count}
        )
    last = booth.links.aggregate(last=Max("position"))["last"]
    link = BoothLink(
        booth=booth,
        title=clean_title(title),
        title_translations={
            code: clean_title(text)
            for code, text in other_languages(title_translations, booth.event.languages).items()
        },
        url=(url or "").strip(),
        position=0 if last is None else last + 1,
    )
    clean_instance(link)
    link.save()
    return link


@transaction.atomic
def remove_link(link: BoothLink) -> None:
    refuse_if_closed(link.booth)
    link.delete()


# --- Descriptions as a small, safe Markdown ----------------------------------------------------------

# What a description may hold: paragraphs, lists, bold and italic, links. Everything else a writer
# types (headings, quotes, code, pictures, tables, HTML) stays the text they typed.
_BLOCK_RULES = ["paragraph", "list"]
_INLINE_RULES = ["emphasis", "link", "autolink", "linkify", "newline", "escape", "entity"]
_LINK_SCHEMES = {"http", "https", "mailto"}
_ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a", "span"}
_LINK_REL = "noopener nofollow ugc"


def _link_is_allowed(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in _LINK_SCHEMES:
        return False  # javascript:, data:, vbscript:, file:, and links without a scheme
    return parts.scheme.lower() == "mailto" or bool(parts.hostname)


def _link_host(url: str) -> str:
    parts = urlsplit(url)
    return "" if parts.scheme.lower() == "mailto" else (parts.hostname or "")


@functools.cache
def _markdown():
    md = MarkdownIt("zero", {"html": False, "linkify": True, "breaks": True, "typographer": False})
    md.enable(_BLOCK_RULES).enable(_INLINE_RULES).enable("linkify", ignoreInvalid=True)
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    md.validateLink = _link_is_allowed

    def link_close(renderer, tokens, idx, options, env):
        # "Docs (example.org)": where a link goes is visible, whatever its text says. A bare
        # address already shows its host.
        opening = next(
            t for t in reversed(tokens[:idx]) if t.type == "link_open" and t.level == tokens[idx].level
        )
        href = opening.attrGet("href") or ""
        host = _link_host(href)
        shown = "".join(t.content for t in tokens[tokens.index(opening) + 1 : idx] if t.type == "text")
        if host and opening.info != "auto" and opening.markup != "linkify" and shown != href:
            return f' <span class="link-host">({escape(host)})</span></a>'
        return "</a>"

    md.add_render_rule("link_close", link_close)
    return md


def render_booth_text(text: str) -> SafeString:
    """A description as HTML: Markdown rendered without HTML, then cleaned by an allow-list, so
    no tag, attribute or address outside the subset gets through even if the renderer erred."""

    if not (text or "").strip():
        return SafeString("")
    html = _markdown().render(text)
    cleaned = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"*": set(), "a": {"href"}, "ol": {"start"}},  # "*": not even title or lang
        allowed_classes={"span": {"link-host"}},
        url_schemes=_LINK_SCHEMES,
        link_rel=_LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned.strip())  # noqa: S308 - cleaned by nh3's allow-list just above
