"""ASGI entry point served by daphne: Django for HTTP, the live socket for WebSocket.

Importing it checks the configuration first (rakwon_site/startup.py): a daphne pointed at a
missing Redis or database stops with one line instead of failing each visitor.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rakwon_site.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from events.routing import websocket_urlpatterns  # noqa: E402

from .logs import SocketLogContext  # noqa: E402
from .socket_origin import SiteOriginValidator  # noqa: E402
from .socket_user import SocketSessionUser  # noqa: E402
from .startup import WEB, run_startup_checks  # noqa: E402

run_startup_checks(WEB)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The connection id wraps everything, so even a refused handshake's log line has one.
        # The origin is checked by scheme, host and port (rakwon_site/socket_origin.py); the
        # user comes from the session cookie in one layer that keeps no session (socket_user.py).
        "websocket": SocketLogContext(
            SiteOriginValidator(SocketSessionUser(URLRouter(websocket_urlpatterns)))
        ),
    }
)
