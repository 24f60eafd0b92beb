"""Organiser pages of registration: settings, the question builder and its preview, institutions
with their access codes, and the attendee list with approval.

The team may read these pages of a closed event; changing anything (any POST) needs
CHANGE_EVENT, so a closed event is read-only here too.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from ..errors import RakwonError
from ..interfaces.registration_forms import (
    AttendeeFilterForm,
    InstitutionForm,
    QuestionForm,
    RegistrationSettingsForm,
    language_names,
    preview_form,
)
from ..permissions import CHANGE_EVENT
from ..services import institutions as institution_service
from ..services.questions import (
    NAME_QUESTION,
    active_questions,
    archive_question,
    is_answered,
    move_question,
    restore_question,
    save_question,
)
from ..services.recovery import revoke_seat, seat_holders
from ..services.registration import (
    attendee_counts,
    decide,
    find_attendees,
    get_registration_settings,
    update_registration_settings,
)
from ..services.signin import format_code
from ..services.spreadsheets import csv_row
from .mixins import OrganiserMixin
from .registration import run_service, visitor_language

ATTENDEES_PER_PAGE = 50


class RegistrationOrganiserMixin(OrganiserMixin):
    """Reading needs the team; any POST needs CHANGE_EVENT (refused when closed)."""

    nav_current = ""
    write_permission = CHANGE_EVENT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm(CHANGE_EVENT, self.event)
        context["nav_current"] = self.nav_current
        return context


class ActionView(RegistrationOrganiserMixin, View):
    """A POST-only button: runs `act`, shows its message, and goes back."""

    def act(self) -> str:
        raise NotImplementedError

    def back(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.act())
        except RakwonError as error:
            messages.error(request, error.message)
        return self.back()


def no_store(response: HttpResponse) -> HttpResponse:
    """Pages with secrets in clear are never cached by the browser or a proxy."""
    response["Cache-Control"] = "no-store"
    return response


# --- Settings and questions ---------------------------------------------------------------------


class SettingsView(RegistrationOrganiserMixin, FormView):
    template_name = "events/registration_admin/settings.html"
    form_class = RegistrationSettingsForm
    nav_current = "registration_admin:settings"

    def dispatch(self, request, *args, **kwargs):
        # Times are typed and shown in the event's time zone, wherever the organiser is.
        timezone.activate(self.event.tz)
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            timezone.deactivate()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_initial(self):
        return RegistrationSettingsForm.initial_for(get_registration_settings(self.event))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "counts": attendee_counts(self.event)}

    def form_valid(self, form):
        run_service(
            form, update_registration_settings, self.event, by=self.request.user, **form.settings_fields()
        )
        if form.errors:
            return self.form_invalid(form)
        messages.success(self.request, _("Registration settings saved."))
        return redirect("registration_admin:settings", slug=self.event.slug)


class QuestionsView(RegistrationOrganiserMixin, TemplateView):
    template_name = "events/registration_admin/questions.html"
    nav_current = "registration_admin:settings"

    def get_context_data(self, **kwargs):
        get_registration_settings(self.event)  # makes the default questions on first visit
        context = super().get_context_data(**kwargs)
        language = visitor_language(self.event)
        questions = list(self.event.questions.select_related("event"))
        for question in questions:
            question.display_label = question.label_in(language)
        context["language"] = language
        context["questions"] = [q for q in questions if not q.is_archived]
        context["archived"] = [q for q in questions if q.is_archived]
        context["name_question"] = NAME_QUESTION
        return context


class QuestionMixin:
    @cached_property
    def question(self):
        return get_object_or_404(self.event.questions.select_related("event"), pk=self.kwargs["pk"])


class QuestionFormView(RegistrationOrganiserMixin, FormView):
    template_name = "events/registration_admin/question_form.html"
    form_class = QuestionForm
    nav_current = "registration_admin:settings"
    question = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event, "question": self.question}

    def get_initial(self):
        return QuestionForm.initial_for(self.question) if self.question else {"contains_personal_data": True}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["question"] = self.question
        context["answered"] = is_answered(self.question) if self.question else False
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("option_action")
        if action:  # a row button (add, remove, move): show the changed rows, save nothing
            form = self.get_form()
            form.apply_option_action(action)
            form._errors = ErrorDict()  # half-filled is fine while adding rows: errors wait for Save
            return self.render_to_response(self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        saved = run_service(
            form, save_question, self.event, self.question, by=self.request.user, **form.question_fields()
        )
        if form.errors:
            return self.form_invalid(form)
        question, archived = saved
        messages.success(self.request, _("Question “%(q)s” saved.") % {"q": question})
        if archived:
            messages.info(
                self.request,
                _(
                    "Options already chosen by attendees were kept for their answers "
                    "and are no longer offered: %(keys)s."
                )
                % {"keys": ", ".join(archived)},
            )
        return redirect("registration_admin:questions", slug=self.event.slug)


class QuestionCreateView(QuestionFormView):
    pass


class QuestionEditView(QuestionMixin, QuestionFormView):
    pass


class QuestionArchiveView(QuestionMixin, ActionView):
    def act(self) -> str:
        label = str(self.question)
        if archive_question(self.question, by=self.request.user):
            return _("“%(q)s” is archived: no longer asked; the answers already given are kept.") % {
                "q": label
            }
        return _("“%(q)s” is deleted (nobody had answered it).") % {"q": label}

    def back(self):
        return redirect("registration_admin:questions", slug=self.event.slug)


class QuestionRestoreView(QuestionMixin, ActionView):
    def act(self) -> str:
        restore_question(self.question, by=self.request.user)
        return _("“%(q)s” is back on the form, at the end.") % {"q": self.question}

    def back(self):
        return redirect("registration_admin:questions", slug=self.event.slug)


class QuestionMoveView(QuestionMixin, RegistrationOrganiserMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            move_question(self.question, up=request.POST.get("direction") == "up", by=request.user)
        except RakwonError as error:
            messages.error(request, error.message)
        url = reverse("registration_admin:questions", args=[self.event.slug])
        return redirect(f"{url}#question-{self.question.pk}")


class PreviewView(RegistrationOrganiserMixin, TemplateView):
    template_name = "events/registration_admin/preview.html"
    nav_current = "registration_admin:settings"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        languages = language_names(self.event)
        language = self.request.GET.get("language")
        language = language if language in languages else visitor_language(self.event)
        context["languages"] = languages
        context["language"] = language
        context["form"] = preview_form(active_questions(self.event), language)
        return context


# --- Institutions --------------------------------------------------------------------------------


def codes_sheet(request, event, issued) -> HttpResponse:
    """The only time codes are shown: print this page or download its CSV now."""
    rows = [(institution, format_code(code), code) for institution, code in issued]
    join_url = request.build_absolute_uri(reverse("attendee:join", args=[event.slug]))
    context = {"event": event, "rows": rows, "join_url": join_url}
    return no_store(render(request, "events/registration_admin/codes_sheet.html", context))


class InstitutionsView(RegistrationOrganiserMixin, FormView):
    template_name = "events/registration_admin/institutions.html"
    form_class = InstitutionForm
    nav_current = "registration_admin:institutions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institutions = list(self.event.institutions.prefetch_related("access_codes"))
        for institution in institutions:
            institution.taken = institution_service.seats_taken(institution)
            institution.code = next((c for c in institution.access_codes.all() if c.active), None)
        context["institutions"] = institutions
        return context

    def form_valid(self, form):
        created = run_service(
            form,
            institution_service.create_institution,
            self.event,
            by=self.request.user,
            **form.cleaned_data,
        )
        if form.errors:
            return self.form_invalid(form)
        institution, code = created
        messages.success(self.request, _("Institution “%(name)s” added.") % {"name": institution.name})
        return codes_sheet(self.request, self.event, [(institution, code)])


class InstitutionMixin:
    @cached_property
    def institution(self):
        return get_object_or_404(self.event.institutions, pk=self.kwargs["pk"])


class InstitutionEditView(InstitutionMixin, RegistrationOrganiserMixin, FormView):
    template_name = "events/registration_admin/institution_form.html"
    form_class = InstitutionForm
    nav_current = "registration_admin:institutions"

    def get_initial(self):
        return {"name": self.institution.name, "seats": self.institution.seats}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["institution"] = self.institution
        context["taken"] = institution_service.seats_taken(self.institution)
        context["seat_holders"] = seat_holders(self.institution)
        return context

    def form_valid(self, form):
        run_service(
            form,
            institution_service.update_institution,
            self.institution,
            by=self.request.user,
            **form.cleaned_data,
        )
        if form.errors:
            return self.form_invalid(form)
        messages.success(self.request, _("Institution saved."))
        return redirect("registration_admin:institutions", slug=self.event.slug)


class InstitutionRevokeView(InstitutionMixin, ActionView):
    def act(self) -> str:
        institution_service.revoke_code(self.institution, by=self.request.user)
        return _("The code of %(name)s no longer works. Members who joined stay in.") % {
            "name": self.institution.name
        }

    def back(self):
        return redirect("registration_admin:institutions", slug=self.event.slug)


class SeatRevokeView(InstitutionMixin, ActionView):
    """Free a lost member's seat (services.recovery.revoke_seat): signed out, free to join again."""

    def act(self) -> str:
        chosen = self.request.POST.get("member", "")
        member = get_object_or_404(self.institution.members, pk=int(chosen) if chosen.isdigit() else 0)
        revoke_seat(member, by=self.request.user)
        return _(
            "%(name)s's seat is free and their browsers are signed out. "
            "They can join again with %(institution)s's code."
        ) % {"name": member.display_name, "institution": self.institution.name}

    def back(self):
        return redirect("registration_admin:institution_edit", slug=self.event.slug, pk=self.institution.pk)


