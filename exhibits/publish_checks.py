"""The floor's part of the checklist before publishing (registered in events.registry.publish_checks
by ExhibitsConfig.ready()): halls without booths, exhibitors without a booth, untranslated texts."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from events.registry import PublishWarning
from events.services.publish_checks import missing_text_warnings

from .models import Booth, Exhibitor, Hall


def check_floor(event) -> list[PublishWarning]:
    halls = list(
        Hall.objects.filter(event=event).annotate(booth_count=Count("booths")).order_by("position", "id")
    )
    if not halls:
        return [
            PublishWarning(
                "floor.no_halls", _("There are no halls: visitors have nothing to tour."), "floor:halls"
            )
        ]
    warnings = [
        PublishWarning(
            "floor.hall_without_booths",
            _("The hall “%(hall)s” has no booths.") % {"hall": hall.name},
            "floor:booths",
        )
        for hall in halls
        if hall.booth_count == 0
    ]
    # A booth always has an exhibitor (the model requires one); the gap the other way round is an
    # exhibitor with no booth, whom no visitor can find on the floor.
    warnings += [
        PublishWarning(
            "floor.exhibitor_without_booth",
            _("The exhibitor “%(exhibitor)s” has no booth.") % {"exhibitor": exhibitor.name},
            "floor:booths",
        )
        for exhibitor in Exhibitor.objects.filter(event=event, booths__isnull=True).order_by("name", "id")
    ]
    return warnings


def check_floor_texts(event) -> list[PublishWarning]:
    languages = event.languages
    warnings: list[PublishWarning] = []
    for hall in Hall.objects.filter(event=event).order_by("position", "id"):
        warnings += missing_text_warnings(
            hall,
            getattr(Hall, "TRANSLATED", ("name",)),
            languages,
            lambda field, language, name=hall.name: (
                _("The hall “%(name)s”: its %(field)s has no %(language)s version.")
                % {"name": name, "field": field, "language": language}
            ),
            "floor:halls",
        )
    for exhibitor in Exhibitor.objects.filter(event=event).order_by("name", "id"):
        warnings += missing_text_warnings(
            exhibitor,
            getattr(Exhibitor, "TRANSLATED", ("description",)),
            languages,
            lambda field, language, name=exhibitor.name: (
                _("The exhibitor “%(name)s”: its %(field)s has no %(language)s version.")
                % {"name": name, "field": field, "language": language}
            ),
            "floor:exhibitors",
        )
    for booth in Booth.objects.filter(event=event).order_by("number"):
        warnings += missing_text_warnings(
            booth,
            ("description",),
            languages,
            lambda field, language, number=booth.number: (
                _("Booth %(number)s: its %(field)s has no %(language)s version.")
                % {"number": number, "field": field, "language": language}
            ),
            "floor:booths",
        )
    return warnings
