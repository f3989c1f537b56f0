"""The filters of the activity page and the audit search: GET forms in the GOV.UK pattern, with
an error summary for dates that are not real dates."""

from __future__ import annotations

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from engagement_portal.lib.forms import GovukDateField, select


class EventDateField(GovukDateField):
    """A GOV.UK date input with plain-English messages, for filtering by day."""

    def __init__(self, label: str, help_text: str) -> None:
        super().__init__(label=label, help_text=help_text, required=False, require_all_fields=False)
        self.error_messages.update(
            incomplete="Enter the day, month and year", invalid="Enter a real date, for example 12 3 2026"
        )
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.required = True
            part.error_messages["incomplete"] = f"The date must include a {name}"
            part.validators[0].message = "Enter the date as numbers, for example 12 3 2026"


class _EventFilterForm(forms.Form):
    """The date range both pages share; subclasses add their own fields and the layout."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"] = EventDateField("From", "For example, 1 4 2026")
        self.fields["date_to"] = EventDateField("To", "For example, 30 4 2026")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and start > end:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data

    def dates_layout(self) -> Fieldset:
        return Fieldset(
            Field("date_from", fieldset=True, legend_size=Size.SMALL),
            Field("date_to", fieldset=True, legend_size=Size.SMALL),
            legend="When",
            legend_size=Size.SMALL,
        )

    def _helper(self, *fields) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "get"
        helper.attrs = {"novalidate": ""}
        helper.layout = Layout(
            *fields,
            self.dates_layout(),
            Button("apply", "Apply filters", css_class="govuk-button--secondary"),
        )
        return helper

    def filters(self) -> dict:
        """The valid filters (an invalid one is shown with its error and not applied)."""
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}


class ActivityFilterForm(_EventFilterForm):
    kind = forms.ChoiceField(label="Kind of event", required=False)
    person = forms.ChoiceField(label="Person", required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], people: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *kinds]
        self.fields["person"].choices = [("", "Anyone"), *people]
        self.helper = self._helper(select("kind"), select("person"))


class AuditSearchForm(_EventFilterForm):
    q = forms.CharField(label="Words in the summary", required=False, max_length=200)
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=150,
        help_text="Their username, or part of it",
    )
    organisation = forms.ChoiceField(label="Organisation", required=False)
    action = forms.ChoiceField(label="Kind of event", required=False)

    def __init__(
        self, *args, organisations: list[tuple[str, str]], actions: list[tuple[str, str]], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Any organisation"), *organisations]
        self.fields["action"].choices = [("", "Any kind"), *actions]
        self.helper = self._helper(
            Field.text("q", label_size=Size.SMALL),
            Field.text("person", label_size=Size.SMALL),
            select("organisation"),
            select("action"),
        )
