from __future__ import annotations

import pytest

from tests.notifications.servers import NotifyServer, SmtpServer


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and Django's SMTP backend pointed at it."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


# A key in Notify's format: name, service id, secret key.
NOTIFY_KEY = "portal_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
RECEIPT_TEMPLATE_ID = "a7c3b1e2-5d4f-4e6a-9b8c-0d1e2f3a4b5c"


@pytest.fixture
def notify_server(settings):
    """A loopback server answering as GOV.UK Notify, and the Notify backend pointed at it."""
    server = NotifyServer().start()
    settings.EMAIL_BACKEND = "notifications.notify_backend.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = NOTIFY_KEY
    settings.NOTIFY_BASE_URL = server.url
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.NOTIFY_TEMPLATE_IDS = {"submission_receipt": RECEIPT_TEMPLATE_ID}
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
