"""Forms for the evidence library, laid out with the GOV.UK template pack.

File fields here do no checking of their own beyond "was a file chosen": Django's FileField would
refuse an empty file for the whole form, but each file's problems belong to that file, and are
found by evidence/validation.py through evidence/services.py.
"""

from __future__ import annotations

import datetime
import hashlib

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms
from django.conf import settings
from django.db.models import F

from engagement_portal.lib.forms import GovukDateField, select, submit_button
from engagement_portal.lib.sizes import file_size
from evidence.models import EvidenceItem
from evidence.services import ItemDetails
from evidence.validation import ALLOWED_TYPES
from principles import cache as rubric_cache
from principles.services import current_version


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.Field):
    """One or more chosen files, as a list, unchecked (see the module docstring)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(**kwargs)

    def to_python(self, data) -> list:
        if not data:
            return []
        return list(data) if isinstance(data, (list, tuple)) else [data]

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class OneFileField(forms.Field):
    widget = forms.FileInput

    def to_python(self, data):
        if isinstance(data, (list, tuple)):
            data = data[-1] if data else None
        return data or None


def evidence_date_field(label: str, help_text: str, *, required: bool = False) -> DateInputField:
    field = GovukDateField(label=label, help_text=help_text, required=required, require_all_fields=False)
    field.error_messages.update(
        required="Enter the date of the evidence", incomplete="Enter the day, month and year"
    )
    return field


def clean_date_parts(field: DateInputField) -> None:
    """Plain-English messages for the day, month and year boxes."""
    for part, name in zip(field.fields, ("day", "month", "year"), strict=True):
        part.required = True
        part.error_messages["incomplete"] = f"The date must include a {name}"
        part.validators[0].message = "Enter the date as numbers, for example 12 3 2026"


def category_choices() -> list[Choice]:
    """The evidence categories, each with what it covers from the published rubric ("Healthwatch,
    VCSE, other statutory bodies, OSC"), so a newcomer can tell them apart."""
    version = current_version()
    described = (
        dict(version.evidence_categories.values_list("code", "description")) if version is not None else {}
    )
    return [
        Choice(code, label, hint=described.get(code) or None) for code, label in EvidenceItem.Category.choices
    ]


class ItemDetailsForm(forms.Form):
    """What people type about an item: shared by the upload form and the edit form."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="What the evidence is, for example “Board minutes, 12 March 2026”.",
        error_messages={"max_length": "The title must be 200 characters or fewer"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it shows about your public engagement.",
    )
    kind = forms.ChoiceField(
        label="Kind of evidence",
        choices=[("", "Choose a kind"), *EvidenceItem.Kind.choices],
        error_messages={
            "required": "Choose the kind of evidence",
            "invalid_choice": "Choose a kind from the list",
        },
    )
    category = forms.ChoiceField(
        label="Evidence category",
        choices=EvidenceItem.Category.choices,
        widget=forms.RadioSelect,
        help_text="The kind of source, as CQC groups evidence.",
        error_messages={
            "required": "Choose the evidence category",
            "invalid_choice": "Choose an evidence category from the list",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["evidence_date"] = evidence_date_field(
            "Date of the evidence (optional)",
            "The date of the meeting, report or survey, not today’s date. For example, 12 3 2026",
        )
        clean_date_parts(self.fields["evidence_date"])

    def details_layout(self) -> list:
        return [
            Field.text("title"),
            Field.textarea("description"),
            Field.select("kind"),
            Field.radios("category", legend_size=Size.SMALL),
            Field("evidence_date", fieldset=True, legend_size=Size.SMALL),
        ]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def details(self) -> ItemDetails:
        data = self.cleaned_data
        return ItemDetails(
            title=data["title"],
            description=data["description"].strip(),
            kind=data["kind"],
            category=data["category"],
            evidence_date=data.get("evidence_date"),
        )


class UploadForm(ItemDetailsForm):
    """Metadata and one or more files: each good file becomes an item of its own (see
    evidence.services.evidence_upload)."""

    files = FilesField(
        label="Files to upload",
        error_messages={"required": "Choose at least one file to upload"},
    )

    field_order = ["files", "title", "description", "kind", "category", "evidence_date"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = (
            "What the evidence is, for example “Board minutes, 12 March 2026”. You need a title for one "
            "file. Several files each become an item of their own, named after the file (and after "
            "this title, if you give one)."
        )
        self.fields["files"].help_text = (
            f"Up to {settings.EVIDENCE_MAX_FILES_PER_UPLOAD} files at a time, each smaller than "
            f"{file_size(settings.EVIDENCE_MAX_FILE_BYTES)}: {ALLOWED_TYPES}."
        )
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(Field("files"), *self.details_layout(), submit_button("Upload"))

    def add_error(self, field, error) -> None:
        super().add_error(field, error)
        # The GOV.UK pack marks a FileInput's errors, not those of this multiple-file input.
        if "files" in self.errors:
            widget = self.fields["files"].widget
            classes = widget.attrs.get("class", "").split()
            if "govuk-file-upload--error" not in classes:
                widget.attrs["class"] = " ".join([*classes, "govuk-file-upload--error"])

    def clean(self) -> dict:
        data = super().clean()
        files = data.get("files") or []
        if len(files) == 1 and not data.get("title") and "title" not in self.errors:
            self.add_error("title", "Enter a title")
        return data


class ItemEditForm(ItemDetailsForm):
    """An item's details. `version` is the item's version when the page was opened: the save
    is refused if someone else saved in between (evidence.services.evidence_item_update)."""

    # Not an IntegerField: a hidden field's own errors would not reach the error summary.
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, item: EvidenceItem, **kwargs) -> None:
        initial = {
            "title": item.title,
            "description": item.description,
            "kind": item.kind,
            "category": item.category,
            "evidence_date": item.evidence_date,
            "version": item.version,
        }
        super().__init__(data, initial=initial, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].error_messages["required"] = "Enter a title"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(*self.details_layout(), "version", submit_button("Save changes"))

    def clean_version(self) -> int:
        value = self.cleaned_data.get("version", "")
        if not value.isdigit():
            raise forms.ValidationError("This page was out of date. Your changes are below: save them again.")
        return int(value)

    def clean(self) -> dict:
        data = super().clean()
        # Shown in the error summary (a hidden field's errors would not be).
        for message in self.errors.pop("version", []):
            self.add_error(None, message)
        return data


class RevisionForm(forms.Form):
    file = OneFileField(
        label="New version of the file",
        error_messages={"required": "Choose a file to upload"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"Smaller than {file_size(settings.EVIDENCE_MAX_FILE_BYTES)}: {ALLOWED_TYPES}. "
            "Earlier revisions are kept, and anything that cited them still shows them."
        )
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data", "novalidate": ""}
        self.helper.layout = Layout(Field("file"), submit_button("Add revision"))


# ---------------------------------------------------------------------------------------------
# The library's filters (GET)


SORTS = {
    # Undated evidence last, on PostgreSQL (whose NULLs sort first when descending) as on SQLite.
    "date": (
        "Evidence date (newest first)",
        [F("evidence_date").desc(nulls_last=True), "-created_at", "-pk"],
    ),
    "title": ("Title (A to Z)", ["title", "pk"]),
    "uploaded": ("Date uploaded (newest first)", ["-created_at", "-pk"]),
}


def principle_choices() -> list[tuple[str, str]]:
    version = current_version()
    if version is None:
        return [(str(n), f"Principle {n}") for n in range(1, 9)]
    return [(str(p.number), f"{p.number}. {p.title}") for p in rubric_cache.wording(version).principles]


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind of evidence", required=False)
    category = forms.ChoiceField(label="Evidence category", required=False)
    principle = forms.ChoiceField(label="Principle cited", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(key, label) for key, (label, _) in SORTS.items()]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *EvidenceItem.Kind.choices]
        self.fields["category"].choices = [("", "Any category"), *EvidenceItem.Category.choices]
        self.fields["principle"].choices = [("", "Any principle"), *principle_choices()]
        self.fields["date_from"] = evidence_date_field("Evidence dated from", "For example, 1 4 2025")
        self.fields["date_to"] = evidence_date_field("Evidence dated up to", "For example, 31 3 2026")
        clean_date_parts(self.fields["date_from"])
        clean_date_parts(self.fields["date_to"])
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("q", label_size=Size.SMALL),
            select("kind"),
            select("category"),
            select("principle"),
            Fieldset(
                Field("date_from", fieldset=True, legend_size=Size.SMALL),
                Field("date_to", fieldset=True, legend_size=Size.SMALL),
                legend="Evidence date",
                legend_size=Size.SMALL,
            ),
            select("sort"),
            Button("apply", "Apply filters", css_class="govuk-button--secondary"),
        )

    def cache_key(self) -> str | None:
        """What the rendered form depends on, for the library page to keep its HTML (rendering
        it with crispy-forms was a quarter of the page's time): the values asked for (the URL's
        query, bar its page number) and the principles offered. None when it has errors: those
        are rendered each time. The form is a GET form, with no CSRF token in it."""
        if self.errors:
            return None
        asked = sorted((name, values) for name, values in self.data.lists() if name != "page")
        principles = self.fields["principle"].choices
        return hashlib.sha256(repr((asked, principles)).encode()).hexdigest()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data
