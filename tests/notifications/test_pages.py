"""The account page's choice of emails, and failed notifications in site administration."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import Kind, Notification
from notifications.tasks import send_notification

pytestmark = pytest.mark.django_db


def test_account_page_links_to_the_choices(client, cast):
    client.force_login(cast.lead_a)
    page = client.get(reverse("account")).content.decode()
    assert reverse("email_choices") in page


def test_choices_start_all_on_and_are_saved(client, cast):
    client.force_login(cast.assessor)
    page = client.get(reverse("email_choices")).content.decode()
    assert page.count(" checked") == 6
    response = client.post(reverse("email_choices"), {"wanted": ["assigned", "fa_comment"]})
    assert response.status_code == 302
    assert services.turned_off(cast.assessor) == {
        "submitted_for_review",
        "resubmitted",
        "member_added",
        "member_removed",
    }
    page = client.get(reverse("email_choices")).content.decode()
    assert page.count(" checked") == 2
    # Nothing chosen: everything optional off; essential kinds cannot be turned off at all.
    client.post(reverse("email_choices"), {})
    assert Kind.SUBMISSION_RECEIPT not in services.turned_off(cast.assessor)
    assert len(services.turned_off(cast.assessor)) == 6


def test_a_made_up_choice_gets_an_error_summary(client, cast):
    client.force_login(cast.lead_a)
    response = client.post(reverse("email_choices"), {"wanted": ["submission_receipt"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Error: " in page
    assert services.turned_off(cast.lead_a) == set()


def test_site_admins_see_failed_notifications_and_send_them_again(client, cast, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_pages.RefusingBackend"
    [notification] = services.notify(
        Kind.ASSIGNED,
        [cast.assessor],
        about="Alderley 2026/27",
        about_key="assessment:1",
        context={"organisation": "Alderley", "cycle": "2026/27", "assigned_by": "Someone"},
    )
    Notification.objects.filter(pk=notification.pk).update(attempts=4)
    send_notification.call(notification.pk)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    client.force_login(cast.site_admin)
    listing = client.get(reverse("admin:notifications_notification_changelist") + "?status__exact=failed")
    assert listing.status_code == 200
    assert cast.assessor.email in listing.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_again", "_selected_action": [notification.pk]},
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    # Queued again; the immediate backend sends it once the action's transaction commits.
    assert notification.status in {Notification.Status.QUEUED, Notification.Status.SENT}


class RefusingBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")
