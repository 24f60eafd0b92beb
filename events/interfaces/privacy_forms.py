"""Forms of the privacy pages: the attendee's visibility choice and the owner's typed
confirmation before shredding. The rules themselves live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Event
from .registration_forms import visible_field
from .single_line_forms import SingleLineFieldsMixin


class VisibilityForm(SingleLineFieldsMixin, forms.Form):
    visible_to_others = visible_field()
    # Off unless chosen; it counts only while the name is shown (exhibits' visitor meetings).
    open_to_meetings = forms.BooleanField(
        label=_("Other visitors may ask me for a video meeting"),
        help_text=_("Only while your name is shown. You accept or decline each request."),
        required=False,
        initial=False,
    )


class ConfirmShredForm(SingleLineFieldsMixin, forms.Form):
    """Shredding cannot be undone, so the owner types the event's short name to confirm."""

    confirmation = forms.CharField(
        label=_("Short name of the event"),
        max_length=60,
        error_messages={"required": _("Type the event's short name to confirm.")},
    )

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmation"].help_text = _("Type “%(slug)s” to confirm.") % {"slug": event.slug}
        self.fields["confirmation"].widget.attrs["autocomplete"] = "off"
