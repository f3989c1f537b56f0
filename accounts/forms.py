"""Forms for signing in and passwords, in the GOV.UK template pack."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.validators import MaxLengthValidator

from engagement_portal.lib.forms import submit_button


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
        # Django's form sets the username's max_length after the field is built, so nothing
        # enforces it: an over-long username went on to authenticate() and to django-axes,
        # whose record of the attempt holds 255 characters, and PostgreSQL refused it (a 500).
        longest = self.fields["username"].max_length
        self.fields["username"].validators.append(
            MaxLengthValidator(longest, message=f"Username must be {longest} characters or fewer")
        )
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


PASSWORD_MISMATCH = "The two passwords do not match. Enter the same password twice."  # noqa: S105 - an error message, not a password


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
