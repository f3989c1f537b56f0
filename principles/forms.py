"""Forms for the rubric pages, laid out with the GOV.UK template pack.

Forms only check and clean what people type; the services in principles/services.py do every
write, so that each change is recorded in the rubric's history.
"""

from __future__ import annotations

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms

from assessments.forms import submit_button
from principles.models import Criterion, LevelDescriptor, RubricVersion

# Labels and codes appear in URLs and file names, so they keep to characters that need no
# escaping there. "new" would clash with the page for making a new draft.
LABEL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
RESERVED_LABELS = {"new"}
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")

LEVELS = tuple(LevelDescriptor.Level)


def label_problem(label: str) -> str | None:
    """Why a version label cannot be used, or None when it can."""
    if not LABEL_PATTERN.match(label) or label.lower() in RESERVED_LABELS:
        return (
            "Label must start with a letter or number and use only letters, numbers, "
            "full stops, hyphens and underscores, like 2027"
        )
    if RubricVersion.objects.filter(label=label).exists():
        return f"A version called {label} already exists"
    return None


class LabelField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            max_length=40,
            error_messages={
                "required": "Enter a label for the new version",
                "max_length": "Label must be 40 characters or fewer",
            },
            **kwargs,
        )


class NewDraftForm(forms.Form):
    label = LabelField(label="Label", help_text="A short name that says which version this is, such as 2027.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("label", field_width=10, spellcheck="false", autocomplete="off"),
            submit_button("Make the draft"),
        )

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if problem := label_problem(label):
            raise forms.ValidationError(problem)
        return label


class VersionTitleForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter a title",
            "max_length": "Title must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("title"), submit_button("Save title"))


class PrincipleForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="The short name, such as Strong leadership.",
        error_messages={
            "required": "Enter the principle's title",
            "max_length": "Title must be 200 characters or fewer",
        },
    )
    statement = forms.CharField(
        label="Statement",
        help_text="What good looks like, in one sentence.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the principle's statement"},
    )
    guidance = forms.CharField(
        label="Guidance (optional)",
        help_text="Anything that helps people assess themselves against this principle.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title"),
            Field.textarea("statement", rows=3),
            Field.textarea("guidance", rows=6),
            submit_button("Save principle"),
        )


class CriterionForm(forms.Form):
    """A criterion and its four level descriptors, on one page, so they are written together."""

    code = forms.CharField(
        label="Code",
        max_length=10,
        help_text="The principle's number, a full stop and the criterion's number, such as 3.2.",
        error_messages={
            "required": "Enter a criterion code",
            "max_length": "Criterion code must be 10 characters or fewer",
        },
    )
    text = forms.CharField(
        label="Criterion",
        help_text="What is being assessed, in one sentence.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the criterion"},
    )
    guidance = forms.CharField(label="Guidance (optional)", widget=forms.Textarea, required=False)
    suggested_evidence = forms.CharField(
        label="Suggested evidence (optional)",
        help_text="Documents or voices that would show this criterion is met.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, version: RubricVersion, criterion: Criterion | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.criterion = criterion
        for level in LEVELS:
            self.fields[f"level_{level.value}"] = forms.CharField(
                label=f"{level.value} – {level.label}",
                widget=forms.Textarea,
                error_messages={"required": f"Enter the level {level.value} descriptor"},
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("code", field_width=5, spellcheck="false", autocomplete="off"),
            Field.textarea("text", rows=3),
            Field.textarea("guidance", rows=4),
            Field.textarea("suggested_evidence", rows=3),
            Fieldset(
                *(Field.textarea(f"level_{level.value}", rows=4) for level in LEVELS),
                legend="Level descriptors",
                legend_size=Size.MEDIUM,
            ),
            submit_button("Save criterion"),
        )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(
                "Criterion code must use only letters, numbers, full stops and hyphens, like 3.2"
            )
        others = Criterion.objects.filter(principle__version=self.version, code=code)
        if self.criterion is not None:
            others = others.exclude(pk=self.criterion.pk)
        if others.exists():
            raise forms.ValidationError(f"Criterion code {code} is already used in this version")
        return code

    @classmethod
    def initial_for(cls, criterion: Criterion) -> dict[str, str]:
        initial = {
            "code": criterion.code,
            "text": criterion.text,
            "guidance": criterion.guidance,
            "suggested_evidence": criterion.suggested_evidence,
        }
        for descriptor in criterion.levels.all():
            initial[f"level_{descriptor.level}"] = descriptor.text
        return initial

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("code", "text", "guidance", "suggested_evidence")}

    def levels(self) -> dict[int, str]:
        return {level.value: self.cleaned_data[f"level_{level.value}"] for level in LEVELS}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Rubric file",
        help_text="A YAML file exported from this portal, or written in the same format.",
        error_messages={
            "required": "Choose a rubric file",
            "empty": "The chosen file is empty",
            "invalid": "Choose a rubric file",
        },
    )
    label = forms.CharField(
        label="Label for the new draft (optional)",
        help_text="Leave this empty to use the label in the file.",
        max_length=40,
        required=False,
        error_messages={"max_length": "Label must be 40 characters or fewer"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("file", accept=".yaml,.yml,application/yaml,text/yaml"),
            Field.text("label", field_width=10, spellcheck="false", autocomplete="off"),
            submit_button("Import as a draft"),
        )

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if label and (problem := label_problem(label)):
            raise forms.ValidationError(problem)
        return label


class CompareForm(forms.Form):
    """Two versions to compare. A GET form, so a comparison has a URL people can share."""

    def __init__(self, *args, labels: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields cannot be declared as attributes.
        self.fields["from"] = forms.ChoiceField(label="From version", choices=labels)
        self.fields["to"] = forms.ChoiceField(label="To version", choices=labels)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        # A button without a name, so the shared URL carries only ?from=...&to=...
        self.helper.layout = Layout(
            Field.select("from"),
            Field.select("to"),
            HTML('<button type="submit" class="govuk-button" data-module="govuk-button">Compare</button>'),
        )
