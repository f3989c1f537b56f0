""" "You said, we did": each organisation's public page of the closed activities its leads
published, and its Atom feed. No sign-in (each view is exempt from LoginRequiredMiddleware
explicitly). Only the words the lead wrote for the public are shown, with the activity's title
and dates: never contacts, internal notes, participants' profiles or counts.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from activities.models import Publication
from organisations.models import Organisation

FEED_SIZE = 50


def published(organisation: Organisation):
    return (
        Publication.objects.filter(activity__organisation=organisation, withdrawn_at__isnull=True)
        .select_related("activity")
        .order_by("-published_at", "-pk")
    )


@login_not_required
@require_GET
def you_said_we_did(request: HttpRequest, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, code=code)
    return render(
        request,
        "activities/public.html",
        {"organisation": organisation, "entries": published(organisation)},
    )


class YouSaidWeDidFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, code: str) -> Organisation:
        return get_object_or_404(Organisation, code=code)

    def title(self, organisation: Organisation) -> str:
        return f"{organisation.name}: You said, we did"

    def subtitle(self, organisation: Organisation) -> str:
        return f"What {organisation.name} asked people, what they said, and what changed as a result."

    def link(self, organisation: Organisation) -> str:
        return reverse("you_said_we_did", kwargs={"code": organisation.code})

    def items(self, organisation: Organisation):
        return published(organisation)[:FEED_SIZE]

    def item_title(self, item: Publication) -> str:
        return item.activity.title

    def item_description(self, item: Publication) -> str:
        return f"What we asked: {item.asked}\n\nWhat you said: {item.heard}\n\nWhat we did: {item.changed}"

    def item_link(self, item: Publication) -> str:
        return (
            reverse("you_said_we_did", kwargs={"code": item.activity.organisation.code}) + f"#entry-{item.pk}"
        )

    def item_guid(self, item: Publication) -> str:
        return f"you-said-we-did-{item.pk}"

    def item_pubdate(self, item: Publication) -> datetime.datetime:
        return item.published_at

    def item_updateddate(self, item: Publication) -> datetime.datetime:
        return item.published_at or timezone.now()


you_said_we_did_feed = login_not_required(require_GET(YouSaidWeDidFeed()))
