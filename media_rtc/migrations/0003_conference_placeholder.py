"""Conference rooms (many organisations on one screen): a room of an event, its invited exhibitors
and people."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("media_rtc", "0002_recording_placeholder"),
        ("events", "0017_polls_placeholder"),
        ("exhibits", "0015_staff_calendar_feed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ConferenceRoom",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "name",
                    models.CharField(
                        help_text="What the sites see, e.g. “Opening meeting of the participating institutions”.",
                        max_length=200,
                        verbose_name="name",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="conference_rooms",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "invited_exhibitors",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Every staff member of an invited exhibitor may take its seat.",
                        related_name="conference_rooms",
                        to="exhibits.exhibitor",
                        verbose_name="invited exhibitors",
                    ),
                ),
                (
                    "invited_people",
                    models.ManyToManyField(
                        blank=True,
                        related_name="conference_rooms",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="invited people",
                    ),
                ),
            ],
            options={
                "verbose_name": "conference room",
                "verbose_name_plural": "conference rooms",
                "ordering": ["name", "pk"],
            },
        ),
    ]
