"""WebSocket URL routes of the live socket."""

from django.urls import path

from .live.consumer import EventConsumer

websocket_urlpatterns = [path("ws/events/<slug:slug>/", EventConsumer.as_asgi())]
