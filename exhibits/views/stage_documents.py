"""The organisers' page for the documents of a session on the main stage: upload a PDF (processed
into pages as a booth's documents are), follow each one's processing live (the booth editor's
progress JSON and script), process a failed one again, remove one. A session held at a
booth shows that booth's documents: the page says so and takes no upload."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from events.errors import EventClosed, NotAllowed
from events.interfaces.single_line_forms import SingleLineFieldsMixin
from events.models import Session
from events.views.mixins import ChangeEventMixin, FormRefusalMixin

from ..limits import asset_max_bytes
from ..models import AssetKind, BoothAsset
from ..services import stage_documents
from .asset_progress import processing_progress


class StageDocumentForm(SingleLineFieldsMixin, forms.Form):
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

    def get_document(self) -> BoothAsset:
        return get_object_or_404(BoothAsset, pk=self.kwargs["asset_id"], session=self.session)

    def render_entry(self, document: BoothAsset) -> str:
        return render_to_string(
            "exhibits/organiser/_stage_document.html",
            {"document": document, "session": self.session, "event": self.event},
            self.request,
        )


class StageDocumentsView(StageSessionMixin, FormRefusalMixin, FormView):
    template_name = "exhibits/organiser/stage_documents.html"
    form_class = StageDocumentForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = list(stage_documents.stage_documents(self.session))
        context.update(
            session=self.session,
            held_at_a_booth=stage_documents.is_held_at_a_booth(self.session),
            documents=documents,
            watching=[document.pk for document in documents if not document.is_settled],
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
            _("“%(title)s” is uploaded and being processed: its progress is shown below.")
            % {"title": asset.title},
        )
        return self.back()


class StageDocumentProgressView(StageSessionMixin, View):
    """Processing progress for rakwon/asset_progress.js, for those who may change the session's
    documents (as the page): ?ids=3,4 are the documents the page is watching."""

    def get(self, request, *args, **kwargs):
        return processing_progress(
            request, stage_documents.stage_documents(self.session), render_entry=self.render_entry
        )


class StageDocumentRetryView(StageSessionMixin, View):
    """Process again: a document that failed (or is stuck) goes back to the queue."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        asset = self.get_document()
        if asset.is_ready:
            messages.info(
                request, _("“%(title)s” is ready; there is nothing to do again.") % {"title": asset.title}
            )
            return self.back()
        try:
            stage_documents.process_stage_document_again(asset, by=request.user)
        except (EventClosed, NotAllowed) as error:
            messages.error(request, error.message)
            return self.back()
        messages.success(request, _("“%(title)s” is being processed again.") % {"title": asset.title})
        return self.back()


class StageDocumentRemoveView(StageSessionMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        asset = self.get_document()
        try:
            stage_documents.remove_stage_document(asset, by=request.user)
        except (EventClosed, NotAllowed) as error:
            messages.error(request, error.message)
            return self.back()
        messages.success(request, _("Document “%(title)s” removed.") % {"title": asset.title})
        return self.back()
