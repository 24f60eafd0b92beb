"""Small words events takes from the apps that own them: the empty choice of a session's place,
the slugs an event may not take, and the names of other apps' failed mails."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events import registry
from events.validators import validate_event_slug


class _Stage:
    kind = "stage"
    none_label = "— no stage —"


def test_the_empty_place_choice_is_worded_by_the_first_place_kind_or_generically():
    places = registry.SessionPlaceRegistry("session place kind")
    assert str(places.none_label()) == "— no place —"

    places.register("stage", _Stage())

    assert places.none_label() == "— no stage —"


def test_the_floor_words_the_empty_place_choice_and_reserves_its_slugs_and_mail_names():
    assert (
        str(registry.session_places.none_label()),
        "exhibitor" in registry.reserved_slugs,
        str(registry.mail_kinds["staff_invitation"]),
    ) == ("— no booth —", True, "Exhibitor staff invitation")


def test_a_registered_reserved_slug_is_refused_with_what_to_do():
    registry.reserved_slugs.register("stage", "the stage pages")
    try:
        with pytest.raises(ValidationError) as refused:
            validate_event_slug("Stage")
    finally:
        registry.reserved_slugs.unregister("stage")

    assert refused.value.code == "reserved_slug"
