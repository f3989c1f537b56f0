"""The test client the `client` fixture gives (tests/conftest.py explains why)."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.auth.signals import user_logged_in
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY


@contextmanager
def _no_sign_in_event():
    """force_login is a shortcut past the sign-in pages, not a sign-in: it leaves no "Signed in"
    event in the audit trail, so tests of the trail see only the events they make. (Signing in
    through the pages is recorded, and tests/security/test_sign_in_audit.py checks it.)"""
    from accounts import sign_in_audit

    user_logged_in.disconnect(dispatch_uid=sign_in_audit.SIGNED_IN_UID)
    try:
        yield
    finally:
        user_logged_in.connect(sign_in_audit.signed_in, dispatch_uid=sign_in_audit.SIGNED_IN_UID)


class PortalClient(Client):
    """Django's test client, with `force_login` signing in verified (see tests/conftest.py)."""

    def force_login(self, user, backend=None) -> None:
        with _no_sign_in_event():
            super().force_login(user, backend)
        from accounts.two_factor import authenticator

        device = authenticator(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    def force_login_unverified(self, user, backend=None) -> None:
        """Signed in with the password only: the second factor still to come."""
        with _no_sign_in_event():
            super().force_login(user, backend)
