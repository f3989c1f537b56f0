"""The audit trail's pages: an organisation's activity, for its leads, and the search for site
admins (with a CSV export). Both read only; nothing here writes to the trail except the
middleware recording a refusal.

What an organisation's leads see (`organisation_events`): every event about the organisation's
data (its assessments' status changes, evidence uploaded and downloaded, by CQC's assessors too,
reports downloaded, refused access to its pages and objects, by anyone, and what the retention
policy deleted of its records), and the sign-ins, sign-outs and lockouts of the people who are
its members now. Not shown to them: CQC's scoring, overrides and moderation (CQC's working
material, kept from organisations as the review app keeps its notes and rationales; the
organisation sees the outcome CQC shares), legal holds (CQC's decision; the reason may name a
case), failed sign-ins that named no known person, and rubric changes, backups and restores (not
any organisation's data). Site admins see everything.
"""

from __future__ import annotations

import csv
import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.actions import ACTIONS
from audit.forms import ActivityFilterForm, AuditSearchForm
from audit.models import AuditEvent
from engagement_portal.lib.pagination import pagination
from engagement_portal.lib.spreadsheets import neutralise
from organisations.access import get_organisation_for_lead
from organisations.models import Membership, Organisation
from organisations.roles import is_site_admin

PAGE_SIZE = 50
# Recorded against the organisation, shown only to site admins: CQC's working material
# (scoring), and legal holds (CQC's decision, whose reason may name a case).
ORGANISATION_HIDDEN = frozenset(
    {
        "review.score",
        "review.override",
        "review.moderation",
        "review.finalise",
        "organisation.legal_hold_set",
        "organisation.legal_hold_lifted",
    }
)
# Never about one organisation's data, so not offered as a kind on the activity page.
NO_ORGANISATION_ACTIONS = ("rubric.", "records.")
SIGN_IN_ACTIONS = frozenset(action for action in ACTIONS if action.startswith("auth."))
ROLE_TAGS = {"assessor": "CQC assessor", "site_admin": "Site admin", "rubric_admin": "Rubric admin"}
NO_ORGANISATION = "none"


