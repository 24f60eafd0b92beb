"""The organisers' API at /api/v1/: each app's routers behind one token check (docs/api.md).

The OpenAPI schema is /api/v1/openapi.json and its page /api/v1/docs, with Swagger UI served
from /static/ (django-ninja ships it; "ninja" in INSTALLED_APPS keeps it off any CDN).
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from events.api.access import RateLimited, TokenAuth
from events.api.event import router as event_router
from exhibits.api.floor import router as floor_router
from exhibits.api.leads import router as leads_router

api = NinjaAPI(
    title="Rakwon",
    version="1",
    description="The organisers' and exhibitors' API. Send `Authorization: Bearer <token>`.",
    auth=TokenAuth(),  # tokens, not cookies: a browser session never authenticates a call
    urls_namespace="api",
)
api.add_router("/", event_router)
api.add_router("/", floor_router)
api.add_router("/", leads_router)


@api.exception_handler(RateLimited)
def too_many_calls(request, error: RateLimited):
    answer = JsonResponse(
        {
            "detail": _("Too many calls with this token. Try again in %(seconds)s s.")
            % {"seconds": error.retry_after}
        },
        status=429,
    )
    answer["Retry-After"] = str(error.retry_after)
    return answer
