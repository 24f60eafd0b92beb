"""The organiser's floor import: upload a CSV of exhibitors and booths, see what each line would
do, and confirm to write all of them in one go (or fix the file and upload it again)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from events.errors import EventClosed
from events.views.mixins import ChangeEventMixin

from ..errors import FloorFileError, FloorImportRefused
from ..interfaces.floor_csv import check_floor_file_size, floor_csv_template, read_floor_csv
from ..interfaces.floor_import_form import FloorImportForm
from ..services.floor_cells import PER_LANGUAGE_COLUMNS, language_label
from ..services.floor_import import FloorCheck, check_floor_plan, floor_columns, import_floor_plan

# A preview stays confirmable for a working day; the file is checked again on confirming anyway.
PREVIEW_MAX_AGE = 24 * 3600


def _salt(event) -> str:
    return f"exhibits.floor_import:{event.pk}"


class FloorImportView(ChangeEventMixin, TemplateView):
    template_name = "exhibits/organiser/floor_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", FloorImportForm())
        languages = list(self.event.languages or [])
        context["columns"] = floor_columns(languages)
        context["other_languages"] = [
            {
                "code": code,
                "name": language_label(code),
                "columns": [f"{c}_{code}" for c in PER_LANGUAGE_COLUMNS],
            }
            for code in languages[1:]
        ]
        context["max_rows"] = settings.FLOOR_IMPORT_MAX_ROWS
        return context

    def post(self, request, *args, **kwargs):
        if "preview" in request.POST:
            return self._confirm(request.POST["preview"])
        form = FloorImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        try:
            check_floor_file_size(upload.size)  # before reading: a huge file never reaches memory
            data = upload.read()
            rows = read_floor_csv(data, languages=self.event.languages)
        except FloorFileError as error:
            form.add_error("file", error.message)
            return self.render_to_response(self.get_context_data(form=form))
        check = check_floor_plan(self.event, rows)
        text = data.decode("utf-8-sig")
        return self._preview(check, text)

    def _preview(self, check: FloorCheck, text: str, *, status: int = 200):
        context = self.get_context_data(check=check)
        if not check.refused and check.new_booths:
            context["preview"] = signing.dumps(text, salt=_salt(self.event), compress=True)
        return self.render_to_response(context, status=status)

    def _confirm(self, preview: str):
        try:
            text = signing.loads(preview, salt=_salt(self.event), max_age=PREVIEW_MAX_AGE)
            rows = read_floor_csv(text.encode("utf-8"), languages=self.event.languages)
        except (signing.BadSignature, FloorFileError):
            messages.error(self.request, _("This preview has expired. Upload the file again."))
            return redirect("floor:import", slug=self.event.slug)
        try:
            check = import_floor_plan(self.event, rows, by=self.request.user)
        except FloorImportRefused as refused:
            # Someone changed the floor since the preview: show what stands in the way now.
            messages.error(self.request, refused.message)
            return self._preview(refused.check, text, status=409)
        except EventClosed as error:
            messages.error(self.request, error.message)
            return redirect("floor:booths", slug=self.event.slug)
        messages.success(
            self.request,
            ngettext(
                "%(count)d booth placed from the file.",
                "%(count)d booths placed from the file.",
                check.new_booths,
            )
            % {"count": check.new_booths},
        )
        return redirect("floor:booths", slug=self.event.slug)


class FloorImportTemplateView(ChangeEventMixin, View):
    """The CSV to fill in, with the BOM so that spreadsheets read its Korean example as UTF-8."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            "\ufeff" + floor_csv_template(self.event.languages), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.event.slug}-floor-plan.csv"'
        return response
