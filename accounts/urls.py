from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts import forms, two_factor_views, views

# Django's form views treat PUT as POST; nothing here needs more than GET and POST.
GET_POST = {"http_method_names": ["get", "post", "head", "options"]}

urlpatterns = [
    path("account/", views.account, name="account"),
    # Signing in and passwords: Django's views (already exempt from the sign-in requirement),
    # with GOV.UK forms and templates.
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            **GET_POST, authentication_form=forms.SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor (two_factor.py): after the password, the code from an authenticator app
    # or a recovery code; setting up, recovery codes and turning off from the account page.
    path("sign-in/code/", two_factor_views.sign_in_code, name="sign_in_code"),
    path("sign-in/recovery-code/", two_factor_views.sign_in_recovery_code, name="sign_in_recovery_code"),
    path("account/two-factor/set-up/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("account/two-factor/turn-off/", two_factor_views.two_factor_turn_off, name="two_factor_turn_off"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(**GET_POST, form_class=forms.ChangePasswordForm),
        name="password_change",
    ),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(**GET_POST, form_class=forms.ResetRequestForm),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        # Its dispatch() answers an invalid link before the method check, so check here.
        require_http_methods(["GET", "POST"])(
            auth_views.PasswordResetConfirmView.as_view(**GET_POST, form_class=forms.NewPasswordForm)
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
