"""CQC staff roles, as Django groups with permissions.

Organisation roles (lead / contributor / viewer) live on Membership rows. CQC assessors and
rubric admins are not members of any organisation; they are Django groups, created by the
migration `assessments/0002_staff_groups`, and checked by permission rather than by group name
so that a site admin can grant a single permission to one person when needed.

The permissions are declared on Organisation (`organisations/models.py`), so their full names
are `organisations.review_assessments` and `organisations.edit_rubrics` (they were
`assessments.*` until Organisation moved here: `organisations/0002` moved them, with every
holder). Check them through these functions, never by spelling the name out.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CQC_ASSESSORS = "CQC assessors"
RUBRIC_ADMINS = "Rubric admins"

# (app label, codename) of each permission, for code that looks the Permission row up.
REVIEW_ASSESSMENTS = ("organisations", "review_assessments")
EDIT_RUBRICS = ("organisations", "edit_rubrics")
VIEW_ORGANISATION = ("organisations", "view_organisation")

# What each CQC staff group holds, as the data migration made them (tests rebuild the groups
# from this after emptying the database).
STAFF_GROUP_PERMISSIONS = {
    CQC_ASSESSORS: [REVIEW_ASSESSMENTS, VIEW_ORGANISATION],
    RUBRIC_ADMINS: [EDIT_RUBRICS],
}


def is_assessor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("{}.{}".format(*REVIEW_ASSESSMENTS))


def is_rubric_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("{}.{}".format(*EDIT_RUBRICS))


def is_site_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Site admins run the portal: Django staff (site administration) who may read the audit
    trail. A staff account given only some admin permissions is not one."""
    return user.is_authenticated and user.is_staff and user.has_perm("audit.view_auditevent")


# What each role does, in one sentence: on invitations, and at the top of each role's home page.
ROLE_DESCRIPTIONS = {
    "lead": "Leads run their organisation's self-assessment: they invite and remove people, share out "
    "the work, check what contributors mark ready, and submit the self-assessment to CQC.",
    "contributor": "Contributors answer the criteria they are given, upload and cite evidence, and mark "
    "each answer ready for the lead, who submits the self-assessment to CQC.",
    "viewer": "Viewers can read the self-assessment, its evidence and CQC's outcome, but cannot "
    "change anything.",
    "assessor": "CQC assessors review the self-assessments organisations submit, ask questions and score "
    "them against the same rubric.",
    "rubric_admin": "Rubric admins keep the wording of the principles, criteria and level descriptors.",
    "site_admin": "Site admins run the portal: they look after organisations and systems, invite their first "
    "leads and CQC's staff, and read the audit trail.",
}
