"""The organiser's recording pages (media_rtc/views_recording.py) and the replay on a session's page:
only the event's organisers start and stop; the replay shows its progress, then the video, served
from PRIVATE_ROOT only to those in the live event; deleting a session deletes its recordings' files."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from media_rtc.models import Recording, RecordingState
from tests.factories import SessionFactory
from tests.registration_factories import AttendeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _loopback_media(settings):
    settings.RTC_HOST_ADDRESSES = ["127.0.0.1"]
    settings.RTC_MEDIA_WORKERS = False


@pytest.fixture
def session(event):
    return SessionFactory(event=event, title="Opening talk")


@pytest.fixture
def attendee(event):
    return AttendeeFactory(event=event).user


def _recording(session, *, state=RecordingState.READY, progress=100, files=True) -> Recording:
    recording = Recording.objects.create(
        event=session.event, room=f"stage.{session.pk}", session=session, state=state, progress=progress
    )
    recording.folder = f"recordings/{recording.pk}"
    folder = settings.PRIVATE_ROOT / recording.folder
    folder.mkdir(parents=True)
    if files:
        (folder / "replay.webm").write_bytes(b"\x1aE\xdf\xa3" + bytes(range(256)) * 40)
        (folder / "video-low.mp4").write_bytes(b"low")
        recording.replay_file, recording.low_file = "replay.webm", "video-low.mp4"
    recording.save()
    return recording


def _said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Starting and stopping --------------------------------------------------------------------


def test_the_organiser_starts_and_stops_recording_a_sessions_stage(client, owner, event, session):
    client.force_login(owner)
    page = reverse("recordings:session", args=[event.slug, session.pk])
    shown = client.get(page).content.decode()
    assert "Start recording" in shown
    assert "Nothing has been recorded here yet." in shown

    started = client.post(reverse("recordings:session_start", args=[event.slug, session.pk]))
    assert started.status_code == 302
    assert started["Location"] == page
    assert _said(started) == ["Recording. Everyone on air is told that they are recorded."]
    recording = Recording.objects.get()
    assert (recording.room, recording.session, recording.booth, recording.started_by) == (
        f"stage.{session.pk}",
        session,
        None,
        owner,
    )
    assert recording.state == RecordingState.RECORDING
    assert "Stop recording" in client.get(page).content.decode()

    again = client.post(reverse("recordings:session_start", args=[event.slug, session.pk]))
    assert _said(again)[-1] == "This is being recorded already."
    assert Recording.objects.count() == 1

    stopped = client.post(reverse("recordings:session_stop", args=[event.slug, session.pk]))
    assert _said(stopped)[-1] == "Recording stopped. The replay is being prepared."
    recording.refresh_from_db()
    # The test client runs each request's async_to_sync in a loop of its own, so the stop reaches
    # a media host that never heard of this recording, as after a crash: it is stopped as
    # interrupted (test_recording_interrupted.py); a stop the host knows is "stopped"
    # (test_recording_replay.py, on one loop).
    assert (recording.state, recording.stop_reason) == (RecordingState.PROCESSING, "interrupted")


def test_the_organiser_records_a_booths_room(client, owner, event, booth_a):
    client.force_login(owner)
    client.post(reverse("recordings:booth_start", args=[event.slug, booth_a.pk]))
    recording = Recording.objects.get()
    assert (recording.room, recording.booth, recording.session) == (f"booth.{booth_a.pk}", booth_a, None)


@pytest.mark.parametrize("who", ["visitor", "staff_a", "staff_b", "attendee"])
def test_people_outside_the_team_do_not_even_see_the_recording_pages(
    client, request, event, session, booth_a, who
):
    client.force_login(request.getfixturevalue(who))
    urls = [
        reverse("recordings:session", args=[event.slug, session.pk]),
        reverse("recordings:booth", args=[event.slug, booth_a.pk]),
    ]
    posts = [
        reverse("recordings:session_start", args=[event.slug, session.pk]),
        reverse("recordings:booth_start", args=[event.slug, booth_a.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert [client.post(url).status_code for url in posts] == [404, 404]
    assert Recording.objects.count() == 0


def test_a_moderator_sees_the_recordings_but_may_neither_start_nor_stop(client, moderator, event, session):
    running = _recording(session, state=RecordingState.RECORDING, progress=0, files=False)
    client.force_login(moderator)
    shown = client.get(reverse("recordings:session", args=[event.slug, session.pk])).content.decode()
    assert "Only the event's organisers can record its sessions and booths." in shown
    assert "Stop recording" not in shown
    refused = client.post(reverse("recordings:session_stop", args=[event.slug, session.pk]))
    assert refused.status_code == 403
    assert client.post(reverse("recordings:session_start", args=[event.slug, session.pk])).status_code == 403
    running.refresh_from_db()
    assert running.state == RecordingState.RECORDING


def test_a_session_of_another_event_is_not_there(client, owner, event):
    other = SessionFactory()
    client.force_login(owner)
    assert client.post(reverse("recordings:session_start", args=[event.slug, other.pk])).status_code == 404
    assert Recording.objects.count() == 0


def test_a_closed_event_records_nothing(client, owner, event, session):
    event.status = "closed"
    event.save()
    client.force_login(owner)
    assert client.post(reverse("recordings:session_start", args=[event.slug, session.pk])).status_code == 403
    assert Recording.objects.count() == 0


def test_how_a_recording_ended_is_told_to_the_organiser(client, owner, event, session):
    _recording(session, state=RecordingState.PROCESSING, progress=0, files=False)
    Recording.objects.update(stop_reason="disk_error")
    client.force_login(owner)
    shown = client.get(reverse("recordings:session", args=[event.slug, session.pk])).content.decode()
    assert "could not write the recording (is its disk full?)" in shown


# --- The replay on the session's page ---------------------------------------------------------


def test_the_session_page_shows_the_replays_progress_then_the_video(client, event, session, attendee):
    recording = _recording(session, state=RecordingState.PROCESSING, progress=40, files=False)
    client.force_login(attendee)
    page_url = reverse("visit:session", args=[event.slug, session.pk])
    preparing = client.get(page_url).content.decode()
    progress_url = reverse("recordings:progress", args=[event.slug, recording.pk])
    assert f'data-progress-url="{progress_url}"' in preparing
    assert 'max="100" value="40"' in preparing
    assert "data-replay=" not in preparing
    assert client.get(progress_url).json() == {
        "done": 40,
        "total": 100,
        "percent": 40,
        "finished": False,
        "status_label": "Being prepared",
    }

    (settings.PRIVATE_ROOT / recording.folder / "replay.webm").write_bytes(b"webm")
    Recording.objects.filter(pk=recording.pk).update(
        state=RecordingState.READY, progress=100, replay_file="replay.webm"
    )
    ready = client.get(page_url).content.decode()
    assert "<progress" not in ready
    assert f'data-replay="{recording.pk}"' in ready
    assert (
        f'src="{reverse("recordings:file", args=[event.slug, recording.pk, "replay"])}" type="video/webm"'
        in ready
    )
    assert client.get(progress_url).json()["finished"] is True


def test_a_session_being_recorded_says_so_on_its_page(client, event, session, attendee):
    _recording(session, state=RecordingState.RECORDING, progress=0, files=False)
    client.force_login(attendee)
    shown = client.get(reverse("visit:session", args=[event.slug, session.pk])).content.decode()
    assert "This session is being recorded." in shown
    assert "media_rtc/recording.js" in shown


def test_a_session_without_recordings_shows_no_replay(client, event, session, attendee):
    client.force_login(attendee)
    shown = client.get(reverse("visit:session", args=[event.slug, session.pk])).content.decode()
    assert "session-replay" not in shown


def test_strangers_are_asked_to_register_and_get_no_replay_file(client, event, session):
    recording = _recording(session)
    shown = client.get(reverse("visit:session", args=[event.slug, session.pk])).content.decode()
    assert "Register for the event to watch the replay." in shown
    assert "data-replay=" not in shown
    assert (
        client.get(reverse("recordings:file", args=[event.slug, recording.pk, "replay"])).status_code == 404
    )
    assert client.get(reverse("recordings:progress", args=[event.slug, recording.pk])).status_code == 404


def test_the_replay_is_served_with_byte_ranges_to_those_in_the_event(client, event, session, attendee):
    recording = _recording(session)
    whole = (settings.PRIVATE_ROOT / recording.folder / "replay.webm").read_bytes()
    client.force_login(attendee)
    url = reverse("recordings:file", args=[event.slug, recording.pk, "replay"])
    full = client.get(url)
    assert (full.status_code, full["Content-Type"], b"".join(full.streaming_content)) == (
        200,
        "video/webm",
        whole,
    )
    part = client.get(url, HTTP_RANGE="bytes=4-19")
    assert (part.status_code, part["Content-Range"], part.content) == (
        206,
        f"bytes 4-19/{len(whole)}",
        whole[4:20],
    )
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(whole)}-")
    assert (beyond.status_code, beyond["Content-Range"]) == (416, f"bytes */{len(whole)}")
    assert (
        client.get(reverse("recordings:file", args=[event.slug, recording.pk, "poster"])).status_code == 404
    )
    assert (
        client.get(reverse("recordings:file", args=[event.slug, recording.pk, "manifest.json"])).status_code
        == 404
    )


def test_a_replay_being_prepared_or_of_a_booth_room_is_not_served_to_attendees(
    client, event, session, booth_a, attendee, moderator
):
    preparing = _recording(session, state=RecordingState.PROCESSING, progress=10)
    booth_recording = _recording(SessionFactory(event=event))
    Recording.objects.filter(pk=booth_recording.pk).update(
        session=None, booth=booth_a, room=f"booth.{booth_a.pk}"
    )
    client.force_login(attendee)
    assert (
        client.get(reverse("recordings:file", args=[event.slug, preparing.pk, "replay"])).status_code == 404
    )
    assert (
        client.get(reverse("recordings:file", args=[event.slug, booth_recording.pk, "replay"])).status_code
        == 404
    )
    client.force_login(moderator)
    assert (
        client.get(reverse("recordings:file", args=[event.slug, booth_recording.pk, "replay"])).status_code
        == 200
    )


def test_another_events_recording_is_not_there(client, event, attendee):
    other = _recording(SessionFactory())
    client.force_login(attendee)
    assert client.get(reverse("recordings:file", args=[event.slug, other.pk, "replay"])).status_code == 404


# --- Deleting -----------------------------------------------------------------------------------


def test_deleting_a_session_deletes_its_recordings_and_their_files(
    event, session, django_capture_on_commit_callbacks
):
    recording = _recording(session)
    folder = settings.PRIVATE_ROOT / recording.folder
    other = _recording(SessionFactory(event=event))
    with django_capture_on_commit_callbacks(execute=True):
        session.delete()
    assert not Recording.objects.filter(pk=recording.pk).exists()
    assert not folder.exists()
    assert (settings.PRIVATE_ROOT / other.folder / "replay.webm").is_file()


def test_the_other_streams_on_air_are_linked_and_served(client, event, session, attendee):
    recording = _recording(session)
    (settings.PRIVATE_ROOT / recording.folder / "replay-2.webm").write_bytes(b"second speaker")
    Recording.objects.filter(pk=recording.pk).update(other_files=["replay-2.webm"])
    client.force_login(attendee)
    shown = client.get(reverse("visit:session", args=[event.slug, session.pk])).content.decode()
    other = reverse("recordings:file", args=[event.slug, recording.pk, "other-1"])
    assert f'<a href="{other}">Stream 2</a>' in shown
    served = client.get(other)
    assert (served.status_code, served["Content-Type"]) == (200, "video/webm")
    assert b"".join(served.streaming_content) == b"second speaker"
    assert (
        client.get(reverse("recordings:file", args=[event.slug, recording.pk, "other-2"])).status_code == 404
    )
    assert (
        client.get(reverse("recordings:file", args=[event.slug, recording.pk, "other-0"])).status_code == 404
    )
