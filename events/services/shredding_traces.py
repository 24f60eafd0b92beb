"""What shredding removes outside the tables the strategies empty: the person's signed-in
sessions, the mails the file backend left in its folder, and their open live sockets (closing a
socket takes its presence entry, with the name, out of the presence store).

Used by both ways of shredding: an attendee deleting their registration, and an owner shredding
the event (events.services.privacy).
"""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Iterable
from importlib import import_module
from pathlib import Path

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction

from ..live.groups import close_user

logger = logging.getLogger(__name__)

FILE_MAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
# How the file backend ends each message it writes (django.core.mail.backends.console).
MAIL_SEPARATOR = b"-" * 79 + b"\n"
CLOSE_SHREDDED = 4403  # the socket's "forbidden": a reconnect is refused as signed out


def sign_out_everywhere(user_ids: Iterable[int]) -> int:
    """End every session signed in as one of `user_ids` (their other browsers and devices).
    How many ended. Sessions kept only in a cache cannot be listed: those accounts are closed
    (no password, inactive), which Django refuses at the session's next request anyway."""
    wanted = {str(pk) for pk in user_ids if pk is not None}
    engine = import_module(settings.SESSION_ENGINE)
    model = getattr(engine.SessionStore, "get_model_class", None)
    if not wanted or model is None:
        return 0
    decoder = engine.SessionStore()
    ended = 0
    for session in model().objects.iterator(chunk_size=500):
        if str(decoder.decode(session.session_data).get(SESSION_KEY)) in wanted:
            engine.SessionStore(session_key=session.session_key).delete()  # also its cached copy
            ended += 1
    return ended


def _mentions(message: bytes, addresses: set[str]) -> bool:
    """True if one mail names one of the addresses: in its raw form, headers or decoded parts
    (quoted-printable or base64 would hide an address from a plain search)."""
    texts = [message.decode("utf-8", "replace")]
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    texts += [str(value) for value in parsed.values()]
    texts += [str(part.get_content()) for part in parsed.walk() if not part.is_multipart()]
    text = "\n".join(texts).lower()
    return any(address in text for address in addresses)


def forget_mail_file(path: Path, addresses: set[str]) -> int:
    """Drop from one file of the file backend the mails that name the addresses; how many."""
    raw = path.read_bytes()
    messages = [chunk for chunk in raw.split(MAIL_SEPARATOR) if chunk.strip()]
    kept = [chunk for chunk in messages if not _mentions(chunk, addresses)]
    if len(kept) == len(messages):
        return 0
    if kept:
        path.write_bytes(b"".join(chunk + MAIL_SEPARATOR for chunk in kept))
    else:
        path.unlink(missing_ok=True)
    return len(messages) - len(kept)


def forget_sent_mail(addresses: Iterable[str]) -> None:
    """Once the transaction commits: remove the mails to or about these addresses that the file
    backend wrote (on a closed network its folder is the outbox someone reads). Mail handed to
    an SMTP server has left this server; nothing here can reach it."""
    wanted = {address.strip().lower() for address in addresses if address and address.strip()}
    if not wanted or settings.EMAIL_BACKEND != FILE_MAIL_BACKEND:
        return
    folder = Path(settings.EMAIL_FILE_PATH)

    def remove() -> None:
        if not folder.is_dir():
            return
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            try:
                forget_mail_file(path, wanted)
            except OSError:
                logger.exception("could not remove shredded mail from %s", path.name)

    transaction.on_commit(remove)


def close_live_sockets(event_id: int, user_ids: Iterable[int]) -> None:
    """Once the transaction commits: close every live socket of these people in the event (on
    any daphne process the channel layer reaches). Each socket leaves its presence place as it
    closes, so the presence store forgets their name at once."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    if not ids:
        return

    def close() -> None:
        for pk in ids:
            try:
                async_to_sync(close_user)(event_id, pk, CLOSE_SHREDDED)
            except Exception:  # the data is gone already; a socket left open closes on reconnect
                logger.exception("could not close the live sockets of a shredded attendee")

    transaction.on_commit(close)
