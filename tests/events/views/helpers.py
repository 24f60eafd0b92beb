"""Small helpers shared by the organiser view tests."""

from __future__ import annotations

from django.contrib.messages import get_messages


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]
