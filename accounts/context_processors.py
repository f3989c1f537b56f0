from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from organisations.access import memberships_of
from organisations.models import Membership
from organisations.roles import is_assessor, is_site_admin


def portal(request: HttpRequest) -> dict:
    """What the page layout needs on every page: the service name and the navigation.

    Navigation depends on the person's roles. Hiding a link is a courtesy, never the access
    check: every view checks again on the server.
    """
    user = getattr(request, "user", None)
    navigation: list[tuple[str, str]] = []
    # Someone still owing the second factor (accounts/two_factor.py) can go nowhere else yet,
    # so gets no links; their pages offer signing out.
    if user is not None and user.is_authenticated and not getattr(request, "second_factor_pending", None):
        navigation.append((reverse("home"), "Home"))
        # Members' own assessments and evidence library (the first organisation's, for someone in
        # several), from the memberships the page itself reads (one query a request).
        membership = next(iter(memberships_of(user)), None)
        if is_assessor(user) or membership is not None:
            navigation.append((reverse("organisation_list"), "Organisations"))
        if membership is not None:
            navigation.append(
                (reverse("assessment_list", kwargs={"code": membership.organisation.code}), "Assessments")
            )
            navigation.append(
                (reverse("evidence_library", kwargs={"code": membership.organisation.code}), "Evidence")
            )
            navigation.append(
                (reverse("activity_list", kwargs={"code": membership.organisation.code}), "Engagement")
            )
            navigation.append(
                (reverse("survey_list", kwargs={"code": membership.organisation.code}), "Surveys")
            )
            if membership.role == Membership.Role.LEAD:
                navigation.append(
                    (
                        reverse("organisation_activity", kwargs={"code": membership.organisation.code}),
                        "Audit log",
                    )
                )
        if is_assessor(user):
            navigation.append((reverse("review_queue"), "Reviews"))
        if is_assessor(user) or user.has_perm("assessments.manage_cycles"):
            navigation.append((reverse("cycle_list"), "Cycles"))
        navigation.append((reverse("rubric_current"), "Rubric"))
        if user.is_staff:
            navigation.append((reverse("admin:index"), "Site administration"))
        if is_site_admin(user):
            navigation.append((reverse("audit_search"), "Audit trail"))
        navigation.append((reverse("account"), "Your account"))
    # Only the most specific link is the current one: an evidence page is under "Organisations" too.
    matches = [
        url for url, _ in navigation if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(matches, key=len, default=None)
    return {
        "service_name": settings.SERVICE_NAME,
        "feedback_email": settings.FEEDBACK_EMAIL,
        "navigation": [
            {
                "url": url,
                "label": label,
                "active": url == current,
            }
            for url, label in navigation
        ],
    }
