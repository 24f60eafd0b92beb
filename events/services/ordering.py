"""Ordering things an organiser or exhibitor arranges by hand (questions, halls, files, links).

Every move service has one shape, `move_x(x, *, up: bool, by: User)`, and numbers the whole list
0, 1, 2, … with this helper, so gaps left by deletions close on the first move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Positioned(Protocol):
    pk: int
    position: int

    def save(self, *, update_fields: list[str]) -> None: ...


def swap_with_neighbour(ordered: Sequence[Positioned], item_pk: int, *, up: bool) -> None:
    """Swap the item with its neighbour above (`up`) or below; at either end nothing moves.
    `ordered` is the whole list in its current order, rows locked by the caller."""
    items = list(ordered)
    index = next((i for i, each in enumerate(items) if each.pk == item_pk), None)
    if index is None:
        return
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])
