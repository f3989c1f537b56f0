"""The account page's choice of emails, and dismissing a notification from the home page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from notifications import services
from notifications.forms import EmailChoicesForm
from notifications.models import ENDS_AT_DEADLINE, OPTIONAL_KINDS, Notification


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


@require_POST
def notification_dismiss(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Someone's own information-only notification leaves their home page. Anyone else's is a
    404; one that asks for something (it goes once done) is refused with a 400."""
    try:
        notification = services.dismiss(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404("No such notification") from None
    except services.NotDismissable:
        notification = Notification.objects.get(pk=notification_id)
        return render(
            request,
            "notifications/not_dismissable.html",
            {"notification": notification, "ends_at_deadline": notification.kind in ENDS_AT_DEADLINE},
            status=400,
        )
    messages.success(request, f"Removed from your home page: {notification.subject}")
    return redirect("home")
