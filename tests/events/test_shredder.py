"""The shredder's registry of strategies, and the event's own strategy as registered."""

from __future__ import annotations

import pytest

from events.services.privacy import AttendeeDataShredder
from events.shredder import ShredItem, ShredStrategy, ShredStrategyRegistry, shred_strategies
from tests.factories import UserFactory


class NothingShredder(ShredStrategy):
    name = "tests.nothing"
    label = "Nothing"

    def describe(self, event):
        return [ShredItem("Nothing", 0)]

    def export(self, event):
        return {}

    def shred(self, event):
        return {}


class StaffKeeper(NothingShredder):
    name = "tests.keeper"

    def keeps_account(self, user):
        return user.email.startswith("keep")


def test_registry_registers_and_unregisters():
    registry = ShredStrategyRegistry()
    strategy = registry.register(NothingShredder.name, NothingShredder())

    assert (list(registry), registry.get("tests.nothing"), len(registry)) == (
        [strategy],
        strategy,
        1,
    )
    registry.unregister("tests.nothing")
    assert (list(registry), registry.get("tests.nothing")) == ([], None)


def test_registry_refuses_a_name_twice():
    registry = ShredStrategyRegistry()
    registry.register(NothingShredder.name, NothingShredder())

    with pytest.raises(ValueError, match="registered twice"):
        registry.register(NothingShredder.name, NothingShredder())


def test_registry_refuses_a_strategy_without_name():
    class Nameless(NothingShredder):
        name = ""

    with pytest.raises(ValueError, match="needs a key"):
        ShredStrategyRegistry().register(Nameless.name, Nameless())


@pytest.mark.django_db
def test_registry_keeps_accounts_any_strategy_needs():
    registry = ShredStrategyRegistry()
    registry.register(NothingShredder.name, NothingShredder())
    registry.register(StaffKeeper.name, StaffKeeper())
    kept, gone = UserFactory(email="keep@example.org"), UserFactory(email="gone@example.org")

    assert registry.keeps_accounts([kept.pk, gone.pk]) == {kept.pk}


def test_strategy_remaining_sums_its_items():
    class Two(NothingShredder):
        def describe(self, event):
            return [ShredItem("a", 2), ShredItem("b", 3)]

    assert Two().remaining(None) == 5


def test_event_strategy_is_registered_by_the_privacy_services():
    assert isinstance(shred_strategies.get("events.attendees"), AttendeeDataShredder)
