"""ICE servers for a browser: none by default (host candidates on a closed network), or a TURN
server with short-lived credentials per user (coturn's REST-API scheme, ``use-auth-secret``).

coturn checks them without a database: the username is "<expiry unix time>:<user id>" and the
password is base64(HMAC-SHA1(static-auth-secret, username)), so a leaked pair dies at its expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from django.conf import settings


def turn_credentials(user_id: int | str, *, secret: str, ttl_seconds: int, now: float | None = None) -> dict:
    """The TURN username and credential for one user, valid for `ttl_seconds` from `now`."""
    expiry = int(now if now is not None else time.time()) + int(ttl_seconds)
    username = f"{expiry}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return {"username": username, "credential": base64.b64encode(digest).decode("ascii")}


def ice_servers_for(user) -> list[dict]:
    """The browser's RTCConfiguration.iceServers for `user`: [] unless a TURN server is set.

    Never a STUN server: on a closed network there is none to ask, and waiting for one delays
    every connection by the gathering timeout.
    """
    if not settings.RTC_TURN_URLS:
        return []
    credentials = turn_credentials(
        user.pk, secret=settings.RTC_TURN_SECRET, ttl_seconds=settings.RTC_TURN_TTL_SECONDS
    )
    return [{"urls": list(settings.RTC_TURN_URLS), **credentials}]
