"""Forms of the booth editor: the booth's words, topics and logo; links; uploading files."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.forms import LogoField
from events.interfaces.single_line_forms import SingleLineFieldsMixin

from .limits import asset_max_bytes
from .models import AssetKind, Booth, BoothLink, Tag
from .models.assets import validate_web_url

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError inline: beside its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


DESCRIPTION_MAX_CHARS = 5000
DESCRIPTION_HELP = _(
    "**bold**, *italic*, lists starting with - or 1., links as [text](https://…); "
    "a blank line starts a new paragraph. Anything else shows as you type it."
)


class BoothContentForm(SingleLineFieldsMixin, forms.Form):
    """The booth's tagline, a description per event language, topics and the exhibitor's logo."""

    tagline = forms.CharField(
        label=_("Tagline"),
        max_length=Booth._meta.get_field("tagline").max_length,
        required=False,
        help_text=_("One line under your name on the booth page."),
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Visitors filter the hall plan by topic."),
    )
    new_tags = forms.CharField(
        label=_("New topics"),
        required=False,
        max_length=400,
        help_text=_("Type topics the list does not have yet, separated by commas: AI, Security"),
    )
    logo = LogoField()
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args, booth: Booth, **kwargs):
        super().__init__(*args, **kwargs)
        self.booth = booth
        self.fields["tags"].queryset = Tag.objects.filter(event=booth.event)
        self.fields["tags"].error_messages["invalid_choice"] = _("Choose topics from the list.")
        self.fields["logo"].help_text = _(
            "PNG, JPEG, WebP or GIF, at most %(size)s KB. Shared by all your booths."
        ) % {"size": settings.LOGO_MAX_BYTES // 1024}
        if not booth.exhibitor.logo:
            del self.fields["remove_logo"]
        # One description box per event language, placed after the tagline.
        preview_url = reverse("exhibitor:booth_text_preview", kwargs={"booth_id": booth.pk})
        fields = {"tagline": self.fields.pop("tagline")}
        for code in booth.event.languages or [settings.LANGUAGE_CODE]:
            fields[f"description_{code}"] = forms.CharField(
                label=_("Description in %(language)s") % {"language": LANGUAGE_NAMES.get(code, code)},
                required=False,
                max_length=DESCRIPTION_MAX_CHARS,
                help_text=DESCRIPTION_HELP,
                # text_preview.js shows below the box what visitors will see (the server renders it).
                widget=forms.Textarea(attrs={"rows": 6, "data-text-preview": preview_url}),
            )
        fields.update(self.fields)
        self.fields = fields

    def descriptions(self) -> dict[str, str]:
        return {
            name.removeprefix("description_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("description_")
        }

    @classmethod
    def initial_for(cls, booth: Booth) -> dict:
        initial = {"tagline": booth.tagline, "tags": list(booth.tags.all())}
        for code, text in (booth.description or {}).items():
            initial[f"description_{code}"] = text
        return initial


class WebAddressField(forms.URLField):
    """An http or https address; "example.org/x" is taken to mean https://example.org/x."""

    default_validators = [validate_web_url]
    default_error_messages = {"invalid": validate_web_url.message}


class BoothLinkForm(SingleLineFieldsMixin, forms.ModelForm):
    url = WebAddressField(
        label=_("Web address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("For example https://example.org/product"),
    )

    class Meta:
        model = BoothLink
        fields = ["title", "url"]
        help_texts = {"title": _("What visitors read, for example “Product sheet” or “Sign up for a trial”.")}

    def _post_clean(self) -> None:
        # The service checks the whole link (and the booth's limit) when it saves it.
        pass


class TextPreviewForm(forms.Form):
    """What the booth editor's preview sends: one description as typed."""

    text = forms.CharField(
        required=False, max_length=DESCRIPTION_MAX_CHARS, strip=False, widget=forms.Textarea
    )


class AssetUploadForm(SingleLineFieldsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=AssetKind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,video/*,audio/*,image/*"}),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("This file is empty. Choose the file again and upload it."),
            "invalid": _("No file arrived. Choose the file again and upload it."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=120,
        help_text=_("What visitors read. Leave it empty to use the file's name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = _(
            "Documents as PDF (up to %(document)s), videos (up to %(video)s), sound (up to "
            "%(audio)s), pictures (up to %(image)s)."
        ) % {kind: filesizeformat(asset_max_bytes(kind)) for kind in AssetKind.values}
