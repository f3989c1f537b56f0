from django.contrib.auth import views as auth_views
from django.urls import path

from assessments import forms, views

urlpatterns = [
    path("account/", views.account, name="account"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<str:code>/people/<int:membership_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
    # Signing in and passwords: Django's views (already exempt from the sign-in requirement),
    # with GOV.UK forms and templates.
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=forms.SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=forms.ChangePasswordForm),
        name="password_change",
    ),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.ResetRequestForm),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
