"""CQC staff roles, as Django groups with permissions.

Organisation roles (lead / contributor / viewer) live on Membership rows. CQC assessors and
rubric admins are not members of any organisation; they are Django groups, created by the
migration `0002_staff_groups`, and checked by permission rather than by group name so that a
site admin can grant a single permission to one person when needed.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CQC_ASSESSORS = "CQC assessors"
RUBRIC_ADMINS = "Rubric admins"


def is_assessor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("assessments.review_assessments")


def is_rubric_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("assessments.edit_rubrics")


def is_site_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Site admins run the portal: Django staff (site administration) who may read the audit
    trail. A staff account given only some admin permissions is not one."""
    return user.is_authenticated and user.is_staff and user.has_perm("audit.view_auditevent")
