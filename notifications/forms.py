from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from notifications.models import OPTIONAL_KINDS

# What each optional email says, in the words of the people who get it.
OPTIONAL_LABELS = {
    "submitted_for_review": "A self-assessment you may review was submitted (CQC assessors)",
    "assigned": "A review was assigned to you (CQC assessors)",
    "resubmitted": "An organisation answered your questions and resubmitted (CQC assessors)",
    "fa_comment": "An organisation commented on a draft outcome's factual accuracy (CQC assessors)",
    "member_added": "You were added to an organisation",
    "member_removed": "You were removed from an organisation",
}


class EmailChoicesForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label="Which of these emails do you want?",
        help_text="Select all that apply.",
        choices=[(kind.value, OPTIONAL_LABELS[kind.value]) for kind in OPTIONAL_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("wanted", legend_size=Size.MEDIUM),
            Button("submit", "Save your choices", data_prevent_double_click="true"),
        )