class InstitutionNewCodeView(InstitutionMixin, RegistrationOrganiserMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            code = institution_service.regenerate_code(self.institution, by=request.user)
        except RakwonError as error:
            messages.error(request, error.message)
            return redirect("registration_admin:institutions", slug=self.event.slug)
        return codes_sheet(request, self.event, [(self.institution, code)])


class AllNewCodesView(RegistrationOrganiserMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            issued = institution_service.regenerate_all_codes(self.event, by=request.user)
        except RakwonError as error:
            messages.error(request, error.message)
            return redirect("registration_admin:institutions", slug=self.event.slug)
        return codes_sheet(request, self.event, issued)


class CodesCsvView(RegistrationOrganiserMixin, View):
    """The printed sheet's codes as CSV. The browser sends back the codes it was just shown;
    only those matching a stored hash are written, so nothing but real codes come out. Each
    download is written to the audit log; every cell is guarded against spreadsheet formulas."""

    def post(self, request, *args, **kwargs):
        pairs = list(zip(request.POST.getlist("institution"), request.POST.getlist("code"), strict=False))
        try:
            rows = institution_service.export_access_codes(self.event, pairs[:10_000], by=request.user)
        except RakwonError as error:
            messages.error(request, error.message)
            return redirect("registration_admin:institutions", slug=self.event.slug)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.event.slug}-access-codes.csv"'
        response.write("\ufeff")  # lets spreadsheet programs read Korean names as UTF-8
        writer = csv.writer(response)
        writer.writerow(csv_row([_("Institution"), _("Seats"), _("Access code"), _("Join at")]))
        join_url = request.build_absolute_uri(reverse("attendee:join", args=[self.event.slug]))
        for institution, code in rows:
            writer.writerow(csv_row([institution.name, institution.seats, format_code(code), join_url]))
        return no_store(response)


# --- Attendees ------------------------------------------------------------------------------------


class AttendeesView(RegistrationOrganiserMixin, TemplateView):
    template_name = "events/registration_admin/attendees.html"
    nav_current = "registration_admin:attendees"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AttendeeFilterForm(self.request.GET or None, event=self.event)
        filters = form.cleaned_data if form.is_valid() else {}
        found = find_attendees(
            self.event,
            search=filters.get("q", ""),
            status=filters.get("status", ""),
            institution=filters.get("institution", ""),
        )
        page = Paginator(found, ATTENDEES_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            page=page,
            query=query.urlencode(),
            counts=attendee_counts(self.event),
            requires_approval=get_registration_settings(self.event).requires_approval,
        )
        return context


class AttendeeMixin:
    @cached_property
    def attendee(self):
        return get_object_or_404(self.event.attendees.select_related("institution"), pk=self.kwargs["pk"])


class AttendeeView(AttendeeMixin, RegistrationOrganiserMixin, TemplateView):
    template_name = "events/registration_admin/attendee.html"
    nav_current = "registration_admin:attendees"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        language = visitor_language(self.event)
        answers = self.attendee.answers.select_related("question")
        context["attendee"] = self.attendee
        context["answers"] = [
            {
                "label": answer.question_label_in(language),
                "value": answer.display_in(language),
                "archived": answer.question.is_archived,
            }
            for answer in answers
        ]
        return context


class AttendeeDecisionView(AttendeeMixin, ActionView):
    action = ""
    done = {
        "approve": gettext_lazy("%(name)s is approved and can enter."),
        "reject": gettext_lazy("%(name)s is rejected."),
        "cancel": gettext_lazy("The registration of %(name)s is cancelled."),
    }

    def act(self) -> str:
        attendee = decide(self.attendee, self.action, by=self.request.user)
        return str(self.done[self.action]) % {"name": attendee}

    def back(self):
        # Back to the list as it was filtered; only ever to this event's attendee pages.
        target = self.request.POST.get("next", "")
        listing = reverse("registration_admin:attendees", args=[self.event.slug])
        if target.startswith(listing) and "//" not in target and "\\" not in target:
            return redirect(target)
        return redirect(listing)
