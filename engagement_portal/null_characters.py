"""Refuses requests that carry the null character (U+0000) in the address or a form's fields.

PostgreSQL cannot store U+0000 in text, nor compare text with it: a NUL byte in a field that
reaches a query is a database error, so a server error (500), on PostgreSQL and not on SQLite.
Django's form CharFields refuse it (ProhibitNullCharactersValidator), but views that read
request.POST or request.GET themselves, and URL parts such as an organisation's code, did not:
the form fuzzer (tests/fuzz/) found CQC's review notes, rationales and replies failing this
way. No person types a null character, so the request is refused whole, with a 400 page
saying nothing was saved, before any view runs.

The upload views are left to themselves: they must install their streaming upload handler
before anything reads the body, so they are exempt from CsrfViewMiddleware (and check the
token inside), and this check does not read their bodies either. Their text fields go through
Django forms, whose CharFields refuse the character; the fuzzer checks them on PostgreSQL.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

NUL = "\x00"


def _carries_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def has_null_character(request: HttpRequest, view_func) -> bool:
    if NUL in request.path or _carries_nul(request.GET):
        return True
    if request.method == "POST" and not getattr(view_func, "csrf_exempt", False):
        # Already parsed by CsrfViewMiddleware, which runs first: reading it again costs nothing.
        return _carries_nul(request.POST)
    return False


class RefuseNullCharactersMiddleware:
    """Placed after CsrfViewMiddleware: a view's body is read here only once that has read it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if has_null_character(request, view_func):
            return render(
                request, "400_null_character.html", {"is_post": request.method == "POST"}, status=400
            )
        return None
