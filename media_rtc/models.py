"""What the database keeps about live video: a booth's room settings and recordings of rooms. Rooms,
peers and meeting requests are live state (the engine, the cache), never rows."""

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


class RecordingState(models.TextChoices):
    RECORDING = "recording", _("Recording")
    PROCESSING = "processing", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Recording(models.Model):
    """One recording of a live room (a session's stage or a booth's room) and its replay.

    The files live in `folder` under settings.PRIVATE_ROOT, served only through the replay view;
    deleting the row (or its session, booth or event) deletes them (media_rtc.services.recordings).
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="recordings")
    room = models.CharField(_("room"), max_length=80)
    session = models.ForeignKey(
        "events.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="recordings"
    )
    booth = models.ForeignKey(
        "exhibits.Booth", null=True, blank=True, on_delete=models.CASCADE, related_name="recordings"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RecordingState.choices, default=RecordingState.RECORDING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    duration = models.FloatField(_("length in seconds"), default=0.0)
    #: Relative to PRIVATE_ROOT: the folder, then the files in it ("" until made).
    folder = models.CharField(max_length=200, blank=True)
    replay_file = models.CharField(max_length=200, blank=True)
    low_file = models.CharField(max_length=200, blank=True)
    poster_file = models.CharField(max_length=200, blank=True)
    other_files = models.JSONField(default=list, blank=True)
    #: Why recording stopped (media_rtc.recording: stopped, cap_reached, disk_error, disk_too_slow).
    stop_reason = models.CharField(max_length=20, blank=True)
    failure = models.CharField(max_length=40, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # One recording at a time per room: a second start would fight over the same stream.
            models.UniqueConstraint(
                fields=["room"], condition=models.Q(state="recording"), name="one_recording_per_room"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="recording_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"recording {self.pk} of {self.room}"


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
