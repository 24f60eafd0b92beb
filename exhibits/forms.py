"""Forms of the exhibition floor: halls, exhibitors, staff invitations and booths."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.forms import LogoField
from events.interfaces.per_language_forms import PerLanguageFieldsMixin
from events.interfaces.single_line_forms import SingleLineFieldsMixin
from events.models import Event

from .models import Booth, Exhibitor, Hall


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError inline: beside its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class HallForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.ModelForm):
    per_language_fields = ("name", "description")

    class Meta:
        model = Hall
        fields = ["name", "description", "plan_columns", "plan_rows"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "plan_columns": _("How many cells across the hall plan is (2 to 60)."),
            "plan_rows": _("How many cells deep the hall plan is (2 to 60)."),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.add_language_fields(event.languages, source=self.instance if self.instance.pk else None)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Hall.objects.filter(event=self.event, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("This event already has a hall called “%(name)s”. Choose another name."),
                code="hall_name_taken",
                params={"name": name},
            )
        return name


class ExhibitorProfileForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.ModelForm):
    """What an exhibitor's own staff may change: everything but the name the organiser set."""

    per_language_fields = ("description",)

    logo = LogoField()
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://example.org"),
    )

    class Meta:
        model = Exhibitor
        fields = ["description", "logo", "website", "contact_email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _("PNG, JPEG, WebP or GIF, at most %(size)s KB.") % {
            "size": settings.LOGO_MAX_BYTES // 1024
        }
        event = event or (self.instance.event if self.instance.event_id else None)
        self.add_language_fields(
            (event.languages if event else None) or [settings.LANGUAGE_CODE],
            source=self.instance if self.instance.pk else None,
        )


class ExhibitorForm(ExhibitorProfileForm):
    """The organiser's form: the profile plus the exhibitor's name, unique in the event."""

    per_language_fields = ("name", "description")

    class Meta(ExhibitorProfileForm.Meta):
        fields = ["name", "description", "logo", "website", "contact_email"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        self.event = event

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Exhibitor.objects.filter(event=self.event, name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("This event already has an exhibitor called “%(name)s”. Choose another name."),
                code="exhibitor_name_taken",
                params={"name": name},
            )
        return name


class StaffInviteForm(SingleLineFieldsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("We mail this person a link; they create their own log-in when they accept."),
    )


class BoothForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.ModelForm):
    """The organiser's booth form; hall and exhibitor are limited to this event, the tagline has
    a box per event language."""

    per_language_fields = ("tagline",)

    class Meta:
        model = Booth
        fields = ["hall", "exhibitor", "number", "tagline", "x", "y", "width", "height"]
        help_texts = {
            "x": _("Cells from the left edge of the plan, starting at 0."),
            "y": _("Cells from the top edge of the plan, starting at 0."),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["hall"].queryset = Hall.objects.filter(event=event)
        self.fields["exhibitor"].queryset = Exhibitor.objects.filter(event=event)
        for name in ("hall", "exhibitor"):
            self.fields[name].error_messages["invalid_choice"] = _(
                "Choose one of this event's entries from the list."
            )
        self.add_language_fields(event.languages, source=self.instance if self.instance.pk else None)

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        taken = Booth.objects.filter(event=self.event, number__iexact=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("Booth number %(number)s is already taken in this event."),
                code="booth_number_taken",
                params={"number": number},
            )
        return number

    def _post_clean(self) -> None:
        # The model's own checks (off the plan, wrong event) run again in place_booth; here they
        # only need the event so that they can run at all.
        self.instance.event = self.event
        super()._post_clean()

    def booth_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "tagline_translations"]}
