"""Sign-in throttling and idle sessions: the pieces django-axes and Django leave to the project.

- ``locked_out``: the page a locked-out sign-in gets, in GOV.UK style, saying for how long.
- ``SessionTimeoutMiddleware``: signs a person out after 30 idle minutes or 12 hours in all.

The address django-axes counts failures against is ``engagement_portal.lib.client_ip``; signing
people out everywhere is ``engagement_portal.lib.sessions.end_sessions``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from audit.services import record


def lockout_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """django-axes' answer to a sign-in while the username is locked at this address (429).

    It says the same whether or not the username exists: axes counts failures for any
    username, so the page gives nothing away about who has an account.
    """
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": lockout_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


class SessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request, or
    SESSION_COOKIE_AGE seconds after it began, whichever comes first (ASVS V7.3.1, V7.3.2).

    Django alone cannot do either: a session's expiry moves on every time the session is saved,
    so a cookie age is a sliding limit, not an absolute one. So the session records when it began
    and when it was last used. The last use is written at most once a minute, which keeps a
    busy person's requests from saving the session every time.

    After AuthenticationMiddleware (it needs request.user) and MessageMiddleware (it says why on
    the sign-in page).
    """

    STARTED = "session_started_at"
    LAST_SEEN = "session_last_seen_at"
    # Writing the last-seen time more often than this buys nothing but database writes.
    RESOLUTION = 60

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated and _ended_session_presented(request):
            # A cookie for a session that no longer exists. Sign-out, the idle and absolute limits
            # and site admins all delete the session and tell the browser to drop the cookie, so
            # it comes back only from a copy: a stolen cookie, or a browser that kept it.
            record(
                "auth.ended_session_used",
                "Refused a session that had already ended (signed out or timed out)",
                request=request,
            )
            messages.info(request, "Your session has ended, so you have been signed out.")
        if user is not None and not user.is_authenticated and SESSION_KEY in request.session:
            # The session names a person who can no longer sign in (deactivated, or deleted):
            # Django ignores it, and this ends it.
            request.session.flush()
        elif user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(self.STARTED)
            last_seen = session.get(self.LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self._sign_out(request, idle_signed_out_message())
            if started is not None and now - started > settings.SESSION_COOKIE_AGE:
                hours = max(1, round(settings.SESSION_COOKIE_AGE / 3600))
                return self._sign_out(
                    request, f"You were signed out because you had been signed in for {hours} hours."
                )
            if started is None:
                session[self.STARTED] = now
            if last_seen is None or now - last_seen >= self.RESOLUTION:
                session[self.LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, f"{message} Sign in again to carry on.")
        # A POST's form data is lost either way; send the person back to where they were only
        # for a GET.
        next_path = request.get_full_path() if request.method == "GET" else None
        return redirect_to_login(next_path) if next_path else redirect(settings.LOGIN_URL)


def _ended_session_presented(request: HttpRequest) -> bool:
    """True when the request carried a session cookie whose session is gone. Call it after
    request.user is evaluated: loading a missing session clears its key."""
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and request.session.session_key is None


def idle_signed_out_message() -> str:
    minutes = max(1, round(settings.SESSION_IDLE_TIMEOUT / 60))
    return f"You were signed out because you were inactive for {minutes} minute{'s' if minutes != 1 else ''}."
