"""Forms about an organisation's people, in the GOV.UK template pack."""

from __future__ import annotations

import re

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from engagement_portal.lib.forms import submit_button
from organisations.models import Invitation, Membership, Organisation
from organisations.roles import ROLE_DESCRIPTIONS
from organisations.services import INVITATIONS_AT_ONCE


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


# ---------------------------------------------------------------------------------------------
# Invitations

ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


class InviteForm(forms.Form):
    """Several email addresses, one role (and, for contributors and viewers, perhaps a partner)."""

    emails = forms.CharField(
        label="Email addresses",
        help_text=f"One address per line, or separated by commas. Up to {INVITATIONS_AT_ONCE} at once.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Enter at least one email address"},
        max_length=5000,
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role from the list"},
    )
    partner = forms.ChoiceField(
        label="Do they speak for a partner organisation?",
        required=False,
        help_text="People from a partner, such as Healthwatch or a trust, contribute to this "
        "organisation's self-assessment; their answers show the partner's name beside theirs.",
        error_messages={"invalid_choice": "Select a partner from the list"},
    )

    def __init__(self, *args, roles: list[str], partners: list[Organisation] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partners = {str(p.pk): p for p in partners or []}
        self.fields["role"].choices = [
            Choice(role, Invitation.Role(role).label, hint=ROLE_DESCRIPTIONS[role]) for role in roles
        ]
        fields = [Field.textarea("emails"), Field.radios("role", legend_size=Size.MEDIUM)]
        if self.partners:
            self.fields["partner"].choices = [("", "No, they are this organisation's own people")] + [
                (pk, partner.name) for pk, partner in self.partners.items()
            ]
            fields.append(Field.select("partner"))
        else:
            del self.fields["partner"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields, submit_button("Send invitations"))

    def clean_emails(self) -> list[str]:
        raw = [part for part in ADDRESS_SEPARATORS.split(self.cleaned_data["emails"]) if part]
        if not raw:
            raise forms.ValidationError("Enter at least one email address")
        wrong = []
        for address in raw:
            try:
                validate_email(address)
            except ValidationError:
                wrong.append(address)
        if wrong:
            shown = ", ".join(wrong[:5]) + (" and others" if len(wrong) > 5 else "")
            raise forms.ValidationError(
                f"Enter email addresses in the correct format, like name@example.org. Not an address: {shown}"
            )
        addresses = list(dict.fromkeys(address.lower() for address in raw))
        if len(addresses) > INVITATIONS_AT_ONCE:
            raise forms.ValidationError(f"Enter at most {INVITATIONS_AT_ONCE} email addresses at once")
        return addresses

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partner") and cleaned.get("role") == Invitation.Role.LEAD:
            self.add_error("partner", "A partner's person can be a contributor or a viewer, not a lead")
        return cleaned

    def partner_chosen(self) -> Organisation | None:
        return self.partners.get(self.cleaned_data.get("partner") or "")


class NewAccountForm(forms.Form):
    """An invited person with no account: their name and a password."""

    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter your last name"}
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few unrelated words make a strong password.",
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("first_name", field_width=20, autocomplete="given-name"),
            Field.text("last_name", field_width=20, autocomplete="family-name"),
            "password1",
            "password2",
            submit_button("Create your account and join"),
        )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords do not match. Enter the same password twice.")
        elif first:
            person = get_user_model()(
                username=self.email,
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, person)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
