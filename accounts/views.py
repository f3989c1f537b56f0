"""Your account: your organisations and roles, your password and your second factor."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import two_factor
from organisations.roles import is_assessor, is_rubric_admin


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "is_assessor": is_assessor(request.user),
            "is_rubric_admin": is_rubric_admin(request.user),
            "two_factor_on": two_factor.has_two_factor(request.user),
            "two_factor_required": two_factor.needs_two_factor(request.user),
            "recovery_codes_left": two_factor.recovery_codes_left(request.user),
        },
    )
