"""The socket handler registry (events/registry.py): a handler may declare the function that loads
its object from the frame and the permissions checked, through rules, on that object."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import rules

from events.errors import NotAllowed, RakwonError
from events.registry import ObjectPermission, SocketHandlerRegistry


@dataclass
class _Shelf:
    owner: int


@dataclass
class _User:
    pk: int

    def has_perm(self, permission, target=None) -> bool:
        return rules.has_perm(permission, self, target)


@dataclass
class _Connection:
    user: _User


@pytest.fixture
def shelf_permission():
    rules.add_perm("tests.stack_shelf", rules.predicate(lambda user, shelf: shelf.owner == user.pk))
    yield ObjectPermission("tests.stack_shelf", "Only the shelf's owner stacks it.")
    rules.remove_perm("tests.stack_shelf")


async def _load_shelf(connection, data: dict) -> _Shelf:
    if not isinstance(data.get("owner"), int):
        raise RakwonError("Say whose shelf.", code="shelf.unknown")
    return _Shelf(data["owner"])


def _registry_with_stack(shelf_permission) -> SocketHandlerRegistry:
    registry = SocketHandlerRegistry()

    @registry.register(
        "shelf.stack", permission="events.enter_event", load=_load_shelf, check=shelf_permission
    )
    async def stack(connection, data: dict, shelf: _Shelf) -> dict:
        return {"stacked": shelf.owner}

    return registry


@pytest.mark.django_db
async def test_a_loaded_object_reaches_the_handler_when_rules_allow(shelf_permission):
    handler = _registry_with_stack(shelf_permission).get("shelf.stack")

    assert await handler.func(_Connection(_User(7)), {"owner": 7}) == {"stacked": 7}
    assert (handler.permission, [check.permission for check in handler.object_permissions]) == (
        "events.enter_event",
        ["tests.stack_shelf"],
    )


@pytest.mark.django_db
async def test_rules_refusing_the_loaded_object_raise_not_allowed_with_its_message(shelf_permission):
    handler = _registry_with_stack(shelf_permission).get("shelf.stack")

    with pytest.raises(NotAllowed) as refused:
        await handler.func(_Connection(_User(8)), {"owner": 7})

    assert (refused.value.code, refused.value.message) == (
        "auth.forbidden",
        "Only the shelf's owner stacks it.",
    )


@pytest.mark.django_db
async def test_a_loader_that_finds_nothing_raises_its_own_error(shelf_permission):
    handler = _registry_with_stack(shelf_permission).get("shelf.stack")

    with pytest.raises(RakwonError) as missing:
        await handler.func(_Connection(_User(7)), {"owner": "seven"})

    assert (missing.value.code, missing.value.message) == ("shelf.unknown", "Say whose shelf.")


async def test_a_handler_without_a_loader_is_called_as_before():
    registry = SocketHandlerRegistry()

    @registry.register("shelf.count", permission="events.enter_event")
    async def count(connection, data: dict) -> dict:
        return {"count": data["n"]}

    handler = registry.get("shelf.count")

    assert await handler.func(None, {"n": 3}) == {"count": 3}
    assert (handler.load, handler.object_permissions) == (None, ())


def test_a_bare_permission_name_is_checked_with_the_generic_refusal():
    registry = SocketHandlerRegistry()

    @registry.register("shelf.dust", permission="events.enter_event", load=_load_shelf, check="tests.dust")
    async def dust(connection, data: dict, shelf: _Shelf) -> dict:
        return {}

    assert [(c.permission, str(c.refusal)) for c in registry.get("shelf.dust").object_permissions] == [
        ("tests.dust", "You may not do that here.")
    ]


def test_checks_without_a_loader_are_refused_at_registration():
    registry = SocketHandlerRegistry()

    with pytest.raises(ValueError) as refused:
        registry.register("shelf.sweep", permission="events.enter_event", check="tests.dust")

    assert str(refused.value) == "socket frame type 'shelf.sweep' checks an object but loads none (load=)"
