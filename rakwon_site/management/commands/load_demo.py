"""Load the demo expo into an empty database and print how to log in (safe to run twice)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rakwon_site.demo import content
from rakwon_site.demo.loader import load_demo


def account_lines() -> list[str]:
    width = max(len(account.role) for account in content.ACCOUNTS)
    return [
        f"  {account.role:<{width}}  {account.email:<24} " + _("password: %s") % account.password
        for account in content.ACCOUNTS
    ]


def institution_lines() -> list[str]:
    """The demo institution and its fixed access code, for members to join with."""
    institution = content.INSTITUTION
    seats = ngettext("%(n)d seat", "%(n)d seats", institution.seats) % {"n": institution.seats}
    return [f"  {institution.name} ({seats})  " + _("access code: %s") % institution.access_code]


class Command(BaseCommand):
    help = (
        "Create the demo expo (halls, booths, schedule, accounts, an institution) when there are "
        "no events yet."
    )

    def handle(self, *args, **options) -> None:
        result = load_demo()
        if result.reason == "other_events":
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The database already holds events, so the demo expo was not loaded "
                        "(it only goes into an empty database)."
                    )
                )
            )
            return
        event = result.event
        if result.created:
            counts = result.counts
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Created the demo expo “%(name)s”: %(halls)d halls, %(exhibitors)d "
                        "exhibitors, %(booths)d booths, %(sessions)d sessions."
                    )
                    % {"name": event.name, **counts}
                )
            )
        else:
            self.stdout.write(
                _("The demo expo “%(name)s” is already loaded; nothing changed.") % {"name": event.name}
            )
        path = reverse("public:event", args=[event.slug])
        self.stdout.write(_("Its page is %(path)s. Demo accounts:") % {"path": path})
        for line in account_lines():
            self.stdout.write(line)
        join_path = reverse("attendee:join", args=[event.slug])
        self.stdout.write(
            _("Members of the demo institution join at %(path)s with its access code:") % {"path": join_path}
        )
        for line in institution_lines():
            self.stdout.write(line)
