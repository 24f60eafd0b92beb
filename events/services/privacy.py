"""An attendee's personal data: what is stored about them ("My data"), their JSON download, the
visibility choice, and deleting their registration (anonymised in place).

Also the event's own shred strategy (attendees, answers, sign-in links, access codes, earlier
export files), registered here so that importing the privacy services is enough to shred.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import AttemptScope, AttendeeStatus, AuditAction, AuditActor, ExportKind, ExportStatus
from ..errors import NotAllowed
from ..models import (
    AccessCode,
    Answer,
    Attendee,
    AuditLogEntry,
    CountedAttempt,
    Event,
    EventTeamMember,
    ExportJob,
    RegistrationSettings,
    SignInLink,
    User,
)
from ..models.registration import PLACEHOLDER_EMAIL_DOMAIN, is_placeholder_email
from ..registry import attendee_data, attendee_deleted, event_roles
from ..shredder import ShredItem, ShredStrategy, shred_strategies
from .audit import record_audit
from .exports import delete_export_files
from .shredding_traces import close_live_sockets, forget_sent_mail, sign_out_everywhere
from .signin import attempt_key

# Rate-limit records keyed by (event, e-mail address): these can be found again from the address.
ADDRESS_SCOPES = (AttemptScope.SIGNIN_MAIL_ADDRESS, AttemptScope.SIGNIN_CODE_ADDRESS)
CHUNK_SIZE = 500


# --- What is stored about one attendee --------------------------------------------------------


def is_deleted_attendee(attendee: Attendee) -> bool:
    """An anonymised registration: kept for the counts, nothing personal left."""
    return attendee.user_id is None and not attendee.display_name and not attendee.email


def shown_name(attendee: Attendee) -> str:
    """The name to show the team: "Deleted attendee" (in the reader's language) once anonymised."""
    if is_deleted_attendee(attendee):
        return _("Deleted attendee")
    return attendee.display_name or attendee.email


def personal_data_deleted_on(event: Event) -> dt.date | None:
    """When the retention period ends, or None (no period, or registration never used)."""
    found = RegistrationSettings.objects.filter(event=event).select_related("event").first()
    return found.personal_data_deleted_on if found else None


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def attendee_language(attendee: Attendee) -> str:
    languages = attendee.event.languages or [settings.LANGUAGE_CODE]
    return attendee.language if attendee.language in languages else languages[0]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def answers_in(attendee: Attendee, language: str) -> list[tuple[str, str]]:
    """(question, answer) as the attendee reads them, from the labels they answered under."""
    answers = attendee.answers.select_related("question__event")
    return [(answer.question_label_in(language), answer.display_in(language)) for answer in answers]


def attendee_record(attendee: Attendee, language: str | None = None) -> dict[str, Any]:
    """Everything stored about one attendee, as JSON values (their download and the archive)."""
    language = language or attendee_language(attendee)
    user = attendee.user
    return {
        "registration": {
            "id": attendee.pk,
            "kind": attendee.kind,
            "status": attendee.status,
            "name": attendee.display_name,
            "email": attendee.email,
            "language": attendee.language,
            "visible_to_others": attendee.visible_to_others,
            "open_to_meetings": attendee.open_to_meetings,
            "institution": attendee.institution.name if attendee.institution_id else None,
            "registered_at": _iso(attendee.created_at),
            "confirmed_at": _iso(attendee.confirmed_at),
            "decided_at": _iso(attendee.decided_at),
        },
        "answers": [
            {
                "question": answer.question_label_in(language),
                "identifier": answer.question.identifier,
                "answer": answer.display_in(language),
                "value": answer.value,
                "answered_at": _iso(answer.answered_at),
            }
            for answer in attendee.answers.select_related("question__event")
        ],
        "sign_in_links": [
            {
                "created_at": _iso(link.created_at),
                "expires_at": _iso(link.expires_at),
                "revoked_at": _iso(link.revoked_at),
                "last_used_at": _iso(link.last_used_at),
                "times_used": link.use_count,
            }
            for link in attendee.signin_links.order_by("created_at", "id")
        ],
        "account": None
        if user is None
        else {
            "email": None if is_placeholder_email(user.email) else user.email,
            "name": user.display_name,
        },
    }


def export_attendee_data(attendee: Attendee) -> dict[str, Any]:
    """The attendee's own download: the event, when, and everything stored about them."""
    event = attendee.event
    return {
        "event": {"name": event.name, "slug": event.slug},
        "exported_at": timezone.now().isoformat(),
        **attendee_record(attendee),
        # What the other apps hold about them (registry.attendee_data).
        **attendee_data.collect(attendee),
    }


def _require_self(attendee: Attendee, by: User | None) -> None:
    if by is None or not by.is_authenticated or attendee.user_id != by.pk:
        raise NotAllowed(_("Only the attendee can do this, signed in as themselves."))


def download_attendee_data(attendee: Attendee, *, by: User) -> dict[str, Any]:
    """The attendee's download of their own data; written to the audit log."""
    _require_self(attendee, by)
    data = export_attendee_data(attendee)
    record_audit(
        attendee.event,
        AuditAction.OWN_DATA_DOWNLOADED,
        by=by,
        as_attendee=True,
        subject=f"attendee:{attendee.pk}",
        rows=1,
    )
    return data


@transaction.atomic
def change_visibility(
    attendee: Attendee, *, visible: bool, open_to_meetings: bool | None = None, by: User
) -> Attendee:
    """Whether others may see the attendee's name in "who's here" (else counted anonymously),
    and whether other visitors may ask them for meetings (None: unchanged)."""
    _require_self(attendee, by)
    changes = {"visible_to_others": bool(visible)}
    if open_to_meetings is not None:
        changes["open_to_meetings"] = bool(open_to_meetings)
    Attendee.objects.filter(pk=attendee.pk).update(**changes)
    for field, value in changes.items():
        setattr(attendee, field, value)
    return attendee


# --- Deleting: anonymise in place ------------------------------------------------------------


def accounts_in_use(user_ids: list[int], *, event: Event) -> set[int]:
    """The accounts among `user_ids` that must stay: they attend another event, or some app
    (the team, another app's role in an event, ...) still needs them. The others may be
    anonymised."""
    ids = [pk for pk in user_ids if pk is not None]
    if not ids:
        return set()
    elsewhere = set(
        Attendee.objects.filter(user_id__in=ids).exclude(event=event).values_list("user_id", flat=True)
    )
    return elsewhere | shred_strategies.keeps_accounts([pk for pk in ids if pk not in elsewhere])


def _deleted_address(pk_expression) -> Concat:
    return Concat(
        Value("deleted-"),
        Cast(pk_expression, output_field=CharField()),
        Value(f"@{PLACEHOLDER_EMAIL_DOMAIN}"),
        output_field=CharField(),
    )


def anonymise_accounts(user_ids: set[int] | list[int]) -> int:
    """Close accounts for good: no name, a placeholder address, no password, inactive."""
    if not user_ids:
        return 0
    address = _deleted_address("pk")
    return User.objects.filter(pk__in=user_ids).update(
        email=address,
        username=address,
        display_name="",
        first_name="",
        last_name="",
        # "!" makes the password unusable (Django's own marker); the pk keeps it unique.
        password=Concat(Value(f"{UNUSABLE_PASSWORD_PREFIX}deleted-"), Cast("pk", output_field=CharField())),
        is_active=False,
    )


def _forget_address_attempts(event: Event, emails: list[str]) -> int:
    keys = [attempt_key(event.pk, email) for email in emails if email]
    if not keys:
        return 0
    deleted, _per_model = CountedAttempt.objects.filter(scope__in=ADDRESS_SCOPES, key__in=keys).delete()
    return deleted


@dataclass(frozen=True)
class Deletion:
    attendee: Attendee
    account_closed: bool  # False: the account stays (they organise or attend elsewhere), only unlinked


def delete_registration(attendee: Attendee, *, by: User) -> Deletion:
    """The attendee deletes their registration. The row stays, cancelled and without personal
    data (the counts and later records such as chat keep pointing at "a deleted attendee");
    answers and sign-in links are deleted; the account is closed unless still in use."""
    with transaction.atomic():
        attendee = Attendee.objects.select_for_update().select_related("event").get(pk=attendee.pk)
        _require_self(attendee, by)
        event, user_id = attendee.event, attendee.user_id
        closing = user_id not in accounts_in_use([user_id], event=event)
        # Every app forgets what it holds of them (chat, mail files, sockets...) while the
        # registration still says who they are.
        shred_strategies.forget_attendee(attendee)
        _forget_address_attempts(event, [attendee.email])
        attendee.answers.all().delete()
        attendee.signin_links.all().delete()
        attendee.display_name = attendee.email = attendee.language = ""
        attendee.recovery_code_hash, attendee.recovery_code_made_at = "", None  # a way back in for nobody
        attendee.visible_to_others = attendee.open_to_meetings = False
        attendee.user = None
        if attendee.status != AttendeeStatus.CANCELLED:
            attendee.status, attendee.decided_at = AttendeeStatus.CANCELLED, timezone.now()
            attendee.decided_by = None  # they decided themselves
        attendee.save()
        # Other apps forget the rest now that the registration is anonymised (registry.attendee_deleted).
        for forget in attendee_deleted:
            forget(attendee)
        if closing:
            anonymise_accounts([user_id])
            sign_out_everywhere([user_id])  # their other browsers and devices too
        # Earlier entries named the account that downloaded; now they point at nobody.
        AuditLogEntry.objects.filter(event=event, subject=f"attendee:{attendee.pk}").update(actor=None)
        record_audit(
            event,
            AuditAction.REGISTRATION_DELETED,
            by=None,
            as_attendee=True,
            subject=f"attendee:{attendee.pk}",
            rows=1,
            details={"account_closed": closing},
        )
    return Deletion(attendee, account_closed=closing)


# --- The event's own shred strategy --------------------------------------------------------------


def chunked(items: list, size: int = CHUNK_SIZE) -> list[list]:
    """Lists short enough for an `IN (...)` on every database (SQLite limits its parameters)."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def _with_personal_data(event: Event) -> QuerySet[Attendee]:
    return Attendee.objects.filter(event=event).filter(
        ~Q(display_name="") | ~Q(email="") | Q(user__isnull=False) | ~Q(language="")
    )


class AttendeeDataShredder(ShredStrategy):
    """Registrations: names, addresses, answers, sign-in links, access codes, export files."""

    name = "events.attendees"
    label = gettext_lazy("Registrations")

    def describe(self, event: Event) -> list[ShredItem]:
        return [
            ShredItem(_("Registrations with a name or e-mail address"), _with_personal_data(event).count()),
            ShredItem(
                _("Answers to registration questions"),
                Answer.objects.filter(attendee__event=event).count(),
            ),
            ShredItem(_("Sign-in links"), SignInLink.objects.filter(attendee__event=event).count()),
            ShredItem(
                _("Institution access codes"),
                AccessCode.objects.filter(institution__event=event).count(),
            ),
            ShredItem(
                _("Earlier attendee list files"),
                ExportJob.objects.filter(
                    event=event, kind=ExportKind.ATTENDEES_CSV, status=ExportStatus.DONE
                ).count(),
            ),
        ]

    def export(self, event: Event) -> dict[str, Any]:
        attendees = (
            Attendee.objects.filter(event=event)
            .select_related("event", "institution", "user")
            .order_by("created_at", "id")
        )
        return {
            "attendees": [attendee_record(attendee) for attendee in attendees.iterator(chunk_size=500)],
            "institutions": [
                {"id": institution.pk, "name": institution.name, "seats": institution.seats}
                for institution in event.institutions.order_by("name")
            ],
        }

    def shred(self, event: Event) -> dict[str, int]:
        attendees = Attendee.objects.filter(event=event)
        emails = list(attendees.exclude(email="").values_list("email", flat=True))
        user_ids = list(attendees.filter(user__isnull=False).values_list("user_id", flat=True))
        closing: set[int] = set()
        for chunk in chunked(user_ids):
            closing |= set(chunk) - accounts_in_use(chunk, event=event)
        counts = {
            "attempts": sum(_forget_address_attempts(event, chunk) for chunk in chunked(emails)),
            "answers": Answer.objects.filter(attendee__event=event).delete()[0],
            "sign_in_links": SignInLink.objects.filter(attendee__event=event).delete()[0],
            "access_codes": AccessCode.objects.filter(institution__event=event).delete()[0],
        }
        # The rows stay (with their status and institution) so the counts remain true.
        counts["attendees"] = _with_personal_data(event).update(
            display_name="",
            email="",
            language="",
            visible_to_others=False,
            open_to_meetings=False,
            user=None,
            recovery_code_hash="",
            recovery_code_made_at=None,
        )
        counts["accounts_closed"] = sum(anonymise_accounts(chunk) for chunk in chunked(list(closing)))
        counts["sessions_ended"] = sign_out_everywhere(closing)
        old_files = ExportJob.objects.filter(event=event, kind=ExportKind.ATTENDEES_CSV).exclude(file_name="")
        counts["export_files"] = delete_export_files(old_files)
        AuditLogEntry.objects.filter(event=event, actor_role=AuditActor.ATTENDEE).update(actor=None)
        forget_sent_mail(emails)
        close_live_sockets(event.pk, user_ids)
        return counts

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        """One attendee leaves: attendee lists written since they registered hold them, so those
        files go; so do mails to their address and their open live sockets."""
        lists = ExportJob.objects.filter(
            event=attendee.event, kind=ExportKind.ATTENDEES_CSV, created_at__gte=attendee.created_at
        ).exclude(file_name="")
        counts = {"export_files": delete_export_files(lists)}
        forget_sent_mail([attendee.email, attendee.user.email if attendee.user_id else ""])
        close_live_sockets(attendee.event_id, [attendee.user_id])
        return counts

    def keeps_accounts(self, user_ids: list[int]) -> set[int]:
        users = User.objects.filter(pk__in=user_ids)
        # Organisers and other apps' staff sign in with a password; attendees never get one.
        kept = set(
            users.filter(
                Q(is_staff=True) | Q(is_superuser=True) | ~Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
            ).values_list("pk", flat=True)
        )
        kept |= set(EventTeamMember.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
        return kept | event_roles.accounts(user_ids)

    def keeps_account(self, user: User) -> bool:
        return user.pk in self.keeps_accounts([user.pk])


attendee_data_shredder = shred_strategies.register(AttendeeDataShredder.name, AttendeeDataShredder())
