"""Two-factor authentication pages: the code after the password (or a recovery code instead),
setting up an authenticator app, recovery codes, and turning it off. The rules are in
`two_factor.py`; every page here is `never_cache`, since they hold codes or secrets."""

from __future__ import annotations

import math

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.oath import TOTP

from accounts import two_factor
from audit.services import record
from engagement_portal.lib.forms import submit_button
from engagement_portal.lib.sessions import end_sessions

# The key being set up lives in the session until a code from it is confirmed, so nothing is
# stored against the person until then. New recovery codes wait there for the one page that
# shows them.
SETUP_KEY = "two_factor_setup_key"
NEW_CODES = "two_factor_new_recovery_codes"

WRONG_CODE = "The code is not right. Enter the latest 6-digit code from your authenticator app."
WRONG_RECOVERY_CODE = "That recovery code is not right, or it has been used already. Check it and try again."


class CodeInput(forms.TextInput):
    """Always empty: a code that was refused, or has expired in the meantime, is of no use again,
    so the field is ready for the next one instead of holding the old one."""

    def format_value(self, value) -> None:
        return None


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        widget=CodeInput,
        help_text="The code changes every 30 seconds.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text(
                "code",
                field_width=5,
                inputmode="numeric",
                autocomplete="one-time-code",
                spellcheck="false",
            ),
            submit_button("Continue"),
        )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 numbers, like 123456")
        return code


class SetUpForm(CodeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Enter the 6-digit code your app shows"
        self.fields["code"].help_text = "This checks the app is set up correctly."
        self.helper.layout = Layout(
            Field.text(
                "code", field_width=5, inputmode="numeric", autocomplete="one-time-code", spellcheck="false"
            ),
            submit_button("Turn on two-factor authentication"),
        )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        help_text="One of the 10 codes you were given when you set up two-factor authentication, "
        "like abcd-efgh. Each code works once.",
        error_messages={"required": "Enter a recovery code"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("recovery_code", field_width=10, autocomplete="off", spellcheck="false"),
            submit_button("Continue"),
        )

    def clean_recovery_code(self) -> str:
        return two_factor.normalise_recovery_code(self.cleaned_data["recovery_code"])


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _wait_message(device) -> str | None:
    """A plain message if django-otp's throttling refuses to check a code just now."""
    allowed, detail = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (detail or {}).get("locked_until")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    wait = f"{seconds} seconds" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    return f"You have entered too many wrong codes. Wait {wait}, then try again."


def _check(device, token: str) -> tuple[bool, str | None, object]:
    """Check a code against the device with its row locked, so that guesses sent at the same
    moment cannot slip past the throttling between them. Returns (accepted, a message saying to
    wait if throttling refused to check, the device as it now is)."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        wait = _wait_message(device)
        if wait:
            return False, wait, device
        return device.verify_token(token), None, device


def _verified(request: HttpRequest, device) -> None:
    """Mark the session verified by this device, under a new session key (the person's access
    has grown, so a key seen before this moment is worth nothing)."""
    otp_login(request, device)
    request.session.cycle_key()


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the person's authenticator app."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = two_factor.authenticator(request.user)
    if device is None:
        # The app this session remembered is gone (removed elsewhere): ask again from now on.
        two_factor.forget(request)
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, wait, device = _check(device, form.cleaned_data["code"])
        if wait:
            form.add_error("code", wait)
            record(
                "auth.second_factor_failed",
                "Code from authenticator app refused: too many wrong codes, told to wait",
                request=request,
                detail={"method": "authenticator app", "throttled": True},
            )
        elif accepted:
            _verified(request, device)
            record("auth.second_factor", "Signed in: code from authenticator app accepted", request=request)
            return redirect(_next_url(request))
        else:
            form.add_error("code", WRONG_CODE)
            record(
                "auth.second_factor_failed",
                "Wrong code from authenticator app",
                request=request,
                detail={"method": "authenticator app", "failures": device.throttling_failure_count},
            )
    return render(request, "registration/sign_in_code.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_recovery_code(request: HttpRequest) -> HttpResponse:
    """The second step with a one-time recovery code instead, for a person without their phone."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = two_factor.recovery_device(request.user)
    if two_factor.authenticator(request.user) is None:
        return redirect(_next_url(request))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, wait = False, None
        if device is not None:
            accepted, wait, device = _check(device, form.cleaned_data["recovery_code"])
        if wait:
            form.add_error("recovery_code", wait)
            record(
                "auth.second_factor_failed",
                "Recovery code refused: too many wrong codes, told to wait",
                request=request,
                detail={"method": "recovery code", "throttled": True},
            )
        elif accepted:
            _verified(request, device)
            left = two_factor.recovery_codes_left(request.user)
            record(
                "auth.recovery_code_used",
                f"Signed in with a recovery code; {left} left",
                request=request,
                detail={"left": left},
            )
            message = f"You used a recovery code. You have {left} left, and each works only once."
            if left <= 3:
                message += " Get new recovery codes from your account page."
            messages.warning(request, message)
            return redirect(_next_url(request))
        else:
            form.add_error("recovery_code", WRONG_RECOVERY_CODE)
            record(
                "auth.second_factor_failed",
                "Wrong recovery code",
                request=request,
                detail={"method": "recovery code"},
            )
    return render(
        request, "registration/sign_in_recovery_code.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code or type the key, then confirm with a code.
    Replaces an earlier app once confirmed. The key stays in the session until then."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = request.session[SETUP_KEY] = two_factor.new_key()
    form = SetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(bytes.fromhex(key))
        if totp.verify(int(form.cleaned_data["code"]), tolerance=1):
            replacing = two_factor.has_two_factor(request.user)
            device, codes = two_factor.turn_on(request.user, key)
            del request.session[SETUP_KEY]
            two_factor.remember(request, True)
            # Sessions elsewhere were signed in without this app: they sign in again with it.
            end_sessions(user_ids=[request.user.pk], keep=request.session.session_key)
            _verified(request, device)
            request.session[NEW_CODES] = codes
            record(
                "auth.two_factor_set_up",
                "Set up a new authenticator app" if replacing else "Set up two-factor authentication",
                request=request,
                detail={"replaced_earlier_app": replacing},
            )
            return redirect(two_factor_setup_next(request))
        form.add_error("code", WRONG_CODE)
    required = two_factor.needs_two_factor(request.user)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "key": two_factor.key_for_people(key),
            "qr_svg": two_factor.qr_svg(
                two_factor.config_url(request.user, key), "QR code for your authenticator app"
            ),
            "required": required,
            "replacing": two_factor.has_two_factor(request.user),
            "next": _next_url(request),
        },
    )


