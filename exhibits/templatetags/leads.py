"""Template tags of leads: what the booth page offers the signed-in visitor about sharing."""

from __future__ import annotations

from django import template

from events.views.registration import visitor_language

from ..models import Booth, Lead
from ..services.leads import ShareOffer, share_offer
from ..views.leads import ShareContactForm

register = template.Library()


@register.simple_tag(takes_context=True)
def share_offer_for(context, booth: Booth, lead: Lead | None = None) -> dict:
    """{"offer": ShareOffer, "form": the share form or None}, for the person viewing the page.
    A `lead` the page already knows is shown as it is (no further queries)."""
    if lead:
        return {"offer": ShareOffer("shared", booth.exhibitor, lead=lead), "form": None}
    request = context.get("request")
    offer = share_offer(booth, getattr(request, "user", None), visitor_language(booth.event))
    form = ShareContactForm(offered=offer.fields) if offer.state == "open" and offer.fields else None
    return {"offer": offer, "form": form}
