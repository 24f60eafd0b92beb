from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitsConfig(AppConfig):
    name = "exhibits"
    verbose_name = _("Exhibits")

    def ready(self) -> None:
        from events import registry

        from .services.booth_sessions import BoothPlaces

        registry.session_places.register(BoothPlaces())

        from django.db.models.signals import post_save

        from events.models import Attendee
        from events.shredder import shred_strategies

        from .services import bookmarks

        shred_strategies.register(bookmarks.BookmarkShredder())
        # Deleting a registration (events.services.privacy) also deletes its bookmarks and feed.
        post_save.connect(
            bookmarks.attendee_saved, sender=Attendee, dispatch_uid="exhibits.bookmarks.attendee_saved"
        )

        from .services.analytics import VisitMarkShredder
        from .services.leads import LeadShredder, attendee_saved

        shred_strategies.register(LeadShredder())
        shred_strategies.register(VisitMarkShredder())
        # Deleting a registration (events.services.privacy) also deletes the visitor's leads.
        post_save.connect(attendee_saved, sender=Attendee, dispatch_uid="exhibits.leads.attendee_saved")

        # The attendee's own download ("My data") includes what exhibits holds about them.
        from .services import attendee_data

        registry.attendee_data.register("shared_with_exhibitors", attendee_data.shared_with_exhibitors)
        registry.attendee_data.register("bookmarks", attendee_data.bookmarks)

        # Live presence knows halls and booths through exhibits; entering a booth counts a visit.
        from .services import presence

        registry.presence_places.register("hall", presence.find_hall, children=presence.booths_in_hall)
        registry.presence_places.register("booth", presence.find_booth, parent=presence.hall_of_booth)
        registry.presence_listeners.append(presence.count_booth_visits)

        from . import socket_handlers  # noqa: F401  shared documents ("doc.*") on the live socket

        # The checklist before publishing: the floor's halls, booths, exhibitors and their texts.
        from .publish_checks import check_floor, check_floor_texts

        registry.publish_checks.register("exhibits.floor", check_floor)
        registry.publish_checks.register("exhibits.texts", check_floor_texts)
