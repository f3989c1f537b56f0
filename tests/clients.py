"""The test client the `client` fixture gives (tests/conftest.py explains why)."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY


class PortalClient(Client):
    """Django's test client, with `force_login` signing in verified (see tests/conftest.py)."""

    def force_login(self, user, backend=None) -> None:
        super().force_login(user, backend)
        from assessments.two_factor import authenticator

        device = authenticator(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    def force_login_unverified(self, user, backend=None) -> None:
        """Signed in with the password only: the second factor still to come."""
        super().force_login(user, backend)
