"""Values every page template needs."""

from django.conf import settings


def site(request):
    return {"SITE_NAME": "Rakwon", "LANGUAGES_ALL": settings.LANGUAGES}
