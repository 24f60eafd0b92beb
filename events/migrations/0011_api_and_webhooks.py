"""API tokens (stored hashed), the answers kept for idempotency keys, webhooks and their
deliveries; and the audit action for personal data read through the API."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_audit_export_actions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("exhibitor_id", models.PositiveIntegerField(blank=True, db_index=True, null=True)),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("prefix", models.CharField(editable=False, max_length=12)),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("scopes", models.JSONField(default=list, verbose_name="scopes")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="last used")),
                (
                    "created_by",
                    models.ForeignKey(
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
                        related_name="api_tokens",
                        to="events.event",
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="IdempotentAnswer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=100)),
                ("request_hash", models.CharField(max_length=64)),
                ("status_code", models.PositiveSmallIntegerField()),
                ("body", models.TextField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "token",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="events.apitoken"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("token", "key"), name="one_answer_per_key")],
            },
        ),
        migrations.CreateModel(
            name="Webhook",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("exhibitor_id", models.PositiveIntegerField(blank=True, db_index=True, null=True)),
                ("url", models.URLField(max_length=500, verbose_name="address")),
                ("kinds", models.JSONField(default=list, verbose_name="what it hears of")),
                ("secret", models.CharField(editable=False, max_length=64)),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("disabled_reason", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
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
                        related_name="webhooks",
                        to="events.event",
                    ),
                ),
            ],
            options={
                "verbose_name": "webhook",
                "verbose_name_plural": "webhooks",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("delivery_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("kind", models.CharField(max_length=40, verbose_name="what happened")),
                ("subject", models.CharField(max_length=100)),
                ("payload", models.JSONField(default=dict)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting to be sent again"),
                            ("delivered", "Delivered"),
                            ("gave_up", "Given up"),
                            ("refused", "Refused: address not allowed"),
                            ("gone", "The address answered 410 Gone; webhook disabled"),
                        ],
                        default="pending",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                (
                    "last_status_code",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="last answer"),
                ),
                ("last_error", models.CharField(blank=True, max_length=200, verbose_name="last error")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="next attempt")),
                ("delivered_at", models.DateTimeField(blank=True, null=True, verbose_name="delivered")),
                (
                    "webhook",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="deliveries",
                        to="events.webhook",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("webhook", "kind", "subject"), name="one_delivery_per_thing"
                    )
                ],
            },
        ),
        migrations.AlterField(
            model_name="auditlogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("attendees_exported", "Attendee list exported"),
                    ("archive_exported", "Archive written before deleting personal data"),
                    ("export_downloaded", "Export file downloaded"),
                    ("own_data_downloaded", "Attendee downloaded their own data"),
                    ("registration_deleted", "Attendee deleted their registration"),
                    ("event_shredded", "Personal data of the event deleted"),
                    ("chat_message_deleted", "Chat message deleted"),
                    ("attendee_muted", "Attendee muted in chat"),
                    ("attendee_banned", "Attendee banned from the live event"),
                    ("sanction_lifted", "Chat mute or ban lifted"),
                    ("leads_exported", "Leads downloaded by the exhibitor"),
                    ("access_codes_exported", "Access codes of institutions downloaded"),
                    ("seat_revoked", "Institution member's seat revoked"),
                    ("api_personal_read", "Personal data read through the API"),
                ],
                max_length=32,
                verbose_name="what",
            ),
        ),
    ]
