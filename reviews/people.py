"""CQC's assessors, for the review pages' lists and for the notes they are sent (notices.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from organisations.roles import REVIEW_ASSESSMENTS


def assessors(*, superusers: bool = True):
    """Everyone who may review, for the assign and filter lists: the active people holding the
    permission `is_assessor` checks (through a group or their own) and active superusers, as
    Django's ModelBackend grants it. One query, however many people use the portal.
    `superusers=False` leaves out superusers who hold the permission only by being superusers
    (site admins): the notes "a self-assessment waits for review" go to assessors."""
    user_model = get_user_model()
    app_label, codename = REVIEW_ASSESSMENTS
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).values("pk")
    in_group = user_model.groups.through.objects.filter(group__permissions__in=permission)
    granted = user_model.user_permissions.through.objects.filter(permission__in=permission)
    holders = Q(pk__in=in_group.values("user_id")) | Q(pk__in=granted.values("user_id"))
    if superusers:
        holders |= Q(is_superuser=True)
    return list(
        user_model.objects.filter(is_active=True)
        .filter(holders)
        .order_by("first_name", "last_name", "username")
    )
