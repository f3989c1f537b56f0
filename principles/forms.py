"""Forms for the rubric pages, laid out with the GOV.UK template pack.

Forms only check and clean what people type; the services in principles/services.py do every
write, so that each change is recorded in the rubric's history.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms

from engagement_portal.lib.forms import submit_button
from principles.models import Criterion, EvidenceCategory, LevelDescriptor, RubricVersion, SuggestedEvidence
from principles.scoring import ScoringRule, share_as_percent

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
    title = forms.CharField(
        label="Title",
        help_text="What people will see the version called. Leave it empty to have one suggested "
        "from the label.",
        required=False,
        max_length=200,
        error_messages={"max_length": "Title must be 200 characters or fewer"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("label", field_width=10, spellcheck="false", autocomplete="off"),
            Field.text("title"),
            submit_button("Make the draft"),
        )

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

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


class ScoringRuleForm(forms.Form):
    """The thresholds of a draft's scoring rule. The band names, the number of principles an
    overall rating needs and the decisions principle keep their values.

    The rule is checked by ScoringRule.from_dict, the same check every stored rule passes, and
    its message is shown against the field it is about, with the rule's setting names replaced
    by the words on this page.
    """

    SCORES = (4, 3, 2, 1)

    min_scored_percent = forms.CharField(
        label="Criteria that must be scored",
        help_text="The share of a principle's criteria that must be scored, not marked as not "
        "evidenced, for its score to count. For example, 75.",
        error_messages={"required": "Enter the share of criteria that must be scored"},
    )
    min_evidence_categories = forms.IntegerField(
        label="Evidence categories needed",
        help_text="How many different evidence categories a principle's evidence must come from.",
        # A text box, as GOV.UK advises for numbers: browsers' number boxes change with the wheel.
        widget=forms.TextInput,
        error_messages={
            "required": "Enter how many evidence categories are needed",
            "invalid": "Evidence categories needed must be a whole number, like 2",
        },
    )
    stricter_limiters = forms.ChoiceField(
        label="Use the stricter limiters?",
        help_text="The portal's own rules, not part of CQC's published method: they stop the "
        "overall rating being the top band, or better than the second-lowest band, when some "
        "principles score low.",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to use the stricter limiters"},
    )

    def __init__(self, *args, version: RubricVersion, **kwargs) -> None:
        self.version = version
        self.rule = version.rule()
        self.shown_share = share_as_percent(self.rule.min_scored_fraction)
        initial = {
            "min_scored_percent": self.shown_share,
            "min_evidence_categories": self.rule.min_evidence_categories,
            "stricter_limiters": "yes" if self.rule.stricter_limiters else "no",
        }
        for band in self.rule.bands:
            initial[f"min_percent_{band.score}"] = band.to_dict()["min_percent"]
        super().__init__(*args, initial=initial, **kwargs)
        band_fields = {}
        for band in self.rule.bands:
            name = f"min_percent_{band.score}"
            band_fields[name] = forms.CharField(
                label=band.name,
                help_text="Always 0, so that every percentage is in a band." if band.score == 1 else None,
                error_messages={"required": f"Enter the minimum percentage for {band.name}"},
            )
        # Bands first, in the order they are shown.
        self.fields = {**band_fields, **self.fields}
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                HTML(
                    '<p class="govuk-hint">A percentage earns a band when it reaches the band\'s '
                    "minimum. Each minimum must be lower than the one above it.</p>"
                ),
                *(
                    Field.text(f"min_percent_{score}", field_width=4, inputmode="decimal", spellcheck="false")
                    for score in self.SCORES
                ),
                legend="Minimum percentage for each band",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("min_scored_percent", field_width=4, inputmode="decimal", spellcheck="false"),
                Field.text("min_evidence_categories", field_width=2, inputmode="numeric", spellcheck="false"),
                legend="When a principle's score counts",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("stricter_limiters", legend_size=Size.MEDIUM),
            submit_button("Save scoring rule"),
        )

    # Where from_dict's messages go, and the words that replace its setting names.
    def _settings(self) -> list[tuple[str, str, str]]:
        """(setting path in from_dict's messages, form field, what this page calls it)"""
        settings = [
            (
                f"scoring_rule.bands[{i}].min_percent",
                f"min_percent_{band.score}",
                f"the minimum for {band.name}",
            )
            for i, band in enumerate(self.rule.bands)
        ]
        return [
            *settings,
            (
                "scoring_rule.min_scored_fraction",
                "min_scored_percent",
                "the share of criteria that must be scored",
            ),
            (
                "scoring_rule.min_evidence_categories",
                "min_evidence_categories",
                "the number of evidence categories needed",
            ),
            ("scoring_rule.stricter_limiters", "stricter_limiters", "whether to use the stricter limiters"),
        ]

    def clean_min_scored_percent(self) -> str:
        """A percentage, turned into the exact share the rule stores ("75" -> "3/4")."""
        typed = self.cleaned_data["min_scored_percent"].strip().removesuffix("%").strip()
        if typed == self.shown_share:  # unchanged, even where the page shows a rounded value
            return str(self.rule.min_scored_fraction)
        try:
            percent = Decimal(typed)
        except InvalidOperation:
            raise forms.ValidationError(
                "The share of criteria that must be scored must be a number, like 75"
            ) from None
        if not percent.is_finite() or not 0 < percent <= 100:
            raise forms.ValidationError(
                "The share of criteria that must be scored must be more than 0 and at most 100"
            )
        return str(Fraction(percent) / 100)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            ScoringRule.from_dict(self.scoring_rule())
        except ValueError as exc:
            self._add_rule_error(str(exc))
            return cleaned
        categories = self.version.evidence_categories.count()
        if cleaned["min_evidence_categories"] > categories:
            self.add_error(
                "min_evidence_categories",
                f"Evidence categories needed cannot be more than the {categories} categories in this version",
            )
        return cleaned

    def _add_rule_error(self, message: str) -> None:
        settings = self._settings()
        field = None
        for path, name, words in sorted(settings, key=lambda s: -len(s[0])):
            if path in message:
                if message.startswith(path):
                    field = name
                message = message.replace(path, words)
        self.add_error(field, message[:1].upper() + message[1:])

    def scoring_rule(self) -> dict[str, Any]:
        """The version's rule with this form's values in place of the old ones."""
        data = self.rule.to_dict()
        data["bands"] = [
            {
                **band,
                "min_percent": self.cleaned_data[f"min_percent_{band['score']}"]
                .strip()
                .removesuffix("%")
                .strip(),
            }
            for band in data["bands"]
        ]
        data["min_scored_fraction"] = self.cleaned_data["min_scored_percent"]
        data["min_evidence_categories"] = self.cleaned_data["min_evidence_categories"]
        data["stricter_limiters"] = self.cleaned_data["stricter_limiters"] == "yes"
        return data


class EvidenceCategoryForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={
            "required": "Enter the category's name",
            "max_length": "Name must be 100 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="Examples of the evidence in this category.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"), Field.textarea("description", rows=3), submit_button("Save category")
        )

    @classmethod
    def initial_for(cls, category: EvidenceCategory) -> dict[str, str]:
        return {"name": category.name, "description": category.description}


class SuggestedEvidenceForm(forms.Form):
    text = forms.CharField(
        label="Suggested evidence",
        help_text="A document, record or voice that would show the principle in practice.",
        widget=forms.Textarea,
        error_messages={"required": "Enter the suggested evidence"},
    )
    categories = forms.MultipleChoiceField(
        label="Evidence categories",
        help_text="Select all that apply.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one evidence category",
            "invalid_choice": "Select evidence categories from the list",
        },
    )

    def __init__(self, *args, version: RubricVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [
            Choice(category.code, f"{category.name} ({category.code})", hint=category.description or None)
            for category in version.evidence_categories.order_by("position", "code")
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("text", rows=3),
            Field.checkboxes("categories", legend_size=Size.SMALL),
            submit_button("Save suggested evidence"),
        )

    @classmethod
    def initial_for(cls, item: SuggestedEvidence) -> dict[str, Any]:
        return {"text": item.text, "categories": list(item.categories)}


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
