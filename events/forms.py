"""Forms of the events app (accounts and the organiser's event pages)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .enums import EventStatus, TeamRole
from .interfaces.per_language_forms import PerLanguageFieldsMixin
from .interfaces.single_line_forms import SingleLineFieldsMixin
from .models import Event, Session, User
from .models.event import default_languages
from .models.texts import SUFFIX, texts_of
from .registry import session_places
from .services.schedule import format_speakers
from .validators import validate_logo


class InviteOrganiserForm(SingleLineFieldsMixin, forms.Form):
    """A superuser invites someone to create events (ORGANISER_SIGNUP=invitation)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("They get a link to create their account, or to accept with the account they have."),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class SignupForm(SingleLineFieldsMixin, forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    class Meta:
        model = User
        fields = ["display_name", "email"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True

    def clean_email(self) -> str:
        # Whether the address has an account is never said here: the mail says it (issue 10, 7).
        return self.cleaned_data["email"].strip().lower()

    def validate_unique(self) -> None:
        pass  # the same reason: a known address must not be refused by the form

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PasswordResetRequestForm(SingleLineFieldsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class LoginForm(SingleLineFieldsMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


# --- Organiser: the event -----------------------------------------------------------------


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class LogoField(forms.FileField):
    """A logo, judged by its content (validate_logo), never by its name: not Django's ImageField,
    which refuses a picture for its extension and keeps the name. The model field stores it
    re-encoded under a random name (events.uploads.PictureField)."""

    default_validators = [validate_logo]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Logo"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"})
        )
        super().__init__(**kwargs)


class EventForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.ModelForm):
    """An event's settings, for creating and for editing (the slug stays editable). The name and
    description get a box per language the site offers, the event's own languages first."""

    per_language_fields = ("name", "description")

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        initial=Event._meta.get_field("time_zone").default,
        help_text=_("Session times are entered and shown in this time zone."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        initial=default_languages,
        # The class lands on the group's wrapper, so organiser.css can lay the boxes out.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-group"}),
        error_messages={"required": _("Choose at least one language.")},
        help_text=_("The languages visitors can use the event in."),
    )
    logo = LogoField(help_text=_("Optional. A PNG, JPEG, WebP or GIF picture."))

    class Meta:
        model = Event
        fields = [
            "name",
            "slug",
            "description",
            "starts_on",
            "ends_on",
            "time_zone",
            "languages",
            "logo",
            "colour",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "colour": forms.TextInput(attrs={"type": "color"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"colour": _("The event's accent colour on its pages.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        own = list(self.instance.languages or []) if self.instance.pk else []
        offered = own + [code for code, _name in settings.LANGUAGES if code not in own]
        # Which box must be filled depends on the languages ticked here: clean() says which.
        self.add_language_fields(
            offered, source=self.instance if self.instance.pk else None, first_required=False
        )

    def languages_in_use(self, cleaned: dict) -> list[str]:
        # The languages ticked in this same form, else the event's saved ones.
        chosen = [code for code in cleaned.get("languages") or [] if code in self.languages]
        if chosen:
            return chosen
        # No valid choice yet (that error is shown): take the languages the name is written in.
        named = [
            code for code in self.languages if (self.data.get(self.add_prefix(f"name_{code}")) or "").strip()
        ]
        return named + [code for code in self.languages if code not in named]

    def clean_slug(self) -> str:
        # Lower-cased so that "Expo" and "expo" cannot become two events with one address.
        slug = self.cleaned_data["slug"].lower()
        taken = Event.objects.filter(slug__iexact=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("The short name “%(slug)s” is already taken. Choose another one."),
                code="slug_taken",
                params={"slug": slug},
            )
        return slug

    def event_fields(self) -> dict:
        """The cleaned values as keyword arguments for events.services.events.create_event."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["logo"] = fields["logo"] or ""
        for name in self.per_language_fields:
            fields[name + SUFFIX] = self.cleaned_data[name + SUFFIX]
        return fields


class StatusForm(SingleLineFieldsMixin, forms.Form):
    status = forms.ChoiceField(choices=EventStatus.choices)


class ConfirmEventDeleteForm(SingleLineFieldsMixin, forms.Form):
    """Deleting an event cannot be undone, so the owner types its short name to confirm."""

    slug = forms.CharField(label=_("Short name of the event"), max_length=60)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["slug"].help_text = _("Type “%(slug)s” to confirm.") % {"slug": event.slug}

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip()
        if slug != self.event.slug:
            raise forms.ValidationError(
                _("That is not this event's short name. Type “%(slug)s” exactly to delete it."),
                code="slug_mismatch",
                params={"slug": self.event.slug},
            )
        return slug


# --- Organiser: the team ------------------------------------------------------------------


class TeamInvitationForm(SingleLineFieldsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=TeamRole.choices,
        initial=TeamRole.MODERATOR,
        help_text=_("Owners can also change the team and delete the event."),
    )


# --- Organiser: the schedule --------------------------------------------------------------


class SessionForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.Form):
    """A session as the organiser thinks of it: a day and clock times in the event's time zone;
    its title and description in each event language."""

    per_language_fields = ("title", "description")

    # Keys of save_session's ValidationError that belong to a field of this form.
    SERVICE_FIELDS = {
        "title": "title",
        "description": "description",
        "starts_at": "start",
        "ends_at": "end",
        "place": "place",
    }

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, as “Name — Affiliation”. The affiliation is optional."),
    )
    place = forms.ChoiceField(label=_("Place"), required=False)

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["place"].choices = [("", session_places.none_label()), *session_places.choices(event)]
        self.fields["day"].help_text = _("Between %(first)s and %(last)s.") % {
            "first": date_format(event.starts_on, "Y-m-d"),
            "last": date_format(event.ends_on, "Y-m-d"),
        }
        self.fields["start"].help_text = _("In the event's time zone, %(zone)s.") % {"zone": event.time_zone}
        self.add_language_fields(event.languages)

    @classmethod
    def initial_for(cls, session: Session) -> dict:
        tz = session.event.tz
        starts, ends = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        languages = session.event.languages or [settings.LANGUAGE_CODE]
        texts = {
            f"{field}_{code}": text
            for field in cls.per_language_fields
            for code, text in texts_of(session, field, languages).items()
        }
        return {
            **texts,
            "day": starts.date(),
            "start": starts.time(),
            "end": ends.time(),
            "speakers": format_speakers(session),
            "place": session_places.current(session),
        }

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if not self.event.starts_on <= day <= self.event.ends_on:
            raise forms.ValidationError(
                _("The event runs from %(first)s to %(last)s. Choose a day in that range."),
                code="day_outside_event",
                params={
                    "first": date_format(self.event.starts_on, "Y-m-d"),
                    "last": date_format(self.event.ends_on, "Y-m-d"),
                },
            )
        return day

    def session_fields(self) -> dict:
        """Keyword arguments for save_session, with times made aware in the event's zone."""
        data, tz = self.cleaned_data, self.event.tz
        return {
            "title": data["title"],
            "title_translations": data["title" + SUFFIX],
            "description": data["description"],
            "description_translations": data["description" + SUFFIX],
            "starts_at": dt.datetime.combine(data["day"], data["start"], tzinfo=tz),
            "ends_at": dt.datetime.combine(data["day"], data["end"], tzinfo=tz),
            "speakers_text": data["speakers"],
            "place": data["place"],
        }

    def add_service_errors(self, error: forms.ValidationError) -> None:
        """Put save_session's errors beside the fields they are about."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = self.SERVICE_FIELDS.get(key)
            if field in self.per_language_fields:
                field = self.language_field(field)  # the first language's box holds that text
            self.add_error(field, messages)
