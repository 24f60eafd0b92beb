"""Attendee exports: the CSV, its progress, the formula guard, audit, downloads and expiry."""

from __future__ import annotations

import csv
import datetime as dt
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.enums import AuditAction, AuditActor, EventStatus, ExportKind, ExportStatus, QuestionKind
from events.errors import NotAllowed
from events.interfaces.attendee_export import export_attendees_csv
from events.models import AuditLogEntry, ExportJob
from events.services.exports import (
    ExportError,
    delete_expired_exports,
    exports_dir,
    job_path,
    open_export,
    request_attendee_export,
)
from events.services.spreadsheets import csv_cell
from tests.registration_factories import (
    AnswerFactory,
    AttendeeFactory,
    MemberFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"


def read_csv(job: ExportJob) -> list[list[str]]:
    with open(job_path(job), encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def new_job(event, by, language="en") -> ExportJob:
    return ExportJob.objects.create(
        event=event, requested_by=by, kind=ExportKind.ATTENDEES_CSV, language=language
    )


def local(moment, event) -> str:
    return timezone.localtime(moment, event.tz).strftime("%Y-%m-%d %H:%M")


# --- Asking for an export ---------------------------------------------------------------------


def test_request_attendee_export_runs_the_task_after_commit(event, owner, django_capture_on_commit_callbacks):
    AttendeeFactory(event=event)

    with django_capture_on_commit_callbacks(execute=True):
        job = request_attendee_export(event, by=owner, language="ko")

    job.refresh_from_db()
    assert (job.status, job.rows, job.language, job.requested_by) == ("done", 1, "ko", owner)


def test_request_attendee_export_allowed_on_closed_event(event, moderator):
    event.status = EventStatus.CLOSED
    event.save()

    job = request_attendee_export(event, by=moderator)

    assert (job.status, job.kind, job.language) == ("queued", "attendees_csv", "en")


def test_request_attendee_export_refused_outside_team(event, staff_a):
    with pytest.raises(NotAllowed):
        request_attendee_export(event, by=staff_a)

    assert ExportJob.objects.count() == 0


def test_request_attendee_export_unknown_language_uses_event_language(event, owner):
    job = request_attendee_export(event, by=owner, language="fr")

    assert job.language == "en"


# --- The CSV ----------------------------------------------------------------------------------


def test_export_attendees_csv_header_and_row_with_answer(event, owner):
    city = QuestionFactory(event=event, identifier="city", label={"en": "City", "ko": "도시"}, position=1)
    old = QuestionFactory(
        event=event,
        identifier="company",
        label={"en": "Company", "ko": "회사"},
        position=2,
        archived_at=timezone.now(),
    )
    minji = AttendeeFactory(
        event=event, display_name="Kim Minji", email="minji@example.org", visible_to_others=True
    )
    AnswerFactory(attendee=minji, question=city, value="Busan")
    AnswerFactory(attendee=minji, question=old, value="Rakwon Ltd")
    job = new_job(event, owner)

    export_attendees_csv(job)

    rows = read_csv(job)
    assert rows[0] == [
        "Registration",
        "Kind",
        "Status",
        "Name",
        "E-mail address",
        "Institution",
        "Registered",
        "Confirmed",
        "Visible to others",
        "City",
        "Company (archived)",
    ]
    assert rows[1] == [
        str(minji.pk),
        "Individual",
        "Confirmed",
        "Kim Minji",
        "minji@example.org",
        "",
        local(minji.created_at, event),
        local(minji.confirmed_at, event),
        "Yes",
        "Busan",
        "Rakwon Ltd",
    ]
    assert len(rows) == 2


def test_export_attendees_csv_in_korean(event, owner):
    city = QuestionFactory(event=event, identifier="city", label={"en": "City", "ko": "도시"})
    AnswerFactory(
        attendee=MemberFactory(event=event, institution__name="서울대학교"),
        question=city,
        value="부산",
    )
    job = new_job(event, owner, language="ko")

    export_attendees_csv(job)

    rows = read_csv(job)
    assert rows[0][-1] == "도시"
    assert rows[1][5] == "서울대학교"
    assert rows[1][-1] == "부산"


def test_export_attendees_csv_choice_answer_uses_its_label(event, owner):
    size = QuestionFactory(
        event=event,
        identifier="size",
        kind=QuestionKind.SINGLE_CHOICE,
        label={"en": "T-shirt", "ko": "티셔츠"},
        options=[{"key": "m", "labels": {"en": "Medium", "ko": "중간"}}],
    )
    AnswerFactory(
        attendee=AttendeeFactory(event=event),
        question=size,
        value="m",
        option_labels_snapshot={"m": {"en": "Medium", "ko": "중간"}},
    )
    job = new_job(event, owner)

    export_attendees_csv(job)

    assert read_csv(job)[1][-1] == "Medium"


def test_export_attendees_csv_guards_against_formulas(event, owner):
    city = QuestionFactory(event=event, identifier="city", label={"en": "City", "ko": "도시"})
    attacker = AttendeeFactory(event=event, display_name='=HYPERLINK("http://x")', email="a@example.org")
    AnswerFactory(attendee=attacker, question=city, value="@SUM(1+1)")
    job = new_job(event, owner)

    export_attendees_csv(job)

    row = read_csv(job)[1]
    assert row[3] == '\'=HYPERLINK("http://x")'
    assert row[-1] == "'@SUM(1+1)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+82 2 123", "'+82 2 123"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Busan", "Busan"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_cell_prefixes_formula_starts(value, expected):
    assert csv_cell(value) == expected


def test_export_attendees_csv_progress_reaches_total(event, owner, settings):
    settings.EXPORT_PROGRESS_EVERY = 2
    AttendeeFactory.create_batch(5, event=event)
    job = new_job(event, owner)

    with CaptureQueriesContext(connection) as queries:
        export_attendees_csv(job)

    progress_updates = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "events_exportjob" SET "progress_done"')
    ]
    assert len(progress_updates) == 2  # after rows 2 and 4; the end is saved with the result
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.rows, job.percent) == (
        "done",
        5,
        5,
        5,
        100,
    )
    assert len(read_csv(job)) == 6


