"""Shredding an event's personal data: export first, then every strategy; owners only; retention."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from events.enums import (
    AttemptScope,
    AuditAction,
    AuditActor,
    EventStatus,
    ExportKind,
    ExportStatus,
    TeamRole,
)
from events.errors import NotAllowed
from events.interfaces.attendee_export import export_attendees_csv
from events.models import (
    AccessCode,
    Answer,
    Attendee,
    AuditLogEntry,
    CountedAttempt,
    ExportJob,
    RegistrationSettings,
    SignInLink,
    User,
)
from events.services.exports import job_path
from events.services.registration import attendee_counts
from events.services.shredding import (
    ShredError,
    describe_shredding,
    has_personal_data,
    request_shred,
    run_shred_job,
    shred_event,
    shred_expired_events,
    write_archive,
)
from events.services.signin import attempt_key
from events.shredder import ShredItem, ShredStrategy, shred_strategies
from events.tasks import shred_expired_events as shred_expired_events_task
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.registration_factories import (
    AccessCodeFactory,
    AnswerFactory,
    AttendeeFactory,
    MemberFactory,
    QuestionFactory,
    SignInLinkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


class NotesShredder(ShredStrategy):
    """A later feature's data (think booth chat), kept in memory for the test."""

    name = "tests.notes"
    label = "Notes"

    def __init__(self) -> None:
        self.notes: dict[int, list[str]] = {}

    def describe(self, event):
        return [ShredItem("Notes", len(self.notes.get(event.pk, [])))]

    def export(self, event):
        return {"notes": list(self.notes.get(event.pk, []))}

    def shred(self, event):
        return {"notes": len(self.notes.pop(event.pk, []))}


class BrokenShredder(NotesShredder):
    name = "tests.broken"

    def shred(self, event):
        raise RuntimeError("disk on fire")


class BrokenExportShredder(NotesShredder):
    name = "tests.broken_export"

    def export(self, event):
        raise RuntimeError("cannot read")


@pytest.fixture
def notes():
    strategy = shred_strategies.register(NotesShredder.name, NotesShredder())
    yield strategy
    shred_strategies.unregister(strategy.name)


@pytest.fixture
def broken():
    strategy = shred_strategies.register(BrokenShredder.name, BrokenShredder())
    yield strategy
    shred_strategies.unregister(strategy.name)


@pytest.fixture
def broken_export():
    strategy = shred_strategies.register(BrokenExportShredder.name, BrokenExportShredder())
    yield strategy
    shred_strategies.unregister(strategy.name)


@pytest.fixture
def closed(event):
    event.status = EventStatus.CLOSED
    event.save()
    return event


@pytest.fixture
def people(closed):
    """An individual with an answer and a link, an institution member, and an organiser."""
    minji = AttendeeFactory(event=closed, display_name="Kim Minji", email="minji@example.org")
    AnswerFactory(attendee=minji, question=QuestionFactory(event=closed, identifier="city"), value="Busan")
    SignInLinkFactory(attendee=minji)
    member = MemberFactory(event=closed, display_name="Park")
    AccessCodeFactory(institution=member.institution)
    boss = UserFactory(email="boss@example.org")
    TeamMemberFactory(event=EventFactory(), user=boss, role=TeamRole.OWNER)
    organiser = AttendeeFactory(event=closed, user=boss, email="boss@example.org", display_name="Boss")
    CountedAttempt.objects.create(
        scope=AttemptScope.SIGNIN_MAIL_ADDRESS, key=attempt_key(closed.pk, "minji@example.org")
    )
    return {"minji": minji, "member": member, "organiser": organiser}


def archive_job(event, by) -> ExportJob:
    return ExportJob.objects.create(event=event, requested_by=by, kind=ExportKind.SHRED_ARCHIVE)


# --- Asking to shred --------------------------------------------------------------------------


def test_request_shred_refused_for_moderator(closed, moderator):
    with pytest.raises(NotAllowed):
        request_shred(closed, by=moderator, confirmation="expo")

    assert ExportJob.objects.count() == 0


def test_request_shred_refused_without_confirmation(closed, owner):
    with pytest.raises(ShredError) as raised:
        request_shred(closed, by=owner, confirmation="exp")

    assert raised.value.code == "shred.unconfirmed"
    assert raised.value.message == "Type the event's short name “expo” exactly to confirm."
    assert ExportJob.objects.count() == 0


