"""Forms about an organisation's people, in the GOV.UK template pack."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from engagement_portal.lib.forms import submit_button
from organisations.models import Membership


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]
        widgets = {"role": forms.RadioSelect}
        labels = {"role": "Role"}
        help_texts = {
            "role": "Leads run and submit the assessment and manage the team. Contributors write "
            "answers and upload evidence. Viewers can read everything but change nothing.",
        }
        error_messages = {
            "role": {"required": "Select a role", "invalid_choice": "Select a role from the list"}
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Without a default the model field offers a blank "---------" radio; a role is required.
        self.fields["role"].choices = Membership.Role.choices
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.radios("role", legend_size=Size.MEDIUM), submit_button("Save role"))

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        membership = self.instance
        # An organisation must always have a lead: someone has to be able to submit.
        if membership.role == Membership.Role.LEAD and role != Membership.Role.LEAD:
            other_leads = Membership.objects.filter(
                organisation=membership.organisation, role=Membership.Role.LEAD
            ).exclude(pk=membership.pk)
            if not other_leads.exists():
                raise forms.ValidationError(
                    "This person is the organisation's only lead. Make someone else a lead first."
                )
        return role
