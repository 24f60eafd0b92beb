"""A booth's document read page by page as pictures: a phone on a poor link loads one page, not
the whole PDF. Works without JavaScript (links and ?page=N); the original stays downloadable."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from events.services.registration import attendance_of
from events.views.public import PublicEventMixin

from ..models import Booth
from ..services.analytics import count_asset_event
from ..services.assets import document_page, ready_document


def page_number(raw: str | None) -> int:
    try:
        return int(raw or 1)
    except ValueError:
        return 1


class DocumentView(PublicEventMixin, TemplateView):
    """Same audience as the booth page: anyone may read a published event's booth documents."""

    template_name = "exhibits/public/document.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        booth = get_object_or_404(
            Booth.objects.select_related("exhibitor", "hall"), pk=self.kwargs["booth_id"], event=self.event
        )
        asset = ready_document(booth, self.kwargs["asset_id"])
        if asset is None:
            raise Http404(_("No such document."))
        page, number = document_page(asset, page_number(self.request.GET.get("page")))
        # Opening the reader is the document view, with or without the booth page's script.
        asset.booth = booth
        if self.request.user.is_authenticated:
            count_asset_event(
                self.request.session, attendance_of(self.event, self.request.user), "document_view", asset
            )
        count = asset.page_count or 0
        context.update(
            booth=booth,
            exhibitor=booth.exhibitor,
            document=asset,
            page=page,
            number=number,
            page_count=count,
            previous_number=number - 1 if number > 1 else None,
            next_number=number + 1 if number < count else None,
        )
        return context
