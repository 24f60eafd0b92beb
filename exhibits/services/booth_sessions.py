"""Booths as places for scheduled sessions; two sessions may not overlap at one booth."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Booth, BoothSession


class BoothPlaces:
    kind = "booth"
    none_label = gettext_lazy("— no booth —")

    def choices(self, event):
        return [
            (
                f"booth:{booth.pk}",
                _("Booth %(number)s · %(exhibitor)s")
                % {"number": booth.number, "exhibitor": booth.exhibitor.name},
            )
            for booth in Booth.objects.filter(event=event).select_related("exhibitor")
        ]

    def current(self, session) -> str:
        link = BoothSession.objects.filter(session=session).first() if session.pk else None
        return f"booth:{link.booth_id}" if link else ""

    def label(self, session) -> str:
        link = (
            BoothSession.objects.filter(session=session).select_related("booth__exhibitor").first()
            if session.pk
            else None
        )
        if not link:
            return ""
        return _("Booth %(number)s · %(exhibitor)s") % {
            "number": link.booth.number,
            "exhibitor": link.booth.exhibitor.name,
        }

    def url(self, session) -> str:
        link = BoothSession.objects.filter(session=session).first() if session.pk else None
        return reverse("visit:booth", args=[session.event.slug, link.booth_id]) if link else ""

    def check(self, event, key, starts_at, ends_at, *, exclude):
        booth = Booth.objects.filter(event=event, pk=key if key.isdigit() else None).first()
        if booth is None:
            raise ValidationError({"place": _("That booth is not part of this event.")})
        clash = (
            BoothSession.objects.filter(
                booth=booth, session__starts_at__lt=ends_at, session__ends_at__gt=starts_at
            )
            .exclude(session=exclude)
            .select_related("session")
            .first()
        )
        if clash:
            start = formats.time_format(clash.session.starts_at.astimezone(event.tz), "H:i")
            end = formats.time_format(clash.session.ends_at.astimezone(event.tz), "H:i")
            raise ValidationError(
                {
                    "starts_at": _(
                        "Booth %(number)s already has “%(title)s” from %(start)s to %(end)s. "
                        "Choose another time or place."
                    )
                    % {"number": booth.number, "title": clash.session.title, "start": start, "end": end}
                }
            )

    def assign(self, session, key) -> None:
        if key:
            BoothSession.objects.update_or_create(session=session, defaults={"booth_id": int(key)})
        else:
            BoothSession.objects.filter(session=session).delete()
