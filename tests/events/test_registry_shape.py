"""One plug-in shape (events/registry.py, events/shredder.py): every registry is a `Registry`,
refuses a key twice, keeps registration order and names what is registered when a key is not."""

from __future__ import annotations

import pytest

from events import registry
from events.registry import Registry, UnknownKey
from events.shredder import shred_strategies


def test_registry_keeps_the_order_items_were_registered_in():
    shelves = Registry("shelf")
    shelves.register("b", 2)
    shelves.register("a", 1)
    shelves.register("c", 3)

    assert list(shelves) == [2, 1, 3]
    assert shelves.keys() == ["b", "a", "c"]
    assert shelves.items() == [("b", 2), ("a", 1), ("c", 3)]
    assert len(shelves) == 3


def test_registry_refuses_a_key_registered_twice_and_keeps_the_first():
    shelves = Registry("shelf")
    shelves.register("a", 1)

    with pytest.raises(ValueError, match="shelf 'a' is registered twice"):
        shelves.register("a", 2)
    assert shelves["a"] == 1


def test_registry_refuses_an_empty_key():
    with pytest.raises(ValueError, match="needs a key"):
        Registry("shelf").register("", 1)


def test_registry_names_what_is_registered_for_an_unknown_key():
    shelves = Registry("shelf")
    shelves.register("oak", 1)

    with pytest.raises(UnknownKey) as raised:
        shelves["pine"]
    assert str(raised.value) == (
        "no shelf is registered as 'pine' (registered: oak); an app registers its own in its "
        "contributions module, loaded by its AppConfig.ready()"
    )
    assert shelves.get("pine") is None
    assert "oak" in shelves and "pine" not in shelves


def test_registry_register_returns_the_item_and_unregister_takes_it_out():
    shelves = Registry("shelf")
    item = object()

    assert shelves.register("oak", item) is item
    shelves.unregister("oak")
    assert list(shelves) == []
    assert not shelves


@pytest.mark.parametrize(
    "name",
    [
        "socket_handlers",
        "session_places",
        "attendee_data",
        "attendee_deleted",
        "connect_guards",
        "event_roles",
        "presence_places",
        "presence_listeners",
        "socket_disconnect_listeners",
        "publish_checks",
        "dashboard_counts",
        "organiser_menu",
        "page_sections",
    ],
)
def test_every_registry_is_the_one_registry_type(name):
    assert isinstance(getattr(registry, name), Registry)


def test_the_shredder_list_is_the_one_registry_type_too():
    assert isinstance(shred_strategies, Registry)
    assert shred_strategies.keys()[:2] == ["events.chat", "events.attendees"]  # events first
    assert [key for key, strategy in shred_strategies.items() if key != strategy.name] == []


def test_a_shred_strategy_is_registered_under_its_own_name():
    with pytest.raises(ValueError, match="registered as 'other': use its name"):
        shred_strategies.register("other", shred_strategies["events.attendees"])


def test_each_app_registers_what_it_adds():
    assert registry.presence_places.keys() == ["session", "hall", "booth"]
    assert registry.attendee_deleted.keys() == ["exhibits.bookmarks", "exhibits.leads"]
    assert registry.socket_disconnect_listeners.keys() == [
        "exhibits.uncount_follower",
        "media_rtc.leave_rooms",
    ]
    assert registry.presence_listeners.keys() == ["exhibits.booth_visits"]
