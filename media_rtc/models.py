"""What the database keeps about live video: only a booth's room settings. Rooms, peers and
meeting requests are live state (the engine, the cache), never rows."""

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
