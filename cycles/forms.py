"""Forms for creating a cycle, changing its dates and closing it (GOV.UK template pack)."""

from __future__ import annotations

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from assessments.models import AssessmentCycle
from engagement_portal.lib.forms import GovukDateField
from organisations.models import Organisation
from principles.models import RubricVersion


def _button(label: str) -> Button:
    return Button("submit", label, data_prevent_double_click="true")


def _date(label: str, help_text: str = "For example, 31 3 2027") -> DateInputField:
    field = GovukDateField(label=label, help_text=help_text, require_all_fields=False)
    field.error_messages["required"] = f"Enter the {label.lower()}"
    field.error_messages["incomplete"] = f"Enter the {label.lower()} as a day, month and year"
    field.error_messages["invalid"] = f"Enter a real {label.lower()}, such as 31 3 2027"
    return field


class DatesForm(forms.Form):
    opens_on = _date("Opening date")
    closes_on = _date("Closing date")

    def __init__(self, *args, submit: str = "Save the new dates", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("opens_on", legend_size=Size.SMALL),
            Field("closes_on", legend_size=Size.SMALL),
            _button(submit),
        )


def _version_label(version: RubricVersion) -> str:
    if version.status == RubricVersion.Status.PUBLISHED:
        return f"{version.label}: {version.title}"
    return f"{version.label}: {version.title} ({version.get_status_display().lower()}, cannot be used)"


class CycleForm(forms.Form):
    label = forms.CharField(
        label="Name", help_text='The round\'s name, such as "2027/28"', max_length=20,
        error_messages={"required": 'Enter a name such as "2027/28"'},
    )  # fmt: skip
    opens_on = _date("Opening date")
    closes_on = _date("Closing date")
    rubric_version = forms.ModelChoiceField(
        label="Rubric version",
        help_text="The published version the cycle's self-assessments are answered against",
        queryset=RubricVersion.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the rubric version the cycle uses"},
    )
    scope = forms.ChoiceField(
        label="Which organisations does the cycle ask?",
        choices=AssessmentCycle.Scope.choices,
        widget=forms.RadioSelect,
        initial=AssessmentCycle.Scope.ALL,
        error_messages={"required": "Choose which organisations the cycle asks"},
    )
    scope_types = forms.MultipleChoiceField(
        label="Types of organisation", help_text="Only if you chose organisations of some types",
        choices=Organisation.Type.choices, widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    scope_regions = forms.MultipleChoiceField(
        label="Regions", help_text="Only if you chose organisations in some regions",
        choices=Organisation.Region.choices, widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    scope_organisations = forms.ModelMultipleChoiceField(
        label="Organisations", help_text="Only if you chose organisations one by one",
        queryset=Organisation.objects.order_by("name"), widget=forms.CheckboxSelectMultiple, required=False,
    )  # fmt: skip
    reply_by_working_days = forms.IntegerField(
        label="Working days to answer CQC's questions",
        help_text="The reply-by date CQC suggests when it returns a self-assessment with questions",
        initial=10, min_value=1, max_value=60, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the working days organisations have to answer questions",
            "invalid": "Enter the working days as a whole number, such as 10",
            "min_value": "The reply-by period must be from 1 to 60 working days",
            "max_value": "The reply-by period must be from 1 to 60 working days",
        },
    )  # fmt: skip
    factual_accuracy_days = forms.IntegerField(
        label="Days to comment on a draft outcome",
        help_text="The factual-accuracy deadline CQC suggests when it shares a draft outcome",
        initial=14, min_value=1, max_value=60, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the days organisations have to comment on a draft outcome",
            "invalid": "Enter the days as a whole number, such as 14",
            "min_value": "The factual-accuracy period must be from 1 to 60 days",
            "max_value": "The factual-accuracy period must be from 1 to 60 days",
        },
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Every version is offered so that picking one by its address still gets a plain refusal
        # from the service; the published ones come first, and only they are labelled usable.
        versions = RubricVersion.objects.order_by("-status", "-label")
        self.fields["rubric_version"].queryset = versions
        self.fields["rubric_version"].label_from_instance = _version_label
        published = versions.filter(status=RubricVersion.Status.PUBLISHED).first()
        if published is not None:
            self.fields["rubric_version"].initial = published.pk
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("label", field_width=10),
            Field("opens_on", legend_size=Size.SMALL),
            Field("closes_on", legend_size=Size.SMALL),
            Field.radios("rubric_version", legend_size=Size.SMALL),
            Fieldset(
                Field.radios("scope", legend_size=Size.SMALL),
                Field.checkboxes("scope_types", legend_size=Size.SMALL, small=True),
                Field.checkboxes("scope_regions", legend_size=Size.SMALL, small=True),
                Field.checkboxes("scope_organisations", legend_size=Size.SMALL, small=True),
                legend="Organisations in scope",
                legend_size=Size.MEDIUM,
            ),
            Field.text("reply_by_working_days", field_width=2),
            Field.text("factual_accuracy_days", field_width=2),
            _button("Create the cycle"),
        )


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that nobody can start or submit a self-assessment in this cycle once closed",
        error_messages={"required": "Confirm that you want to close the cycle"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("confirm"), Button("submit", "Close the cycle", css_class="govuk-button--warning")
        )


class ProgressFilterForm(forms.Form):
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "All regions"), *Organisation.Region.choices]
    )
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types"), *Organisation.Type.choices]
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All statuses")])

    def __init__(self, *args, statuses=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "All statuses"), *statuses]
