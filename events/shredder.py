"""The shredder's plug-in points: each kind of personal data has a strategy that says what it
holds, exports it into the archive written before shredding, and removes it.

Apps register their strategies, by name, in their contributions module (events never imports
other apps)::

    from events.shredder import shred_strategies
    shred_strategies.register(LeadShredder.name, LeadShredder())

The event's own strategy (attendees, answers, sign-in links, access codes) is registered by
``events.services.privacy``; ``events.services.shredding`` runs them all in one transaction.
When one attendee deletes their registration, ``forget_attendee`` of every strategy removes what
it holds of that one person (``events.services.privacy.delete_registration``). What stays after
either is listed in docs/shredding.md and proven by tests/events/services/test_shredding_proof.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from .registry import Registry

if TYPE_CHECKING:
    from .models import Attendee, Event, User


@dataclass(frozen=True)
class ShredItem:
    """One kind of record a strategy will remove, and how many there are now."""

    label: str
    count: int


class ShredStrategy(ABC):
    """Removes one kind of personal data from an event. Subclasses set `name` and `label`."""

    name: str = ""  # stable identifier: the strategy's key in the archive, e.g. "events.attendees"
    label: str = ""  # what it covers, in people's words (a lazy translation)

    @abstractmethod
    def describe(self, event: Event) -> list[ShredItem]:
        """What shredding would remove now, with counts (shown before the owner confirms)."""

    @abstractmethod
    def export(self, event: Event) -> dict[str, Any]:
        """The data shredding will remove, as JSON-ready values for the archive."""

    @abstractmethod
    def shred(self, event: Event) -> dict[str, int]:
        """Remove or anonymise the data; returns counts by kind. Runs inside a transaction."""

    def forget_attendee(self, attendee: Attendee) -> dict[str, int]:
        """Remove what this strategy holds of one attendee who deletes their registration; runs
        inside its transaction, before the registration is anonymised. Returns counts by kind."""
        return {}

    def keeps_account(self, user: User) -> bool:
        """True if this app still needs `user`'s account (so deleting an attendee only unlinks)."""
        return False

    def keeps_accounts(self, user_ids: list[int]) -> set[int]:
        """The accounts among `user_ids` this app still needs; override to answer in one query."""
        if type(self).keeps_account is ShredStrategy.keeps_account or not user_ids:
            return set()
        users = get_user_model().objects.filter(pk__in=user_ids)
        return {user.pk for user in users if self.keeps_account(user)}

    def remaining(self, event: Event) -> int:
        """How many records of personal data are left (0 after shredding)."""
        return sum(item.count for item in self.describe(event))


class ShredStrategyRegistry(Registry[ShredStrategy]):
    def register(self, key: str, item: ShredStrategy) -> ShredStrategy:
        if key != item.name:
            raise ValueError(f"shred strategy {item.name!r} is registered as {key!r}: use its name")
        return super().register(key, item)

    def forget_attendee(self, attendee: Attendee) -> dict[str, dict[str, int]]:
        """Every strategy removes what it holds of one attendee; counts by strategy."""
        return {strategy.name: strategy.forget_attendee(attendee) for strategy in self}

    def keeps_accounts(self, user_ids: list[int]) -> set[int]:
        """The accounts among `user_ids` that some app still needs."""
        kept: set[int] = set()
        for strategy in self:
            kept |= strategy.keeps_accounts([pk for pk in user_ids if pk not in kept])
        return kept


shred_strategies = ShredStrategyRegistry("shred strategy")