def organisation_events(organisation: Organisation) -> QuerySet[AuditEvent]:
    """The events an organisation's leads may read (see the module docstring)."""
    members = Membership.objects.filter(organisation=organisation).values("user_id")
    return AuditEvent.objects.filter(
        (Q(organisation_id=organisation.pk) & ~Q(action__in=ORGANISATION_HIDDEN))
        | Q(action__in=SIGN_IN_ACTIONS, actor_id__in=members)
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the portal's time zone (Europe/London)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_dates(events: QuerySet[AuditEvent], filters: dict) -> QuerySet[AuditEvent]:
    if "date_from" in filters:
        events = events.filter(at__gte=_start_of(max(filters["date_from"], datetime.date(1900, 1, 1))))
    if "date_to" in filters and filters["date_to"] < datetime.date(9999, 1, 1):
        events = events.filter(at__lt=_start_of(filters["date_to"] + datetime.timedelta(days=1)))
    return events


def _who(event: AuditEvent, users: dict) -> str:
    if event.actor_id is None:
        return event.actor_username or "Nobody signed in"
    user = users.get(event.actor_id)
    name = user.get_full_name() if user is not None else ""
    return f"{name} ({event.actor_username})" if name else event.actor_username


def _tag(event: AuditEvent, members: set[int] | None) -> str:
    role = event.detail.get("actor_role") if isinstance(event.detail, dict) else None
    if role in ROLE_TAGS:
        return ROLE_TAGS[role]
    if event.actor_is_staff:
        return "CQC staff"
    if members is not None and event.actor_id is not None and event.actor_id not in members:
        return "Not a member"
    return ""


def _object(event: AuditEvent) -> str:
    label = event.detail.get("object") if isinstance(event.detail, dict) else None
    if label:
        return str(label)
    return f"{event.object_type} {event.object_id}".strip()


def _rows(events, users: dict, *, members: set[int] | None = None, organisations: dict | None = None):
    rows = []
    for event in events:
        organisation = organisations.get(event.organisation_id) if organisations is not None else None
        rows.append(
            {
                "event": event,
                "label": ACTIONS.get(event.action, event.action),
                "who": _who(event, users),
                "tag": _tag(event, members),
                "object": _object(event),
                "organisation": organisation,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# An organisation's activity


@require_GET
def organisation_activity(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's leads only: other members get a 403, and CQC staff too (they are not
    the organisation; site admins have the search); other organisations' people a 404."""
    organisation = get_organisation_for_lead(request.user, code)
    events = organisation_events(organisation)
    actors = dict(
        events.exclude(actor_id=None).order_by().values_list("actor_id", "actor_username").distinct()
    )
    users = get_user_model().objects.in_bulk(list(actors))
    members = set(Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True))
    people = sorted(
        (
            (str(pk), _who(AuditEvent(actor_id=pk, actor_username=username), users))
            for pk, username in actors.items()
        ),
        key=lambda choice: choice[1].lower(),
    )
    kinds = [
        (action, label)
        for action, label in ACTIONS.items()
        if action not in ORGANISATION_HIDDEN and not action.startswith(NO_ORGANISATION_ACTIONS)
    ]
    form = ActivityFilterForm(request.GET or None, kinds=kinds, people=people)
    filters = form.filters() if request.GET else {}
    if "kind" in filters:
        events = events.filter(action=filters["kind"])
    if "person" in filters:
        events = events.filter(actor_id=int(filters["person"]))
    events = _in_dates(events, filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/activity.html",
        {
            "organisation": organisation,
            "form": form,
            "page": page,
            "rows": _rows(page.object_list, users, members=members),
            "filtering": bool(filters),
            **pagination(page, request.GET),
        },
    )


# ---------------------------------------------------------------------------------------------
# Site admins' search


def _require_site_admin(request: HttpRequest) -> None:
    if not is_site_admin(request.user):
        raise PermissionDenied("Only site admins can search the audit trail")


def _search(request: HttpRequest) -> tuple[AuditSearchForm, QuerySet[AuditEvent], dict, dict]:
    organisations = {o.pk: o for o in Organisation.objects.order_by("name")}
    choices = [(o.code, f"{o.name} ({o.code})") for o in organisations.values()]
    choices.append((NO_ORGANISATION, "No organisation (sign-ins, the rubric)"))
    form = AuditSearchForm(request.GET or None, organisations=choices, actions=list(ACTIONS.items()))
    filters = form.filters() if request.GET else {}
    events = AuditEvent.objects.all()
    if "q" in filters:
        events = events.filter(summary__icontains=filters["q"].strip())
    if "person" in filters:
        events = events.filter(actor_username__icontains=filters["person"].strip())
    if filters.get("organisation") == NO_ORGANISATION:
        events = events.filter(organisation_id=None)
    elif "organisation" in filters:
        by_code = {o.code: pk for pk, o in organisations.items()}
        events = events.filter(organisation_id=by_code[filters["organisation"]])
    if "action" in filters:
        events = events.filter(action=filters["action"])
    return form, _in_dates(events, filters), filters, organisations


@require_GET
def audit_search(request: HttpRequest) -> HttpResponse:
    _require_site_admin(request)
    form, events, filters, organisations = _search(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    users = get_user_model().objects.in_bulk({e.actor_id for e in page.object_list if e.actor_id})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(page.object_list, users, organisations=organisations),
            "filtering": bool(filters),
            "export_query": query.urlencode(),
            **pagination(page, request.GET),
        },
    )


CSV_HEADER = [
    "When (UK time)",
    "Kind of event",
    "Action",
    "Person",
    "Person's id",
    "CQC or admin role",
    "Organisation code",
    "Organisation",
    "Summary",
    "Object",
    "Object type",
    "Object id",
    "Address",
    "Path",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The search's results as CSV, every page of them, streamed. Text that a spreadsheet would
    run as a formula is neutralised (reviews.exports.neutralise)."""
    _require_site_admin(request)
    form, events, _, organisations = _search(request)
    if form.is_bound and not form.is_valid() and any(k.startswith("date_") for k in form.errors):
        # The search page explains a bad date; an export of the wrong range would not.
        return redirect(reverse("audit_search") + "?" + request.GET.urlencode())

    def lines():
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_HEADER)
        for event in events.iterator(chunk_size=2000):
            organisation = organisations.get(event.organisation_id)
            row = [
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                ACTIONS.get(event.action, event.action),
                event.action,
                event.actor_username,
                event.actor_id if event.actor_id is not None else "",
                (event.detail.get("actor_role", "") if isinstance(event.detail, dict) else "")
                or ("staff" if event.actor_is_staff else ""),
                organisation.code if organisation else "",
                organisation.name if organisation else "",
                event.summary,
                _object(event),
                event.object_type,
                event.object_id,
                event.ip or "",
                event.path,
            ]
            yield writer.writerow([neutralise(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
