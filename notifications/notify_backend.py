"""A Django email backend that sends through GOV.UK Notify (notifications-python-client).

Chosen by settings when NOTIFY_API_KEY is set (EMAIL_BACKEND). Notify sends from templates kept
in the Notify service: each of ours has two placeholders, ((subject)) and ((body)), filled with
the portal's own subject line and plain-text body. One template (NOTIFY_TEMPLATE_ID) serves every
kind; NOTIFY_TEMPLATE_IDS ("kind=template-id,kind=template-id") gives a kind a template of its
own (with the same two placeholders), so Notify's dashboard counts them apart.

Notify's errors: 400 (a bad request, such as an address it refuses) and 403 (a bad key) will not
go away by trying again, so they raise PermanentDeliveryError and the notification is marked
failed at once; 429 (rate limit), 5xx and network errors raise and are tried again later.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from notifications.tasks import KIND_HEADER, REFERENCE_HEADER, PermanentDeliveryError

PERMANENT_STATUSES = frozenset({400, 403})


class NotifyDeliveryError(Exception):
    """Notify did not accept the message; it may accept it later."""


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.EMAIL_TIMEOUT
        )

    def template_for(self, kind: str) -> str:
        return settings.NOTIFY_TEMPLATE_IDS.get(kind) or settings.NOTIFY_TEMPLATE_ID

    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            kind = message.extra_headers.get(KIND_HEADER, "")
            reference = message.extra_headers.get(REFERENCE_HEADER)
            for address in message.recipients():
                try:
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=self.template_for(kind),
                        personalisation={"subject": message.subject, "body": message.body},
                        reference=reference,
                    )
                except HTTPError as error:
                    if self.fail_silently:
                        continue
                    status = getattr(error, "status_code", None)
                    detail = f"GOV.UK Notify answered {status}: {getattr(error, 'message', error)}"
                    if status in PERMANENT_STATUSES:
                        raise PermanentDeliveryError(detail) from error
                    raise NotifyDeliveryError(detail) from error
                except Exception as error:  # network errors, timeouts
                    if self.fail_silently:
                        continue
                    raise NotifyDeliveryError(
                        f"Could not reach GOV.UK Notify: {type(error).__name__}"
                    ) from error
                sent += 1
        return sent
