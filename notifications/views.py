"""The account page's choice of emails."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notifications import services
from notifications.forms import EmailChoicesForm
from notifications.models import OPTIONAL_KINDS


@require_http_methods(["GET", "POST"])
def email_choices(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EmailChoicesForm(request.POST)
        if form.is_valid():
            wanted = set(form.cleaned_data["wanted"])
            services.set_turned_off(request.user, [k for k in OPTIONAL_KINDS if k not in wanted])
            messages.success(request, "Your email choices have been saved")
            return redirect("account")
    else:
        off = services.turned_off(request.user)
        form = EmailChoicesForm(initial={"wanted": [k.value for k in OPTIONAL_KINDS if k not in off]})
    return render(request, "notifications/email_choices.html", {"form": form})
