from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitsConfig(AppConfig):
    name = "exhibits"
    verbose_name = _("Exhibits")

    def ready(self) -> None:
        from . import contributions  # noqa: F401  all that exhibits adds to events' registries
