"""FormRefusalMixin: a service's refusal lands in the form, which is shown again with what was
typed; nothing else happens."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.views.generic import FormView

from events.errors import EventClosed, RakwonError
from events.views.mixins import FormRefusalMixin


class BoothNameForm(forms.Form):
    name = forms.CharField()
    number = forms.CharField()


class KeyMappingForm(BoothNameForm):
    def add_service_errors(self, error: ValidationError) -> None:
        self.add_error("number", f"mapped: {' '.join(error.messages)}")


def refusing(error, form_class=BoothNameForm, field=None):
    class View(FormRefusalMixin, FormView):
        template_name = "includes/form.html"

        def get_form_class(self):
            return form_class

        def form_valid(self, form):
            return self.form_refused(form, error, field)

    request = RequestFactory().post("/", {"name": "Alpha", "number": "A-1"})
    request.user = None
    response = View.as_view()(request)
    return response, response.context_data["form"]


def test_a_validation_error_naming_a_field_is_shown_beside_it():
    response, form = refusing(ValidationError({"number": "Booth A-1 overlaps booth A-2."}))

    assert (response.status_code, form.errors) == (200, {"number": ["Booth A-1 overlaps booth A-2."]})


def test_a_key_the_form_has_no_field_for_goes_above_the_form():
    _response, form = refusing(ValidationError({"hall": "Choose a hall of this event."}))

    assert form.errors == {"__all__": ["Choose a hall of this event."]}


def test_a_plain_validation_error_goes_above_the_form():
    _response, form = refusing(ValidationError("The plan is full: make the hall larger first."))

    assert form.non_field_errors() == ["The plan is full: make the hall larger first."]


def test_a_form_that_maps_service_keys_does_it_itself():
    _response, form = refusing(ValidationError({"x": "Taken."}), form_class=KeyMappingForm)

    assert form.errors == {"number": ["mapped: Taken."]}


def test_a_domain_error_is_shown_beside_the_field_asked_for():
    _response, form = refusing(RakwonError("Pick fewer days.", code="api_token.bad_expiry"), field="name")

    assert form.errors == {"name": ["Pick fewer days."]}


def test_a_closed_event_says_so_above_the_form_and_keeps_what_was_typed():
    response, form = refusing(EventClosed("This event is closed and can no longer be changed."))

    assert form.non_field_errors() == ["This event is closed and can no longer be changed."]
    assert (form["name"].value(), form["number"].value()) == ("Alpha", "A-1")
    assert response.status_code == 200
