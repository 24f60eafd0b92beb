"""A session's polls: the question and its answers, one vote per attendee; counted attempts learn
the poll vote scope (the rate limit on voting)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_stage_placeholder"),
    ]

    operations = [
        migrations.AlterField(
            model_name="countedattempt",
            name="scope",
            field=models.CharField(
                choices=[
                    ("mail_address", "Sign-in mail to one address"),
                    ("mail_ip", "Sign-in mail from one network address"),
                    ("code_address", "Wrong sign-in code for one address"),
                    ("code_ip", "Wrong sign-in code from one network address"),
                    ("access_ip", "Wrong access code from one network address"),
                    ("access_event", "Wrong access code for one event"),
                    ("access_prefix", "Wrong access code starting the same way"),
                    ("qa_question", "Question asked in a session"),
                    ("poll_vote", "Vote in a session's poll"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="SessionPoll",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("question", models.CharField(max_length=200, verbose_name="question")),
                (
                    "state",
                    models.CharField(
                        choices=[("draft", "Draft"), ("open", "Open"), ("closed", "Closed")],
                        default="draft",
                        max_length=8,
                        verbose_name="state",
                    ),
                ),
                (
                    "results_while_open",
                    models.BooleanField(
                        default=True, verbose_name="the audience sees the results while it is open"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("opened_at", models.DateTimeField(blank=True, null=True, verbose_name="opened")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="session_polls",
                        to="events.event",
                    ),
                ),
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="polls", to="events.session"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["session", "state"], name="poll_session_state")],
            },
        ),
        migrations.CreateModel(
            name="PollOption",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=100, verbose_name="answer")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                (
                    "poll",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="options",
                        to="events.sessionpoll",
                    ),
                ),
            ],
            options={"ordering": ["position", "id"]},
        ),
        migrations.CreateModel(
            name="PollVote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("voted_at", models.DateTimeField(auto_now=True)),
                (
                    "option",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="votes",
                        to="events.polloption",
                    ),
                ),
                (
                    "poll",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="votes",
                        to="events.sessionpoll",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("poll", "user"), name="poll_one_vote_per_person")
                ]
            },
        ),
    ]