def test_export_attendees_csv_is_audited(event, owner):
    AttendeeFactory.create_batch(3, event=event)
    job = new_job(event, owner)

    export_attendees_csv(job)

    entry = AuditLogEntry.objects.get()
    assert (
        entry.action,
        entry.actor,
        entry.actor_role,
        entry.actor_label,
        entry.subject,
        entry.rows,
    ) == (
        AuditAction.ATTENDEES_EXPORTED,
        owner,
        AuditActor.TEAM,
        "owner@example.org",
        f"export:{job.pk}",
        3,
    )


def test_export_attendees_csv_finished_job_is_not_run_twice(event, owner):
    AttendeeFactory(event=event)
    job = new_job(event, owner)
    export_attendees_csv(job)
    first_file = job.file_name

    export_attendees_csv(job)

    job.refresh_from_db()
    assert job.file_name == first_file
    assert AuditLogEntry.objects.count() == 1


def test_export_attendees_csv_failure_leaves_no_file_and_no_audit(event, owner, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.PRIVATE_ROOT = blocker  # the exports folder cannot be made under a file
    AttendeeFactory(event=event)
    job = new_job(event, owner)

    export_attendees_csv(job)

    job.refresh_from_db()
    assert (job.status, job.file_name, job.rows) == ("failed", "", None)
    assert job.error == "The export failed. Try again; if it fails again, tell the site's operator."
    assert AuditLogEntry.objects.count() == 0


def test_exports_dir_is_outside_media_root(settings):
    folder = exports_dir()

    assert folder == settings.PRIVATE_ROOT / "exports"
    assert settings.MEDIA_ROOT not in folder.parents


# --- Downloading ------------------------------------------------------------------------------


def test_open_export_is_audited(event, owner, moderator):
    AttendeeFactory.create_batch(2, event=event)
    job = new_job(event, owner)
    export_attendees_csv(job)

    path = open_export(job, by=moderator)

    assert path == job_path(job)
    entry = AuditLogEntry.objects.filter(action=AuditAction.EXPORT_DOWNLOADED).get()
    assert (entry.actor, entry.actor_label, entry.subject, entry.rows) == (
        moderator,
        "mod@example.org",
        f"export:{job.pk}",
        2,
    )


def test_open_export_refused_outside_team(event, owner, visitor):
    job = new_job(event, owner)
    export_attendees_csv(job)

    with pytest.raises(NotAllowed):
        open_export(job, by=visitor)

    assert AuditLogEntry.objects.filter(action=AuditAction.EXPORT_DOWNLOADED).count() == 0


def test_open_export_unfinished_job_is_refused(event, owner):
    job = new_job(event, owner)

    with pytest.raises(ExportError) as raised:
        open_export(job, by=owner)

    assert raised.value.code == "export.gone"
    assert raised.value.message == "This export's file is no longer on the server. Make a new export."


# --- Expiry -----------------------------------------------------------------------------------


def test_delete_expired_exports_removes_old_files_only(
    event, owner, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_FILE_KEEP_DAYS = 7
    old, recent = new_job(event, owner), new_job(event, owner)
    export_attendees_csv(old)
    export_attendees_csv(recent)
    old_path = job_path(old)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    stray = exports_dir() / "left-behind.csv"
    stray.write_text("x")
    ten_days_ago = (timezone.now() - dt.timedelta(days=10)).timestamp()
    os.utime(stray, (ten_days_ago, ten_days_ago))

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_exports() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.file_name) == (ExportStatus.EXPIRED, "")
    assert not old_path.exists()
    assert not stray.exists()
    assert recent.status == ExportStatus.DONE
    assert job_path(recent).is_file()
