"""Signing in and out, in the audit trail: Django's and django-axes' signals, recorded.

Connected in `AccountsConfig.ready`. The second factor's events are recorded by its views
(`two_factor_views.py`).
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from audit.services import record


def signed_in(sender, request, user, **kwargs) -> None:
    from accounts import two_factor

    if two_factor.has_two_factor(user):
        summary, step = "Password accepted; the second factor comes next", "code"
    elif two_factor.needs_two_factor(user):
        summary, step = "Password accepted; must set up two-factor authentication next", "set up"
    else:
        summary, step = "Signed in", "none"
    record("auth.sign_in", summary, actor=user, request=request, detail={"second_factor": step})


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password (or unknown username). Nobody is the actor: the username is only what was
    typed, and may not exist."""
    username = str(credentials.get("username", ""))[:150]
    record(
        "auth.sign_in_failed",
        f"Failed sign-in for “{username}”",
        request=request,
        detail={"username": username},
    )


def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record("auth.sign_out", "Signed out", actor=user, request=request)


def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    record(
        "auth.locked_out",
        f"Sign-in for “{username}” locked for {minutes} minutes after "
        f"{settings.AXES_FAILURE_LIMIT} wrong passwords",
        request=request,
        detail={"username": username, "ip": ip_address},
    )


SIGNED_IN_UID = "audit_signed_in"


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid=SIGNED_IN_UID)
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit_sign_in_failed")
    user_logged_out.connect(signed_out, dispatch_uid="audit_signed_out")
    user_locked_out.connect(locked_out, dispatch_uid="audit_locked_out")
