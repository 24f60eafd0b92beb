"""The booth editor for exhibitor staff (and the event team): the booth's words, topics and logo;
its links; its files with their processing progress, and voice notes recorded in the browser.

Staff of another exhibitor get 404 (a booth's back office is not revealed); staff of a closed
event get 403 with the reason; anonymous people are sent to log in.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from events.errors import EventClosed
from events.interfaces.per_language_forms import language_name

from ..forms_assets import (
    AssetTitleForm,
    AssetUploadForm,
    BoothContentForm,
    BoothLinkForm,
    TextPreviewForm,
    add_service_errors,
)
from ..models import BoothAsset, BoothLink
from ..permissions import CHANGE_BOOTH
from ..services.assets import (
    change_link,
    move_asset,
    move_link,
    process_again,
    remove_asset,
    retitle_asset,
    upload_asset,
)
from ..services.booth_content import (
    add_link,
    change_logo,
    remove_link,
    render_booth_text,
    save_booth_content,
)
from .asset_progress import processing_progress
from .mixins import BoothBackofficeMixin

DIRECTIONS = ("up", "down")


class BoothEditorMixin(BoothBackofficeMixin):
    """`self.booth`, for whoever may change it: every page of the editor changes the booth, so
    a closed event refuses them all (with the reason)."""

    tab = ""
    page_permission = CHANGE_BOOTH

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(booth=self.booth, event=self.booth.event, exhibitor=self.booth.exhibitor, tab=self.tab)
        return context

    def back(self, name: str, anchor: str = ""):
        url = reverse(f"exhibitor:{name}", kwargs={"booth_id": self.booth.pk})
        return redirect(f"{url}#{anchor}" if anchor else url)


# --- Words, topics, logo --------------------------------------------------------------------------


class BoothContentView(BoothEditorMixin, FormView):
    template_name = "exhibits/exhibitor/booth_editor.html"
    form_class = BoothContentForm
    tab = "content"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "booth": self.booth}

    def get_initial(self):
        return BoothContentForm.initial_for(self.booth)

    def post(self, request, *args, **kwargs):
        if "preview" not in request.POST:
            return super().post(request, *args, **kwargs)
        # The "Preview" button, for browsers without JavaScript (text_preview.js shows the same
        # live): the form comes back as typed, with what visitors will see; nothing is saved.
        form = self.get_form()
        previews = []
        if form.is_valid():
            previews = [
                (language_name(code), render_booth_text(text))
                for code, text in form.descriptions().items()
                if text.strip()
            ]
        context = self.get_context_data(form=form, previews=previews, logo_dropped=bool(request.FILES))
        return self.render_to_response(context)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                save_booth_content(
                    self.booth,
                    tagline=data["tagline"],
                    tagline_translations=data["tagline_translations"],
                    description=form.descriptions(),
                    tags=list(data["tags"]),
                    new_tags=data["new_tags"],
                    tag_names=form.tag_names(),
                )
                change_logo(self.booth.exhibitor, data.get("logo"), remove=data.get("remove_logo", False))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except EventClosed as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Booth %(number)s saved.") % {"number": self.booth.number})
        return self.back("booth_editor")


class BoothTextPreviewView(BoothEditorMixin, View):
    """POST text=… → {"html": …}: a description rendered by the same code as the booth page, for
    text_preview.js (one renderer: the server's). Nothing is saved."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TextPreviewForm(request.POST)
        if form.is_valid():
            response = JsonResponse({"html": str(render_booth_text(form.cleaned_data["text"]))})
        else:
            response = JsonResponse({"error": " ".join(form.errors["text"])}, status=400)
        response["Cache-Control"] = "no-store"
        return response


# --- Links -------------------------------------------------------------------------------------------


class BoothLinksView(BoothEditorMixin, FormView):
    template_name = "exhibits/exhibitor/booth_editor_links.html"
    form_class = BoothLinkForm
    tab = "links"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "languages": self.booth.event.languages}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["links"] = list(self.booth.links.all())
        return context

    def form_valid(self, form):
        try:
            data = form.cleaned_data
            link = add_link(
                self.booth,
                title=data["title"],
                title_translations=data["title_translations"],
                url=data["url"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except EventClosed as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Link “%(title)s” added.") % {"title": link.title})
        return self.back("booth_links", f"link-{link.pk}")


class LinkMixin(BoothEditorMixin):
    http_method_names = ["post"]

    def get_link(self) -> BoothLink:
        return get_object_or_404(BoothLink, pk=self.kwargs["link_id"], booth=self.booth)


class BoothLinkMoveView(LinkMixin, View):
    def post(self, request, *args, **kwargs):
        link = self.get_link()
        direction = request.POST.get("direction")
        if direction not in DIRECTIONS:
            messages.error(request, _("Use the “Move up” or “Move down” button to reorder links."))
        else:
            move_link(link, up=direction == "up", by=request.user)
        return self.back("booth_links", f"link-{link.pk}")


class BoothLinkEditView(BoothEditorMixin, FormView):
    """A link's title in each event language and its address, changed in place."""

    template_name = "exhibits/exhibitor/booth_editor_link_edit.html"
    form_class = BoothLinkForm
    tab = "links"

    def get_link(self) -> BoothLink:
        return get_object_or_404(BoothLink, pk=self.kwargs["link_id"], booth=self.booth)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_link(),
            "languages": self.booth.event.languages,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            link = change_link(
                form.instance,
                title=data["title"],
                title_translations=data["title_translations"],
                url=data["url"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except EventClosed as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Link “%(title)s” saved.") % {"title": link.title})
        return self.back("booth_links", f"link-{link.pk}")


class BoothLinkDeleteView(LinkMixin, View):
    def post(self, request, *args, **kwargs):
        link = self.get_link()
        remove_link(link)
        messages.success(request, _("Link “%(title)s” removed.") % {"title": link.title})
        return self.back("booth_links")


# --- Files -------------------------------------------------------------------------------------------


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class BoothMediaView(BoothEditorMixin, FormView):
    """The booth's files: upload (also voice notes sent by booth_editor.js), order, progress."""

    template_name = "exhibits/exhibitor/booth_editor_media.html"
    form_class = AssetUploadForm
    tab = "media"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "languages": self.booth.event.languages}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assets"] = list(self.booth.assets.all())
        context["watching"] = [asset.pk for asset in context["assets"] if not asset.is_settled]
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            asset = upload_asset(
                self.booth,
                data["file"],
                kind=data["kind"],
                title=data["title"],
                title_translations=data["title_translations"],
                is_voice_note=self.request.POST.get("voice_note") == "1",
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
            return self.form_invalid(form)
        except EventClosed as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        message = _("“%(title)s” is uploaded and being processed: its progress is shown below.") % {
            "title": asset.title
        }
        if wants_json(self.request):
            return JsonResponse({"ok": True, "asset_id": asset.pk, "message": message}, status=201)
        messages.success(self.request, message)
        return self.back("booth_media", f"asset-{asset.pk}")

    def form_invalid(self, form):
        if wants_json(self.request):
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return JsonResponse({"ok": False, "errors": errors}, status=400)
        return super().form_invalid(form)


class BoothMediaProgressView(BoothEditorMixin, View):
    """Processing progress for rakwon/asset_progress.js (exhibits/views/asset_progress.py): a file
    that has finished comes with its list entry rendered again, to replace the old one."""

    def get(self, request, *args, **kwargs):
        order = list(self.booth.assets.values_list("pk", flat=True))

        def render_entry(asset: BoothAsset) -> str:
            context = {
                "asset": asset,
                "booth": self.booth,
                "first": asset.pk == order[0],
                "last": asset.pk == order[-1],
            }
            return render_to_string("exhibits/exhibitor/_asset_item.html", context, request)

        return processing_progress(
            request,
            BoothAsset.objects.filter(booth=self.booth).select_related("booth"),
            render_entry=render_entry,
        )


class AssetMixin(BoothEditorMixin):
    def get_asset(self) -> BoothAsset:
        return get_object_or_404(
            BoothAsset.objects.select_related("booth__event"), pk=self.kwargs["asset_id"], booth=self.booth
        )


class BoothAssetMoveView(AssetMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        asset = self.get_asset()
        direction = request.POST.get("direction")
        if direction not in DIRECTIONS:
            messages.error(request, _("Use the “Move up” or “Move down” button to reorder files."))
        else:
            move_asset(asset, up=direction == "up", by=request.user)
        return self.back("booth_media", f"asset-{asset.pk}")


class BoothAssetEditView(AssetMixin, FormView):
    """A file's title in each event language, changed in place."""

    template_name = "exhibits/exhibitor/booth_editor_asset_edit.html"
    form_class = AssetTitleForm
    tab = "media"

    def get_form_kwargs(self):
        self.asset = self.get_asset()
        return {**super().get_form_kwargs(), "asset": self.asset}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "asset": self.asset}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            asset = retitle_asset(
                self.asset,
                title=data["title"],
                title_translations=data["title_translations"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except EventClosed as error:
            messages.error(self.request, error.message)
            return self.form_invalid(form)
        messages.success(self.request, _("“%(title)s” saved.") % {"title": asset.title})
        return self.back("booth_media", f"asset-{asset.pk}")


class BoothAssetRetryView(AssetMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        asset = self.get_asset()
        if asset.is_ready:
            messages.info(
                request, _("“%(title)s” is ready; there is nothing to do again.") % {"title": asset.title}
            )
        else:
            process_again(asset)
            messages.success(request, _("“%(title)s” is being processed again.") % {"title": asset.title})
        return self.back("booth_media", f"asset-{asset.pk}")


class BoothAssetDeleteView(AssetMixin, TemplateView):
    """Asks first (GET), removes on POST: the file and everything made from it."""

    template_name = "exhibits/exhibitor/booth_editor_asset_delete.html"
    tab = "media"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["asset"] = self.get_asset()
        return context

    def post(self, request, *args, **kwargs):
        asset = self.get_asset()
        remove_asset(asset)
        messages.success(request, _("“%(title)s” removed.") % {"title": asset.title})
        return self.back("booth_media")
