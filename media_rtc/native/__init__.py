"""The native fan-out of live video (fanout.c), or why this process forwards in Python instead.

`load()` says once, in the log, which path this process uses; `/readyz` shows the same
(`description()`). RAKWON_NATIVE_FANOUT=0 forces the pure-Python path (CI runs the media tests both
ways). A viewer whose connection the native path cannot serve (a TURN relay) stays on the Python
path on its own; see media_rtc/forwarding.py.
"""

from __future__ import annotations

import logging
import os
from types import ModuleType

logger = logging.getLogger(__name__)

#: "0" turns the native fan-out off for the whole process (anything else, or unset: on if built).
ENVIRONMENT_SWITCH = "RAKWON_NATIVE_FANOUT"

_loaded: tuple[ModuleType | None, str] | None = None


def _try_load() -> tuple[ModuleType | None, str]:
    if os.environ.get(ENVIRONMENT_SWITCH, "").strip() == "0":
        return None, f"turned off ({ENVIRONMENT_SWITCH}=0)"
    try:
        from . import _fanout  # the optional C extension: absent when built without a compiler
    except ImportError as error:
        return None, f"not built ({error}); reinstall with a C compiler: pip install -e ."
    # aiortc is heavy: /readyz imports this module to describe the fan-out without loading it
    from ..aiortc_internals import NativeUnavailable, srtp_protect_address

    try:
        _fanout.bind_srtp_protect(srtp_protect_address())
    except (NativeUnavailable, ImportError, AttributeError) as error:
        return None, f"libsrtp could not be bound ({error})"
    return _fanout, ""


def load() -> ModuleType | None:
    """The native module, or None (the reason is in `description()`); logged once per process."""
    global _loaded
    if _loaded is None:
        _loaded = _try_load()
        module, reason = _loaded
        if module is not None:
            logger.info("live video: native fan-out (one call per frame, libsrtp, sendmmsg)")
        else:
            logger.warning("live video: forwarding in Python, the native fan-out is %s", reason)
    return _loaded[0]


def description() -> str:
    """One line for /readyz."""
    module = load()
    if module is not None:
        return "native fan-out"
    assert _loaded is not None
    return f"Python fan-out: the native one is {_loaded[1]}"
