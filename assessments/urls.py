from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.http import require_http_methods

from assessments import evidence_citing, forms, report_views, two_factor_views, views
from assessments import self_assessment_views as sa

# Django's form views treat PUT as POST; nothing here needs more than GET and POST.
GET_POST = {"http_method_names": ["get", "post", "head", "options"]}

urlpatterns = [
    path("account/", views.account, name="account"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<str:code>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<str:code>/people/<int:membership_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
    # Self-assessments: an organisation's, one per cycle (the cycle's slug, such as 2026-27).
    path("organisations/<str:code>/assessments/", sa.assessment_list, name="assessment_list"),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/start/",
        sa.assessment_start,
        name="assessment_start",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/",
        sa.assessment_overview,
        name="assessment_overview",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/criteria/<str:criterion>/",
        sa.assessment_criterion,
        name="assessment_criterion",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/criteria/<str:criterion>/evidence/add/",
        sa.citation_add,
        name="citation_add",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/criteria/<str:criterion>/evidence/"
        "<int:citation_id>/remove/",
        sa.citation_remove,
        name="citation_remove",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/evidence/<int:item_id>/cite/",
        evidence_citing.evidence_cite_criterion,
        name="evidence_cite_criterion",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/check/",
        sa.assessment_check,
        name="assessment_check",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submit/",
        sa.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/history/",
        sa.assessment_history,
        name="assessment_history",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/",
        sa.submission_list,
        name="submission_list",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/<int:number>/",
        sa.submission_detail,
        name="submission_detail",
    ),
    # The PDF report: the assessment as it stands (a draft, or its latest submission), and
    # each submission's.
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/report.pdf",
        report_views.assessment_report,
        name="assessment_report",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/<int:number>/report.pdf",
        report_views.submission_report,
        name="submission_report",
    ),
    path(
        "organisations/<str:code>/assessments/<slug:cycle>/submissions/<int:number>/report/",
        report_views.submission_report_status,
        name="submission_report_status",
    ),
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
