"""How many frames one live socket may send: a token bucket, and strikes for flooding past it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


class TokenBucket:
    """Holds up to `burst` tokens, refilled at `rate` per second; each frame takes one."""

    __slots__ = ("burst", "clock", "rate", "tokens", "updated")  # one per live socket: no __dict__

    def __init__(self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("a token bucket needs a refill rate above zero")
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.clock = clock
        self.tokens = float(self.burst)
        self.updated = clock()

    def take(self) -> float:
        """Take a token: 0.0 if there was one, else the seconds until there will be one."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate

    @property
    def refill_seconds(self) -> float:
        """How long an empty bucket takes to fill up again."""
        return self.burst / self.rate


@dataclass(frozen=True)
class Admission:
    allowed: bool
    retry_after: float = 0.0  # seconds, when refused
    flooding: bool = False  # refused once too often: close the socket


class FrameLimiter:
    """Admits a socket's frames; the `strikes`-th refusal of one flood says "close it".

    Strikes are forgiven once the client has sent nothing refused for as long as its bucket
    takes to fill up: a client that backed off after being told has stopped flooding, while
    one that keeps hammering never earns an admitted frame's worth of forgiveness.
    """

    __slots__ = ("bucket", "last_refused", "max_strikes", "strikes")  # one per live socket

    def __init__(
        self, *, rate: float, burst: int, strikes: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.bucket = TokenBucket(rate=rate, burst=burst, clock=clock)
        self.max_strikes = max(1, int(strikes))
        self.strikes = 0
        self.last_refused = -math.inf

    def admit(self) -> Admission:
        now = self.bucket.clock()
        if self.strikes and now - self.last_refused >= self.bucket.refill_seconds:
            self.strikes = 0
        wait = self.bucket.take()
        if not wait:
            return Admission(allowed=True)
        self.strikes += 1
        self.last_refused = now
        return Admission(allowed=False, retry_after=wait, flooding=self.strikes >= self.max_strikes)
