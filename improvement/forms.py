"""The improvement plan's forms, laid out with the GOV.UK template pack. The rules are
`services.validate`'s, which the forms call so that each message sits beside its field."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Size
from django import forms
from django.utils.html import format_html

from engagement_portal.lib.forms import submit_button
from evidence.forms import clean_date_parts, evidence_date_field
from improvement import plan as plan_module
from improvement import services
from improvement.models import Action
from organisations.models import Organisation
from principles.models import RubricVersion


def _due_field():
    field = evidence_date_field("Due date", "For example, 31 3 2027", required=True)
    field.error_messages["required"] = "Enter the date the action is due"
    clean_date_parts(field)
    return field


class ActionForm(forms.Form):
    what = forms.CharField(
        label="What will be done",
        max_length=services.WHAT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One change you will make, in words a board member would follow.",
        error_messages={
            "required": "Say what will be done",
            "max_length": f"What will be done must be {services.WHAT_MAX:,} characters or fewer",
        },
    )
    criteria = forms.MultipleChoiceField(
        label="Criteria it will improve",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "required": "Choose at least one criterion the action will improve",
            "invalid_choice": "Criterion %(value)s is not in the rubric your plan uses. Choose criteria from "
            "the list",
        },
    )
    owner = forms.TypedChoiceField(
        label="Owner",
        coerce=int,
        help_text="Who makes sure it happens: one of your organisation's people or a partner's.",
        error_messages={
            "required": "Choose an owner",
            "invalid_choice": "Choose an owner from your organisation's people or its system "
            "partners' people",
        },
    )

    def __init__(
        self,
        data=None,
        *,
        organisation: Organisation,
        version: RubricVersion | None,
        action: Action | None = None,
        owners: list[tuple[int, str]] | None = None,
        initial: dict | None = None,
        submit: str = "Save action",
    ):
        self.organisation, self.version, self.action = organisation, version, action
        if action is not None and initial is None:
            initial = {
                "what": action.what,
                "criteria": action.criterion_codes,
                "owner": action.owner_id,
                "due_on": action.due_on,
            }
        super().__init__(data, initial=initial or {})
        self.fields["due_on"] = _due_field()
        choices = services.criterion_choices(version, keep=action.criterion_codes if action else [])
        self.fields["criteria"].choices = [
            Choice(
                code,
                code,
                hint=text
                if in_rubric
                else f"{plan_module.NO_LONGER.capitalize()}: kept so this action is not lost. "
                "Untick it to let it go.",
            )
            for code, text, in_rubric in choices
        ]
        self.owners = owners if owners is not None else plan_module.owners(organisation)
        self.fields["owner"].choices = [("", "Choose an owner"), *self.owners]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("what", label_size=Size.MEDIUM, rows=4),
            Field("owner", context={"label_size": Size.for_label(Size.MEDIUM)}),
            Field("due_on", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            Field.checkboxes("criteria", legend_size=Size.MEDIUM, small=True),
            submit_button(submit),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        errors = services.validate(
            self.organisation, self.data_for_service(), version=self.version, action=self.action
        )
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned

    def data_for_service(self) -> services.ActionData:
        d = self.cleaned_data
        return services.ActionData(
            criterion_codes=list(d.get("criteria") or []),
            what=d.get("what", ""),
            owner_id=d.get("owner"),
            due_on=d.get("due_on"),
        )


class ProgressForm(forms.Form):
    body = forms.CharField(
        label="How is it going?",
        max_length=services.UPDATE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has happened since the last update, and what difference it has made.",
        error_messages={
            "required": "Say how the action is going",
            "max_length": f"The update must be {services.UPDATE_MAX:,} characters or fewer",
        },
    )
    status = forms.ChoiceField(
        label="Where has it got to?",
        widget=forms.RadioSelect,
        choices=[
            (Action.Status.PLANNED, "Planned: not started yet"),
            (Action.Status.IN_PROGRESS, "In progress"),
            (Action.Status.DONE, "Done"),
        ],
        error_messages={
            "required": "Choose where the action has got to",
            "invalid_choice": "Choose planned, in progress or done",
        },
    )

    def __init__(self, data=None, *, action: Action, back: str = ""):
        super().__init__(
            data, initial={"status": action.status if action.status in Action.OPEN else Action.Status.DONE}
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        layout = [
            Field.textarea("body", label_size=Size.MEDIUM, rows=5),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            submit_button("Save progress update"),
        ]
        if back:
            # Back to the criterion page it was asked for on (checked again by the view).
            layout.insert(0, HTML(format_html('<input type="hidden" name="back" value="{}">', back)))
        self.helper.layout = Layout(*layout)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        choices=Action.Status.choices,
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status from the list"},
    )
    reason = forms.CharField(
        label="If you are dropping it, why?",
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you drop an action: for example, a partner is now doing it, or it no "
        "longer applies.",
        error_messages={"max_length": f"The reason must be {services.REASON_MAX:,} characters or fewer"},
    )

    def __init__(self, data=None, *, action: Action):
        super().__init__(data, initial={"status": action.status, "reason": action.dropped_reason})
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.SMALL, rows=3),
            submit_button("Save status"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("status") == Action.Status.DROPPED and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the action is being dropped")
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why are you declining it?",
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="CQC and next year's assessor will read this beside the area they named.",
        error_messages={
            "required": "Say why you are declining this area for improvement",
            "max_length": f"The reason must be {services.REASON_MAX:,} characters or fewer",
        },
    )

    def __init__(self, data=None):
        super().__init__(data)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.MEDIUM, rows=4), submit_button("Decline it")
        )
