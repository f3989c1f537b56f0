from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from assessments.roles import is_assessor


def portal(request: HttpRequest) -> dict:
    """What the page layout needs on every page: the service name and the navigation.

    Navigation depends on the person's roles. Hiding a link is a courtesy, never the access
    check: every view checks again on the server.
    """
    user = getattr(request, "user", None)
    navigation: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        navigation.append((reverse("home"), "Home"))
        if is_assessor(user) or user.memberships.exists():
            navigation.append((reverse("organisation_list"), "Organisations"))
        navigation.append((reverse("rubric_current"), "Rubric"))
        if user.is_staff:
            navigation.append((reverse("admin:index"), "Site administration"))
        navigation.append((reverse("account"), "Your account"))
    return {
        "service_name": settings.SERVICE_NAME,
        "feedback_email": settings.FEEDBACK_EMAIL,
        "navigation": [
            {
                "url": url,
                "label": label,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
            }
            for url, label in navigation
        ],
    }