def test_request_shred_refused_while_event_open(event, owner):
    with pytest.raises(ShredError) as raised:
        request_shred(event, by=owner, confirmation="expo")

    assert raised.value.code == "shred.not_closed"
    assert ExportJob.objects.count() == 0


def test_request_shred_refused_while_one_is_under_way(closed, owner):
    archive_job(closed, owner)

    with pytest.raises(ShredError) as raised:
        request_shred(closed, by=owner, confirmation="expo")

    assert raised.value.code == "shred.running"
    assert ExportJob.objects.count() == 1


def test_describe_shredding_counts_what_goes(people, closed, notes):
    notes.notes[closed.pk] = ["met Minji at booth A-1"]

    described = {strategy.name: items for strategy, items in describe_shredding(closed)}

    assert described["events.attendees"] == [
        ShredItem("Registrations with a name or e-mail address", 3),
        ShredItem("Answers to registration questions", 1),
        ShredItem("Sign-in links", 1),
        ShredItem("Institution access codes", 1),
        ShredItem("Earlier attendee list files", 0),
    ]
    assert described["tests.notes"] == [ShredItem("Notes", 1)]


# --- Export first, then shred -----------------------------------------------------------------


def test_shred_exports_then_removes_personal_data(
    people, closed, owner, notes, client, django_capture_on_commit_callbacks
):
    notes.notes[closed.pk] = ["met Minji at booth A-1"]
    earlier = ExportJob.objects.create(event=closed, requested_by=owner, kind=ExportKind.ATTENDEES_CSV)
    export_attendees_csv(earlier)
    earlier_file = job_path(earlier)
    minji_user, member_user = people["minji"].user, people["member"].user

    with django_capture_on_commit_callbacks(execute=True):
        job = request_shred(closed, by=owner, confirmation="expo")

    job.refresh_from_db()
    # One step per registered strategy (the events' own, the test's notes, the other apps'),
    # plus writing the archive.
    steps = len(list(shred_strategies)) + 1
    assert (job.status, job.error, job.progress_done, job.progress_total) == ("done", "", steps, steps)
    assert job.shredded_at is not None
    with open(job_path(job), encoding="utf-8") as handle:
        archive = json.load(handle)
    names = [each["registration"]["name"] for each in archive["data"]["events.attendees"]["attendees"]]
    assert names == ["Kim Minji", "Park", "Boss"]
    assert archive["data"]["tests.notes"] == {"notes": ["met Minji at booth A-1"]}
    # The rows stay, anonymised; everything else personal is gone.
    assert (
        list(Attendee.objects.filter(event=closed).values_list("display_name", "email", "user"))
        == [("", "", None)] * 3
    )
    assert (Answer.objects.count(), SignInLink.objects.count(), AccessCode.objects.count()) == (
        0,
        0,
        0,
    )
    assert CountedAttempt.objects.count() == 0
    assert notes.notes == {}
    assert User.objects.filter(pk__in=[minji_user.pk, member_user.pk], is_active=True).count() == 0
    assert User.objects.get(email="boss@example.org").is_active is True
    earlier.refresh_from_db()
    assert (earlier.status, earlier_file.exists()) == (ExportStatus.EXPIRED, False)
    assert attendee_counts(closed)["confirmed"] == 3
    assert has_personal_data(closed) is False
    assert client.get(reverse("public:event", args=["expo"])).status_code == 200


def test_shred_is_audited(people, closed, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = request_shred(closed, by=owner, confirmation="expo")

    entries = AuditLogEntry.objects.filter(event=closed).order_by("id")
    assert [(entry.action, entry.actor, entry.actor_role, entry.subject) for entry in entries] == [
        (AuditAction.ARCHIVE_EXPORTED, owner, AuditActor.TEAM, f"export:{job.pk}"),
        (AuditAction.EVENT_SHREDDED, owner, AuditActor.TEAM, f"export:{job.pk}"),
    ]
    archive, shredded = entries
    assert archive.rows == 6  # 3 registrations, 1 answer, 1 link, 1 access code
    counts = shredded.details["counts"]
    assert counts["events.attendees"] == {
        "attempts": 1,
        "answers": 1,
        "sign_in_links": 1,
        "access_codes": 1,
        "attendees": 3,
        "accounts_closed": 2,
        "sessions_ended": 0,  # nobody was signed in (tests/events/services/test_shredding_proof.py)
        "export_files": 0,
    }
    # The other apps' strategies had nothing of these people to remove.
    assert sum(sum(each.values()) for name, each in counts.items() if name != "events.attendees") == 0
    assert shredded.rows == 9  # the sum of the counts


def test_shred_event_refused_without_recent_archive(people, closed, owner):
    with pytest.raises(ShredError) as raised:
        shred_event(closed, by=owner)

    assert raised.value.code == "shred.no_export"
    assert Attendee.objects.filter(event=closed, display_name="Kim Minji").count() == 1
    assert Answer.objects.count() == 1


def test_shred_event_refused_with_archive_over_an_hour_old(people, closed, owner):
    job = archive_job(closed, owner)
    assert write_archive(job) is True
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(minutes=61))

    with pytest.raises(ShredError) as raised:
        shred_event(closed, by=owner)

    assert raised.value.code == "shred.no_export"
    assert Answer.objects.count() == 1


