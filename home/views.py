"""The home page each person lands on, gathering what their roles let them do.

At the top of the house (README, Architecture): it may read every app's data to say what to do
next, and no app imports it. What each role does is said in one sentence; what waits for the
person comes from `home/sections.py`.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cycles.access import is_cycle_manager
from home.sections import sections_for
from organisations.access import memberships_of
from organisations.models import Membership
from organisations.roles import is_assessor, is_rubric_admin, is_site_admin

MEMBER_ROLES = {
    Membership.Role.LEAD: "You lead {org}'s self-assessment of its public engagement: you and its "
    "contributors answer it, and you submit it to CQC.",
    Membership.Role.CONTRIBUTOR: "You help answer {org}'s self-assessment of its public engagement "
    "and add its evidence; its leads submit it to CQC.",
    Membership.Role.VIEWER: "You can read {org}'s self-assessment of its public engagement, its "
    "evidence and CQC's outcome, but not change them.",
}
SEVERAL_ORGANISATIONS = (
    "What you can do depends on your role in each organisation: leads run the self-assessment and "
    "submit it to CQC, contributors help answer it and add evidence, and viewers read it."
)
STAFF_ROLES = [
    (
        is_assessor,
        "As a CQC assessor you review the self-assessments organisations submit: you score them, "
        "ask questions, and share and finalise CQC's outcome.",
    ),
    (
        is_cycle_manager,
        "As a cycle manager you open each year's assessment cycle, set its dates and the "
        "organisations it asks, and follow national progress.",
    ),
    (
        is_rubric_admin,
        "As a rubric admin you keep the wording of the 8 principles, their criteria and level "
        "descriptors, and publish new rubric versions.",
    ),
    (
        is_site_admin,
        "As a site admin you look after organisations and people: you invite organisations' first "
        "leads and CQC's staff, and read the audit trail.",
    ),
]


def role_sentences(user, memberships: list[Membership]) -> list[str]:
    """One sentence for each thing this person does on the portal."""
    sentences = []
    if len(memberships) == 1:
        membership = memberships[0]
        sentences.append(MEMBER_ROLES[membership.role].format(org=membership.organisation.name))
    elif memberships:
        sentences.append(SEVERAL_ORGANISATIONS)
    if user.is_superuser:
        # A superuser holds every permission: say what they are here for, and that the rest is open.
        sentences.append(STAFF_ROLES[-1][1])
        sentences.append(
            "You also hold every CQC permission, so you can review self-assessments, manage "
            "cycles and edit the rubric too."
        )
        return sentences
    sentences += [sentence for applies, sentence in STAFF_ROLES if applies(user)]
    return sentences


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on what their roles let them do, and what waits for them."""
    # The same list the navigation reads (organisations.access.memberships_of: once a request).
    memberships = memberships_of(request.user)
    return render(
        request,
        "home/home.html",
        {
            "memberships": memberships,
            "roles": role_sentences(request.user, memberships),
            # What to do next, section by section (home/sections.py).
            "sections": sections_for(request, memberships),
        },
    )
