"""Live booth video: rooms, aiortc peers and the forwarding of media between them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaRtcConfig(AppConfig):
    name = "media_rtc"
    verbose_name = _("Live video")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  all that live video adds to events and the site
