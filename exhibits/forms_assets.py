"""Forms of the booth editor: the booth's words, topics and logo; links; uploading files."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.forms import LogoField
from events.interfaces.per_language_forms import PerLanguageFieldsMixin, language_name
from events.interfaces.single_line_forms import SingleLineFieldsMixin

from .limits import asset_max_bytes
from .models import AssetKind, Booth, BoothAsset, BoothLink, Tag
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


class BoothContentForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.Form):
    """The booth's tagline and description per event language, topics (with their names in the
    event's other languages) and the exhibitor's logo."""

    per_language_fields = ("tagline",)

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
        languages = booth.event.languages or [settings.LANGUAGE_CODE]
        self.add_language_fields(languages, source=booth)
        # The booth's topics in the event's other languages: a visitor reading Korean filters
        # the hall by the Korean name. Only the topics this booth has, so staff name their own.
        for tag in booth.tags.all() if booth.pk else []:
            for code in languages[1:]:
                self.fields[f"tag_{tag.pk}_{code}"] = forms.CharField(
                    label=_("Topic “%(name)s” in %(language)s")
                    % {"name": tag.name, "language": language_name(code)},
                    required=False,
                    max_length=Tag._meta.get_field("name").max_length,
                    initial=(tag.name_translations or {}).get(code, ""),
                    help_text=_("Leave empty to show “%(name)s”.") % {"name": tag.name},
                )

    def tag_names(self) -> dict[int, dict[str, str]]:
        """{tag id: {language: name}} as typed in the topic boxes (empty ones included)."""
        names: dict[int, dict[str, str]] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("tag_"):
                _prefix, tag_id, code = name.split("_", 2)
                names.setdefault(int(tag_id), {})[code] = value
        return names

    def descriptions(self) -> dict[str, str]:
        return {
            name.removeprefix("description_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("description_")
        }

    @classmethod
    def initial_for(cls, booth: Booth) -> dict:
        initial = {"tags": list(booth.tags.all())}
        for code, text in (booth.description or {}).items():
            initial[f"description_{code}"] = text
        return initial


class WebAddressField(forms.URLField):
    """An http or https address; "example.org/x" is taken to mean https://example.org/x."""

    default_validators = [validate_web_url]
    default_error_messages = {"invalid": validate_web_url.message}


class BoothLinkForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.ModelForm):
    """A new link: its title in each event language (the first one required) and its address."""

    per_language_fields = ("title",)

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

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_language_fields(languages, source=self.instance if self.instance.pk else None)
        # An empty first box gets the per-language message (which language to write), only.
        self.fields[self.language_field("title")].required = False

    def _post_clean(self) -> None:
        # The service checks the whole link (and the booth's limit) when it saves it.
        pass


class TextPreviewForm(forms.Form):
    """What the booth editor's preview sends: one description as typed."""

    text = forms.CharField(
        required=False, max_length=DESCRIPTION_MAX_CHARS, strip=False, widget=forms.Textarea
    )


class AssetTitleForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.Form):
    """A file's title in each event language: what visitors read above it."""

    per_language_fields = ("title",)

    title = forms.CharField(label=_("Title"), max_length=120)

    def __init__(self, *args, asset: BoothAsset, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_language_fields(asset.booth.event.languages, source=asset)
        # An empty first box gets the per-language message (which language to write), only.
        self.fields[self.language_field("title")].required = False


class AssetUploadForm(PerLanguageFieldsMixin, SingleLineFieldsMixin, forms.Form):
    per_language_fields = ("title",)

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

    def __init__(self, *args, languages: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_language_fields(languages or [settings.LANGUAGE_CODE], first_required=False)
        self.title_field = self.language_field("title")  # where the voice recorder sends its title
        self.fields["kind"].help_text = _(
            "Documents as PDF (up to %(document)s), videos (up to %(video)s), sound (up to "
            "%(audio)s), pictures (up to %(image)s)."
        ) % {kind: filesizeformat(asset_max_bytes(kind)) for kind in AssetKind.values}
