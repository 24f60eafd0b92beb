"""The site's URL map: each area's routes live with the app that owns them."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from events.urls import privacy_admin as privacy_admin_urls
from events.urls import registration_admin as registration_admin_urls
from exhibits.urls import exhibitor as exhibitor_urls
from exhibits.urls import organiser as exhibits_organiser_urls

from .api import api
from .landing import landing
from .media import serve_media

urlpatterns = [
    path("", include("rakwon_site.health")),  # /healthz and /readyz for the proxy and process manager
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),  # the organisers' API (docs/api.md); tokens only, no session
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("events.urls.accounts")),
    path("accounts/landing/", landing, name="landing"),  # after logging in: the page for this person
    path("accounts/", include("exhibits.urls.accounts")),
    path("organiser/", include("events.urls.organiser")),
    path(
        "organiser/<slug:slug>/", include((exhibits_organiser_urls.urlpatterns, "floor"), namespace="floor")
    ),
    path(
        "organiser/<slug:slug>/",
        include((registration_admin_urls.urlpatterns, "registration_admin"), namespace="registration_admin"),
    ),
    path(
        "organiser/<slug:slug>/",
        include((privacy_admin_urls.urlpatterns, "privacy_admin"), namespace="privacy_admin"),
    ),
    path("exhibitor/", include((exhibitor_urls.urlpatterns, "exhibitor"), namespace="exhibitor")),
    # Uploaded logos are public; the embedded mode has no separate file server. In the scaled
    # set-up the reverse proxy serves /media/ from the same folder (README, "Scaled set-up").
    # Byte ranges are honoured so videos seek.
    re_path(r"^media/(?P<path>.*)$", serve_media, name="media"),
    # Public pages: halls and booths (exhibits) before the event's own catch-all /<slug>/.
    path("", include("media_rtc.urls")),  # "Join" on a booked meeting
    path("", include("media_rtc.urls_recording")),  # recording a stage or a booth; replays
    path("", include("events.urls.attendee")),
    path("", include("events.urls.session_questions")),  # Q&A forms on a session's page
    path("", include("events.urls.session_polls")),  # poll forms on a session's page
    path("", include("events.urls.stage")),  # a session's stage: speakers, invitation links, hands
    path("", include("exhibits.urls.public")),
    path("", include("events.urls.privacy")),
    path("", include("events.urls.public")),
]
