"""Forms for signing in, passwords and team roles, laid out with the GOV.UK template pack."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth import forms as auth_forms

from assessments.models import Membership


def submit_button(label: str) -> Button:
    """The one primary button of a form; GOV.UK Frontend stops it submitting twice."""
    return Button("submit", label, data_prevent_double_click="true")


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        # The same message whether the username or the password is wrong: saying which would
        # tell an attacker which usernames exist.
        "invalid_login": "Enter a correct username and password. Both are case sensitive.",
        "inactive": "This account has been deactivated. Contact your site administrator.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # GOV.UK advice: autofocus moves screen-reader users past the page's introduction.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=20),
            Field("password", autocomplete="current-password"),
            submit_button("Sign in"),
        )


class ResetRequestForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields[
            "email"
        ].help_text = "The address your account uses. We will email you a link to set a new password."
        self.fields["email"].error_messages.update(
            required="Enter your email address",
            invalid="Enter an email address in the correct format, like name@example.org",
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("email", autocomplete="email", spellcheck="false"), submit_button("Send link")
        )


def _label_new_password_fields(form: forms.Form) -> None:
    """Plain-English labels and messages for the new-password pair (Django's mention
    "verification" and list every validator rule)."""
    form.fields["new_password1"].label = "New password"
    form.fields[
        "new_password1"
    ].help_text = "At least 12 characters. A few unrelated words make a strong password."
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "Confirm new password"
    form.fields["new_password2"].help_text = ""
    form.fields["new_password2"].error_messages["required"] = "Enter the new password again"


PASSWORD_MISMATCH = "The two passwords do not match. Enter the same password twice."  # noqa: S105


class NewPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {**auth_forms.SetPasswordForm.error_messages, "password_mismatch": PASSWORD_MISMATCH}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters. A few unrelated words make a strong password."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = FormHelper()
        self.helper.layout = Layout("new_password1", "new_password2", submit_button("Set password"))


class ChangePasswordForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": "Your current password is not right. Enter it again.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters. A few unrelated words make a strong password."
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "old_password", "new_password1", "new_password2", submit_button("Change password")
        )


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
