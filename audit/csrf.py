"""The page a form gets when Django's CSRF check refuses it (settings.CSRF_FAILURE_VIEW).

Django's own page is written for developers. A person sees this one instead: what happened in
plain words, that nothing was saved, and what to do. Every refusal is recorded in the audit
trail, since a form posted from another site is what a cross-site request forgery looks like.
The middleware refuses before any view runs, so nothing can have been written.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from audit.services import record


def _back_link(request: HttpRequest) -> str | None:
    """The page the form was on, when the browser said so and it is one of ours."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    record(
        "security.csrf_refused",
        f"Form refused by the CSRF check: {request.method} {request.path}"[:500],
        request=request,
        detail={"reason": reason[:200], "method": request.method},
    )
    response = render(request, "403_csrf.html", {"back_link": _back_link(request)}, status=403)
    # Recorded above: audit.middleware.AuditMiddleware need not add its access.refused as well.
    response.refusal_recorded = True
    return response
