"""The layers of media_rtc (issue 11, item 5): rooms, host, placement, routing, services, SDP and
errors each in their own module, and every live-video handler declaring its permission with the
loader of the object it checks it on."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import rules

import media_rtc
from events.registry import socket_handlers
from media_rtc import errors

PACKAGE = Path(media_rtc.__file__).parent


def _modules():
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="media_rtc."):
        if ".migrations" in info.name or info.name.startswith("media_rtc.native._"):
            continue
        yield importlib.import_module(info.name)


def test_no_media_rtc_module_is_named_like_a_test():
    named = sorted(path.name for path in PACKAGE.rglob("test*.py"))

    assert named == []


def test_every_live_video_error_is_defined_in_errors():
    elsewhere = sorted(
        f"{module.__name__}.{name}"
        for module in _modules()
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, errors.RtcError)
        and value.__module__ != "media_rtc.errors"
    )

    assert elsewhere == []


def test_every_error_code_maps_back_to_its_type():
    codes = {
        value.code: value
        for value in vars(errors).values()
        if inspect.isclass(value) and issubclass(value, errors.RtcError) and value is not errors.RtcError
    }

    assert {code: type(errors.error_for(code, None)) for code in codes} == codes
    assert errors.error_for("rtc.something_new", "Said by the worker").message == "Said by the worker"


def test_no_module_names_a_temporary_file():
    naming = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "/tmp/" in path.read_text()  # noqa: S108
    )

    assert naming == []


def test_the_engine_leaves_sdp_rewriting_to_its_own_module():
    from media_rtc import engine, sdp

    wanted = ["parse_offer", "limit_publisher_bitrate", "codec_preferences"]
    assert [name for name in wanted if hasattr(sdp, name)] == wanted
    assert [name for name in vars(engine) if name in ("_parse_offer", "_limit_publisher_bitrate")] == []


def test_the_unused_watch_booth_permission_is_gone():
    assert rules.perm_exists("media_rtc.watch_booth") is False
    assert rules.perm_exists("media_rtc.go_live") is True


def test_every_room_handler_declares_its_loader_and_object_permission():
    rtc_types = [frame_type for frame_type in socket_handlers.types() if frame_type.startswith("rtc.")]
    declared = {
        frame_type: (
            socket_handlers.get(frame_type).load is not None,
            [check.permission for check in socket_handlers.get(frame_type).object_permissions],
        )
        for frame_type in rtc_types
    }

    assert declared == {
        "rtc.conference.chair": (True, ["media_rtc.take_seat", "media_rtc.chair_conference"]),
        "rtc.conference.seat": (True, ["media_rtc.take_seat", "media_rtc.enter_room"]),
        "rtc.conference.thumbnail": (True, ["media_rtc.take_seat", "media_rtc.publish"]),
        "rtc.config": (False, []),
        "rtc.leave": (True, ["media_rtc.enter_room"]),
        "rtc.meeting.accept": (True, ["media_rtc.answer_meeting"]),
        "rtc.meeting.decline": (True, ["media_rtc.answer_meeting"]),
        "rtc.meeting.request": (True, ["media_rtc.enter_room"]),
        "rtc.publish": (
            True,
            ["media_rtc.take_seat", "media_rtc.enter_room", "media_rtc.speak_on_stage", "media_rtc.publish"],
        ),
        "rtc.room": (True, ["media_rtc.take_seat", "media_rtc.enter_room"]),
        "rtc.tier": (True, ["media_rtc.enter_room"]),
        "rtc.unpublish": (True, ["media_rtc.enter_room"]),
        "rtc.watch": (True, ["media_rtc.enter_room"]),
    }
