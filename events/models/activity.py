"""Activity of an event over time, as counts only: how many were online at each sample, and
how many things happened at a place in each hour. Nothing here names or tracks a person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event


class OnlineSample(models.Model):
    """The presence store's online count of an event at one moment (a periodic task takes it)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="online_samples")
    at = models.DateTimeField(_("at"))
    online = models.PositiveIntegerField(_("online"))

    class Meta:
        ordering = ["event", "at"]
        verbose_name = _("online count")
        verbose_name_plural = _("online counts")
        constraints = [models.UniqueConstraint(fields=["event", "at"], name="one_online_sample_per_moment")]

    def __str__(self) -> str:
        return f"{self.online} online in event {self.event_id} at {self.at:%Y-%m-%d %H:%M}"


class HourlyCount(models.Model):
    """How often something happened at a place of the event in one hour of the event's time
    zone: `place` is a presence place key ("session:12"), `what` a counter ("visits")."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="hourly_counts")
    place = models.CharField(max_length=40)
    what = models.CharField(max_length=20)
    hour = models.DateTimeField()  # the start of the hour, on the event's clock
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "place", "what", "hour"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "place", "what", "hour"], name="one_count_per_place_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.what} at {self.place} in the hour from {self.hour:%Y-%m-%d %H:%M}: {self.count}"