def test_shred_event_with_recent_archive(people, closed, owner):
    job = archive_job(closed, owner)
    write_archive(job)

    counts = shred_event(closed, by=owner)

    assert counts["events.attendees"]["attendees"] == 3
    job.refresh_from_db()
    assert job.shredded_at is not None


def test_shred_event_refused_for_moderator(people, closed, owner, moderator):
    write_archive(archive_job(closed, owner))

    with pytest.raises(NotAllowed):
        shred_event(closed, by=moderator)

    assert Answer.objects.count() == 1


def test_shred_failing_strategy_deletes_nothing(people, closed, owner, broken):
    job = archive_job(closed, owner)

    run_shred_job(job)

    job.refresh_from_db()
    assert job.shredded_at is None
    assert job.error == "Deleting failed. Nothing was deleted; the archive is kept. Try again."
    assert job.is_downloadable is True
    assert Answer.objects.count() == 1
    assert Attendee.objects.filter(display_name="Kim Minji").count() == 1
    assert AuditLogEntry.objects.filter(action=AuditAction.EVENT_SHREDDED).count() == 0


def test_shred_failing_export_deletes_nothing(people, closed, owner, broken_export):
    job = archive_job(closed, owner)

    run_shred_job(job)

    job.refresh_from_db()
    assert (job.status, job.file_name, job.shredded_at) == ("failed", "", None)
    assert job.error == "Writing the archive failed, so nothing was deleted. Try again."
    assert Answer.objects.count() == 1
    assert AuditLogEntry.objects.count() == 0


# --- Automatic retention ----------------------------------------------------------------------


def ended_event(days_ago: int, retention_days: int | None):
    today = timezone.localdate()
    event = EventFactory(
        starts_on=today - dt.timedelta(days=days_ago + 1),
        ends_on=today - dt.timedelta(days=days_ago),
    )
    RegistrationSettings.objects.create(event=event, personal_data_retention_days=retention_days)
    AttendeeFactory(event=event, display_name="Someone")
    return event


def test_shred_expired_events_shreds_only_expired():
    expired = ended_event(days_ago=91, retention_days=90)
    recent = ended_event(days_ago=10, retention_days=90)
    on_the_day = ended_event(days_ago=90, retention_days=90)
    kept_forever = ended_event(days_ago=400, retention_days=None)

    assert shred_expired_events() == [expired]

    assert Attendee.objects.get(event=expired).display_name == ""
    for event in (recent, on_the_day, kept_forever):
        assert Attendee.objects.get(event=event).display_name == "Someone"
    entries = AuditLogEntry.objects.filter(event=expired).order_by("id")
    assert [(entry.action, entry.actor, entry.actor_role) for entry in entries] == [
        (AuditAction.ARCHIVE_EXPORTED, None, AuditActor.RETENTION),
        (AuditAction.EVENT_SHREDDED, None, AuditActor.RETENTION),
    ]
    job = ExportJob.objects.get(event=expired)
    assert (job.kind, job.requested_by, job.is_downloadable) == (
        ExportKind.SHRED_ARCHIVE,
        None,
        True,
    )


def test_shred_expired_events_skips_events_already_shredded():
    expired = ended_event(days_ago=120, retention_days=90)
    shred_expired_events()

    assert shred_expired_events() == []

    assert ExportJob.objects.filter(event=expired).count() == 1


def test_shred_expired_events_task_reports_count():
    ended_event(days_ago=100, retention_days=30)

    assert shred_expired_events_task() == 1
