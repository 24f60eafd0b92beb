"""Entries into places, handed in batches to the apps that count them (their visit analytics).

Entering a place must not wait for the database: the join path only appends to this process's
buffer, and the presence tick hands the buffer to the listeners (`events.registry.
presence_listeners`) every PRESENCE_ENTRY_FLUSH_SECONDS, or at once when it holds
PRESENCE_ENTRY_BATCH entries, in a thread of its own (on PostgreSQL) so no socket waits behind
the batch. A process that dies loses at most that interval's entries, which costs a few visit
counts, never a person's data.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from events.registry import PresencePlace, presence_listeners

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """An attendee entered a place at a moment (what the listeners receive, in a list)."""

    kind: str
    place_id: int
    attendee_id: int
    at: datetime


_pending: list[Entry] = []
_last_flush = time.monotonic()


def note_entry(place: PresencePlace, attendee_id: int) -> None:
    """Remember that an attendee entered `place`; written with the next batch."""
    if presence_listeners:
        _pending.append(Entry(place.kind, place.id, attendee_id, timezone.now()))


def pending() -> int:
    return len(_pending)


def due(now: float | None = None) -> bool:
    """Whether the buffer should be written now: full, or older than the flush interval."""
    if not _pending:
        return False
    now = time.monotonic() if now is None else now
    full = len(_pending) >= int(settings.PRESENCE_ENTRY_BATCH)
    return full or now - _last_flush >= float(settings.PRESENCE_ENTRY_FLUSH_SECONDS)


def _write(batch: list[Entry]) -> None:
    close_old_connections()
    try:
        for listener in presence_listeners:
            try:
                listener(batch)
            except Exception:  # one listener's failure must not cost the others their batch
                log.exception("presence listener %r failed on %d entries", listener, len(batch))
    finally:
        close_old_connections()


async def flush() -> int:
    """Hand every pending entry to the listeners (in a worker thread); how many were written."""
    global _last_flush
    _last_flush = time.monotonic()
    if not _pending:
        return 0
    batch = list(_pending)
    _pending.clear()
    if connections["default"].vendor == "sqlite":
        # SQLite has one writer at a time anyway: the batch takes its turn on the shared thread
        # rather than meet the handlers' writes as "database is locked".
        await database_sync_to_async(_write)(batch)
    else:
        # Not on the thread the socket handlers share (database_sync_to_async): a batch of a few
        # hundred visits would hold every join and chat message of this process behind it.
        await sync_to_async(_write, thread_sensitive=False)(batch)
    return len(batch)
