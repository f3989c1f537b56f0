"""The home page each person lands on, gathering what their roles let them do.

At the top of the house (README, Architecture): it may read every app's data to say what to do
next, and no app imports it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from home.sections import sections_for
from organisations.models import Organisation
from organisations.roles import is_assessor, is_rubric_admin


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Each person lands on what their roles let them do: their organisations' work, the
    organisations CQC reviews, or the rubric."""
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    assessor = is_assessor(request.user)
    return render(
        request,
        "home/home.html",
        {
            "memberships": memberships,
            "is_assessor": assessor,
            "is_rubric_admin": is_rubric_admin(request.user),
            "organisations": Organisation.objects.order_by("name") if assessor else None,
            # What to do next, section by section (home/sections.py).
            "sections": sections_for(request),
        },
    )
