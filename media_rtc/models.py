"""What the database keeps about live video: only a booth's room settings. Rooms, peers and
meeting requests are live state (the engine, the cache), never rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LiveRoom(models.Model):
    """Settings of a booth's live room; a booth without one gets the defaults."""

    booth = models.OneToOneField(
        "exhibits.Booth", on_delete=models.CASCADE, related_name="live_room", verbose_name=_("booth")
    )
    test_pattern = models.BooleanField(
        _("demo test pattern"),
        default=False,
        help_text=_(
            "The server sends a moving test pattern and a tone, so the booth is live without a camera."
        ),
    )

    class Meta:
        verbose_name = _("live room")
        verbose_name_plural = _("live rooms")

    def __str__(self) -> str:
        return f"live room of booth {self.booth_id}"


class ConferenceRoom(models.Model):
    """A conference of an event: many organisations on one screen ("conference.<id>"). Its chair is
    the organiser's team; its seats are the staff of the invited exhibitors and the invited people,
    each joining from a browser. Who speaks, the mutes and the pin are live state, never rows."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="conference_rooms", verbose_name=_("event")
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("What the sites see, e.g. “Opening meeting of the participating institutions”."),
    )
    invited_exhibitors = models.ManyToManyField(
        "exhibits.Exhibitor",
        blank=True,
        related_name="conference_rooms",
        verbose_name=_("invited exhibitors"),
        help_text=_("Every staff member of an invited exhibitor may take its seat."),
    )
    invited_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="conference_rooms",
        verbose_name=_("invited people"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conference room")
        verbose_name_plural = _("conference rooms")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
