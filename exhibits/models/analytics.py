"""Booth analytics: counts per booth and day, never a log of who visited.

`BoothDailyStats` holds only numbers. `BoothVisitMark` lets a visitor be counted once per day
as a unique visitor: its key is an HMAC of the day and the attendee (never their id), and the
mark is deleted once its day is over (services.analytics.forget_visit_marks).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .booth import Booth


class BoothDailyStats(models.Model):
    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="daily_stats")
    day = models.DateField(_("day"))  # in the event's time zone
    visits = models.PositiveIntegerField(_("visits"), default=0)
    unique_visitors = models.PositiveIntegerField(_("unique visitors"), default=0)
    document_views = models.PositiveIntegerField(_("document views"), default=0)
    video_plays = models.PositiveIntegerField(_("video plays"), default=0)
    leads = models.PositiveIntegerField(_("contacts shared"), default=0)

    class Meta:
        ordering = ["booth", "day"]
        verbose_name = _("booth statistics of a day")
        verbose_name_plural = _("booth statistics by day")
        constraints = [models.UniqueConstraint(fields=["booth", "day"], name="one_stats_row_per_booth_day")]

    def __str__(self) -> str:
        return f"booth {self.booth_id} on {self.day}"


class BoothVisitMark(models.Model):
    """ "Someone was already counted at this booth today": a keyed hash, gone after the day."""

    booth = models.ForeignKey(Booth, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    key = models.CharField(max_length=64)  # HMAC(secret + day, booth + attendee), hex
    last_counted_at = models.DateTimeField()  # a reload within minutes is not another visit
    expires_at = models.DateTimeField()  # the end of `day` in the event's time zone

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booth", "day", "key"], name="one_visit_mark_per_booth_day_key")
        ]
        indexes = [models.Index(fields=["expires_at"], name="visit_mark_expiry")]

    def __str__(self) -> str:
        return f"visit mark at booth {self.booth_id} on {self.day}"
