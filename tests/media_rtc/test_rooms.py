"""Live rooms by name and the groups that look at them (media_rtc/rooms.py)."""

from __future__ import annotations

from media_rtc.rooms import booth_room, meeting_room, room_group, room_ref, staff_group


def test_rooms_are_named_and_grouped_by_booth_or_meeting():
    assert booth_room(12) == "booth.12"
    assert meeting_room("Ab_3-x9") == "meeting.Ab_3-x9"
    assert room_group("booth.12") == "rtc.booth.12"
    assert room_ref("booth.12") == {"room": "booth.12", "booth": 12}
    assert room_ref("meeting.Ab_3-x9") == {"room": "meeting.Ab_3-x9", "meeting": "Ab_3-x9"}
    assert staff_group(12) == "rtc.staff.12"
