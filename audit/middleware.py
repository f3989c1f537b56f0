"""Records refused access, and lets services' audit records know which request they came from.

A signed-in person who gets a 403 or a 404 from a page of the portal (a URL that names something:
another organisation's assessment, an evidence id that is not theirs, a page their role does not
open) is recorded as `access.refused`, with the path, the status and, when the URL names an
organisation that exists, that organisation, so its leads see that someone tried.

Not recorded: people not signed in (LoginRequiredMiddleware sends them to sign in before any
object is looked up, and anonymous 404s are noise), paths that match no URL at all (a mistyped
address names no object), static files (whitenoise answers them before this runs) and
`/healthz`. Recording never breaks the response: a failure is logged and the page is sent.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from audit.services import current_request, record
from organisations.models import Organisation

logger = logging.getLogger(__name__)

REFUSALS = {403: "not allowed", 404: "not found"}
NOT_RECORDED = frozenset({"healthz"})


class AuditMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            # A refusal already recorded as something more precise (the CSRF check's
            # security.csrf_refused, audit/csrf.py) is not recorded twice.
            already = getattr(response, "refusal_recorded", False)
            if response.status_code in REFUSALS and not already and _worth_recording(request):
                _record_refusal(request, response.status_code)
        finally:
            current_request.reset(token)
        return response


def _worth_recording(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    return (
        user is not None
        and user.is_authenticated
        and match is not None
        and match.url_name not in NOT_RECORDED
    )


def _record_refusal(request: HttpRequest, status: int) -> None:
    try:
        # A savepoint of its own, so a failure here cannot spoil a transaction around the request.
        with transaction.atomic():
            code = request.resolver_match.kwargs.get("code")
            organisation_id = None
            if isinstance(code, str):
                organisation_id = Organisation.objects.filter(code=code).values_list("pk", flat=True).first()
            path = request.path[:300]
            what = path if request.method in {"GET", "HEAD"} else f"{request.method} to {path}"
            record(
                "access.refused",
                f"Refused {what}: {REFUSALS[status]} ({status})",
                organisation=organisation_id,
                request=request,
                detail={
                    "object": path,
                    "status": status,
                    "method": request.method,
                    "url_name": request.resolver_match.view_name,
                },
            )
    except Exception:
        logger.exception("Could not record refused access to %s", request.path)
