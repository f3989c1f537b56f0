"""The emails organisations send: an invitation, with Django's email framework.

Sent after the transaction commits (services.py arranges it). Listeners of
`signals.invitation_created` (such as a notifications app) get the same link.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from organisations.models import Invitation
from organisations.roles import ROLE_DESCRIPTIONS


def send_invitation(invitation: Invitation, link: str) -> None:
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "link": link,
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "role_label": invitation.get_role_display(),
        "role_description": ROLE_DESCRIPTIONS[invitation.role],
        "service_name": settings.SERVICE_NAME,
    }
    subject = " ".join(render_to_string("organisations/email/invitation_subject.txt", context).split())
    body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