def two_factor_setup_next(request: HttpRequest) -> str:
    url = reverse("two_factor_recovery_codes")
    target = _next_url(request)
    return f"{url}?{urlencode({'next': target})}" if target != "/" else url


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Recovery codes: new ones are shown here once (after set-up, or after asking for new ones
    with POST, which makes the earlier ones stop working)."""
    if not two_factor.has_two_factor(request.user):
        messages.info(request, "Two-factor authentication is off, so you have no recovery codes.")
        return redirect("account")
    if request.method == "POST":
        request.session[NEW_CODES] = two_factor.new_recovery_codes(request.user)
        record(
            "auth.recovery_codes_regenerated",
            "Made new recovery codes; the earlier ones no longer work",
            request=request,
        )
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(NEW_CODES, None)
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {
            "codes": codes,
            "left": two_factor.recovery_codes_left(request.user),
            "next": _next_url(request),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_turn_off(request: HttpRequest) -> HttpResponse:
    """Turn off two-factor authentication, for people whose roles do not need it."""
    if two_factor.needs_two_factor(request.user):
        return render(request, "registration/two_factor_required.html", status=403)
    if not two_factor.has_two_factor(request.user):
        return redirect("account")
    if request.method == "POST":
        two_factor.turn_off(request.user)
        two_factor.remember(request, False)
        end_sessions(user_ids=[request.user.pk], keep=request.session.session_key)
        record("auth.two_factor_turned_off", "Turned off two-factor authentication", request=request)
        messages.success(
            request, "Two-factor authentication is off. You now sign in with your password only."
        )
        return redirect("account")
    return render(request, "registration/two_factor_turn_off.html")
