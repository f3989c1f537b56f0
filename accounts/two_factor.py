"""The second factor: who needs it, their devices, and the middleware that makes it unskippable.

A person signs in with their password first (Django's `login`, so the session is authenticated),
then, if they have an authenticator app set up, with its 6-digit code or one of their recovery
codes (django-otp marks the session verified: `request.user.is_verified()`). Until then
`SecondFactorMiddleware` lets them reach only the code pages and sign-out.

CQC assessors, rubric admins and site admins (`needs_two_factor`) must use it: after the
password, one without an authenticator app is sent to set one up before any other page, and
cannot turn it off. Everyone else may turn it on and off from their account page.

Devices are django-otp's: one confirmed `TOTPDevice` (the authenticator app) and one
`StaticDevice` whose tokens are the 10 one-time recovery codes. Both are made and removed
together, here.
"""

from __future__ import annotations

import secrets
from base64 import b32encode
from binascii import unhexlify

import segno
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.roles import is_assessor, is_rubric_admin

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def needs_two_factor(user) -> bool:
    """CQC assessors, rubric admins, cycle managers and site admins must use a second factor."""
    return bool(
        user.is_authenticated
        and (
            user.is_staff
            or user.is_superuser
            or is_assessor(user)
            or is_rubric_admin(user)
            or user.has_perm("assessments.manage_cycles")  # CQC's cycle managers (cycles/)
        )
    )


def authenticator(user) -> TOTPDevice | None:
    """The person's authenticator app, once they have confirmed it with a code."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return authenticator(user) is not None


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_key() -> str:
    """A new TOTP secret: 20 random bytes, hex-encoded as django-otp stores it."""
    return secrets.token_hex(20)


def key_for_people(hex_key: str) -> str:
    """The secret as authenticator apps take it when typed in: base32, in groups of 4."""
    text = b32encode(unhexlify(hex_key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def config_url(user, hex_key: str) -> str:
    """The otpauth:// address the QR code holds (django-otp builds it, with the issuer)."""
    return TOTPDevice(user=user, key=hex_key).config_url


def qr_svg(url: str, title: str) -> str:
    """The QR code as inline SVG: a path with presentation attributes and no style attribute, so
    the Content Security Policy (no inline styles) allows it. role and aria-label make it one
    image to assistive technology; the page always gives the key as text too."""
    svg = segno.make(url, error="m").svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff", svgclass="app-qr-code"
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def normalise_recovery_code(text: str) -> str:
    """What a person types, as stored: without spaces or hyphens, in lower case."""
    return "".join(ch for ch in text if ch.isalnum()).lower()


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with 10 new ones, and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    tokens = set()
    while len(tokens) < RECOVERY_CODE_COUNT:
        tokens.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in sorted(tokens))
    return [format_recovery_code(token) for token in sorted(tokens)]


@transaction.atomic
def turn_on(user, hex_key: str) -> tuple[TOTPDevice, list[str]]:
    """Make the key the person's one authenticator app (replacing any earlier one), with new
    recovery codes. The caller has checked a code made from the key."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=hex_key, confirmed=True)
    return device, new_recovery_codes(user)


@transaction.atomic
def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# The pages a person between the password and the second factor may reach, besides the one they
# are sent to: signing out, and the public pages that need no sign-in anyway.
ALWAYS_ALLOWED = frozenset({"logout", "healthz", "accessibility"})


# Whether the signed-in person has an authenticator app, remembered in their session as
# [user id, bool] so that the middleware does not ask the database on every request. Setting up
# or turning off the app updates it and ends the person's other sessions (which would otherwise
# hold the old answer); the code page forgets it when the app it expected is gone.
SESSION_FLAG = "two_factor_app"


def session_has_two_factor(request: HttpRequest) -> bool:
    user = request.user
    session = getattr(request, "session", None)
    stored = session.get(SESSION_FLAG) if session is not None else None
    if isinstance(stored, list) and len(stored) == 2 and stored[0] == user.pk:
        return bool(stored[1])
    value = has_two_factor(user)
    if session is not None:
        session[SESSION_FLAG] = [user.pk, value]
    return value


def remember(request: HttpRequest, value: bool) -> None:
    request.session[SESSION_FLAG] = [request.user.pk, value]


def forget(request: HttpRequest) -> None:
    request.session.pop(SESSION_FLAG, None)


def pending_step(request: HttpRequest) -> str | None:
    """The URL name of the step the request's signed-in person still owes, or None.

    "sign_in_code" when they have an authenticator app but this session has not had a code;
    "two_factor_setup" when they must use two-factor authentication and have not set it up.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return None
    if session_has_two_factor(request):
        return "sign_in_code"
    if needs_two_factor(user):
        return "two_factor_setup"
    return None


class SecondFactorMiddleware:
    """Refuses every page, /admin/ included, to a session that still owes a second factor, and
    sends the person to the step they owe (with where they were going as `next`).

    After OTPMiddleware (which marks the session verified) and after SessionTimeoutMiddleware
    (an expired session is signed out first).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = pending_step(request)
        # For the navigation (accounts.context_processors), which shows no links then.
        request.second_factor_pending = step
        if step is not None:
            allowed = ALWAYS_ALLOWED | {step}
            if step == "sign_in_code":
                allowed |= {"sign_in_recovery_code"}
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = None
            if name not in allowed:
                url = reverse(step)
                if request.method == "GET" and request.path_info != "/":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)
