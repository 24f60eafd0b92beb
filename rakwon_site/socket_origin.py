"""Which pages may open the live socket: only this site's own, by scheme, host and port.

The rule is the one Django's CSRF check applies to a form post: the page's Origin must be the
request's own origin (its scheme, and a Host that ALLOWED_HOSTS lists) or one the operator
configured (SITE_URL, CSRF_TRUSTED_ORIGINS). Behind a TLS proxy the request's own scheme is plain
"ws" unless the proxy says otherwise (SECURE_PROXY_SSL_HEADER, set by BEHIND_PROXY=1), so SITE_URL
is what usually admits the public https origin.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

Origin = tuple[str, str, int]  # (scheme, host without brackets, port)
DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(text: str) -> Origin | None:
    """("https", "expo.lan", 443) for "https://expo.lan"; None for anything that is not an origin."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path or parts.query or parts.fragment:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def configured_origins() -> list[Origin]:
    """SITE_URL's origin and every CSRF_TRUSTED_ORIGINS entry (a host may start with "*.")."""
    found = []
    for text in [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]:
        wildcard = "://*." in (text or "")
        origin = parse_origin(text.replace("://*.", "://", 1)) if text else None
        if origin is not None:
            scheme, host, port = origin
            found.append((scheme, f"*.{host}" if wildcard else host, port))
    return found


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def request_origin(scope) -> Origin | None:
    """The origin this request was made to, if its host is one ALLOWED_HOSTS lists."""
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, secure_value = proxy_header
        said = _header(scope, name.removeprefix("HTTP_").lower().replace("_", "-").encode())
        if said is not None:
            scheme = "https" if said.split(",")[0].strip() == secure_value else "http"
    host = None
    if settings.USE_X_FORWARDED_HOST:
        host = _header(scope, b"x-forwarded-host")
    host = host or _header(scope, b"host")
    if not host:
        return None
    domain, port = split_domain_port(host.split(",")[0].strip().lower())
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    try:
        number = int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return scheme, domain.strip("[]"), number


def origin_allowed(scope) -> bool:
    text = _header(scope, b"origin")
    origin = parse_origin(text) if text else None
    if origin is None:
        return False  # browsers always send one; a page that hides it is not ours
    scheme, host, port = origin
    for allowed_scheme, allowed_host, allowed_port in configured_origins():
        if (scheme, port) != (allowed_scheme, allowed_port):
            continue
        if host == allowed_host or (allowed_host.startswith("*.") and host.endswith(allowed_host[1:])):
            return True
    return origin == request_origin(scope)


class SiteOriginValidator:
    """ASGI middleware: a WebSocket handshake from another origin is refused (HTTP 403)."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
