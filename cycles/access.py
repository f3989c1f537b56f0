"""Who may manage cycles and see national progress."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from organisations.roles import is_assessor

CYCLE_MANAGERS = "Cycle managers"


def is_cycle_manager(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Holds `assessments.manage_cycles` (the "Cycle managers" group, made by a migration)."""
    return user.is_authenticated and user.has_perm("assessments.manage_cycles")


def can_see_progress(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Cycle managers and CQC assessors read cycles and national progress."""
    return is_cycle_manager(user) or is_assessor(user)
