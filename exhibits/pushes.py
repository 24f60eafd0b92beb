"""The shapes of the pushes of the floor's places on the live socket (registered in
events.registry.push_shapes by exhibits/contributions.py; docs/protocol.md shows each)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from events.live.pushes import Person


class BoothDiff(TypedDict):
    """booth.joined, booth.left: one person came or went, to a small booth's group at once."""

    booth: int
    count: int
    version: int
    person: int | None
    name: str | None


class BoothCount(TypedDict):
    """booth.count: the tick's whole state of a booth; `people` only when the first names changed."""

    booth: int
    count: int
    version: int
    anonymous: int
    next: str | None
    people: NotRequired[list[Person]]


class HallCount(TypedDict):
    """hall.count: the hall page's count and those of its booths whose version moved."""

    hall: int
    count: int
    version: int
    booths: dict[str, int]
    versions: dict[str, int]


PLACE_PUSH_SHAPES: dict[str, type] = {
    "booth.joined": BoothDiff,
    "booth.left": BoothDiff,
    "booth.count": BoothCount,
    "hall.count": HallCount,
}
