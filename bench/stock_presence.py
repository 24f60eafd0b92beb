"""The baseline for bench/presence.py: presence as the Channels tutorial would do it.

Every join and leave is sent with ``group_send`` to everyone in the place (no coalescing, no
store). Served by daphne like the real site: ``daphne bench.stock_presence:application``.
"""

from __future__ import annotations

import json
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakwon_site.settings")
get_asgi_application()  # sets Django up before the imports below touch models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class StockPresenceConsumer(AsyncWebsocketConsumer):
    """``{"type": "enter", "place": "lobby"}`` joins a place and tells everyone there."""

    place: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:  # the same session lookup as the real socket
            await self.close(code=4401)
            return
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        frame = json.loads(text_data or "{}")
        if frame.get("type") == "ping":
            await self.send(text_data='{"type": "ok"}')
            return
        if frame.get("type") != "enter":
            return
        await self._leave()
        self.place = f"stock.{frame.get('place', 'lobby')}"
        await self.channel_layer.group_add(self.place, self.channel_name)
        await self.channel_layer.group_send(
            self.place, {"type": "presence.join", "user": self.scope["user"].pk}
        )

    async def disconnect(self, code) -> None:
        await self._leave()

    async def _leave(self) -> None:
        if self.place is None:
            return
        place, self.place = self.place, None
        await self.channel_layer.group_discard(place, self.channel_name)
        await self.channel_layer.group_send(place, {"type": "presence.leave", "user": self.scope["user"].pk})

    async def presence_join(self, message: dict) -> None:
        await self.send(text_data=json.dumps({"type": "joined", "user": message["user"]}))

    async def presence_leave(self, message: dict) -> None:
        await self.send(text_data=json.dumps({"type": "left", "user": message["user"]}))


application = ProtocolTypeRouter(
    {"websocket": AuthMiddlewareStack(URLRouter([path("ws/stock/", StockPresenceConsumer.as_asgi())]))}
)
