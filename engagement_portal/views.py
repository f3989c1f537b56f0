"""Project-wide pages: the home page each role lands on, health, and the accessibility statement."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from assessments.models import Organisation
from assessments.roles import is_assessor, is_rubric_admin

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on what their roles let them do: their organisations' work, the
    organisations CQC reviews, or the rubric."""
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    assessor = is_assessor(request.user)
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "is_assessor": assessor,
            "is_rubric_admin": is_rubric_admin(request.user),
            "organisations": Organisation.objects.order_by("name") if assessor else None,
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request's context processors: whatever failed (the
    database, say) must not be needed to say sorry."""
    context = {"service_name": settings.SERVICE_NAME, "feedback_email": settings.FEEDBACK_EMAIL}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
