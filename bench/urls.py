"""The portal's URLs plus the benchmarks' baseline, a trivial view (bench/settings.py only).

The baseline goes through the same gunicorn and every middleware (sessions, CSP, security
headers), with the same session cookie as the pages measured, but does no work of its own: no
database query, no template. bench/pages.py divides each page's requests per second by its.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from engagement_portal.urls import handler500  # noqa: F401 - the portal's 500 page
from engagement_portal.urls import urlpatterns as portal_urlpatterns


@login_not_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial, name="bench_trivial"), *portal_urlpatterns]
