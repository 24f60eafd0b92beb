"""The organisers' page for the documents of a session on the main stage: upload a PDF (processed
into pages as a booth's documents are), see each one's processing, remove one. A session held at a
booth shows that booth's documents: the page says so and takes no upload."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from events.errors import EventClosed, NotAllowed
from events.models import Session
from events.views.mixins import ChangeEventMixin, FormRefusalMixin

from ..limits import asset_max_bytes
from ..models import AssetKind, BoothAsset
from ..services import stage_documents


class StageDocumentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PDF document"),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        error_messages={
            "required": gettext_lazy("Choose a file to upload."),
            "empty": gettext_lazy("This file is empty. Choose the file again and upload it."),
            "invalid": gettext_lazy("No file arrived. Choose the file again and upload it."),
        },
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("What the audience reads. Leave it empty to use the file's name."),
    )


class StageSessionMixin(ChangeEventMixin):
    @cached_property
    def session(self) -> Session:
        return get_object_or_404(Session, pk=self.kwargs["session_id"], event=self.event)

    def back(self):
        return redirect("floor:stage_documents", slug=self.event.slug, session_id=self.session.pk)


class StageDocumentsView(StageSessionMixin, FormRefusalMixin, FormView):
    template_name = "exhibits/organiser/stage_documents.html"
    form_class = StageDocumentForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            session=self.session,
            held_at_a_booth=stage_documents.is_held_at_a_booth(self.session),
            documents=list(stage_documents.stage_documents(self.session)),
            max_size=filesizeformat(asset_max_bytes(AssetKind.DOCUMENT)),
        )
        return context

    def form_valid(self, form):
        try:
            asset = stage_documents.upload_stage_document(
                self.session,
                form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=self.request.user,
            )
        except (ValidationError, EventClosed, NotAllowed) as error:
            return self.form_refused(form, error)
        messages.success(
            self.request,
            _("“%(title)s” is uploaded and being made into pages; reload this page to see when it is ready.")
            % {"title": asset.title},
        )
        return self.back()


class StageDocumentRemoveView(StageSessionMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        asset = get_object_or_404(BoothAsset, pk=kwargs["asset_id"], session=self.session)
        try:
            stage_documents.remove_stage_document(asset, by=request.user)
        except (EventClosed, NotAllowed) as error:
            messages.error(request, error.message)
            return self.back()
        messages.success(request, _("Document “%(title)s” removed.") % {"title": asset.title})
        return self.back()
