"""The address a request came from, for the audit trail and django-axes' sign-in throttling."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from.

    Behind the TLS-terminating proxy (DJANGO_HTTPS on), REMOTE_ADDR is the proxy's own address
    for everybody, so the last X-Forwarded-For entry, the one our proxy appended, is the
    client's. Earlier entries are whatever the client sent and are never trusted.
    """
    if settings.HTTPS:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
