"""Builders for improvement plan tests."""

from __future__ import annotations

import datetime
import re
from html import unescape

from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from improvement import services
from improvement.models import Action
from tests.assessments.helpers import answer_all, earlier_cycle, start_in_past_cycle, submit


def text_of(response) -> str:
    """The page's main content as a person reads it: tags removed, spaces collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def submitted_earlier(cast, organisation=None, lead=None) -> Assessment:
    """The organisation's (A's) 2025/26 self-assessment, answered and submitted."""
    organisation = organisation or cast.org_a
    lead = lead or cast.lead_a
    cycle = earlier_cycle()
    existing = Assessment.objects.filter(organisation=organisation, cycle=cycle).first()
    if existing is not None:
        return existing
    assessment = start_in_past_cycle(cast, cycle, organisation=organisation, lead=lead)
    answer_all(assessment)
    submit(assessment, lead)
    return assessment


def due(days: int = 60) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def add(
    cast, what: str = "Publish a engagement strategy with partners", *, codes=("1.1",), owner=None, days=60
):
    submitted_earlier(cast)
    return services.action_add(
        organisation=cast.org_a,
        by=cast.lead_a,
        data=services.ActionData(
            criterion_codes=list(codes),
            what=what,
            owner_id=(owner or cast.contributor_a).pk,
            due_on=due(days),
        ),
    )


def form(cast, *, what="Run quarterly listening events", codes=("1.1", "7.1"), owner=None, day=None) -> dict:
    day = day or due()
    return {
        "what": what,
        "criteria": list(codes),
        "owner": str((owner or cast.contributor_a).pk),
        "due_on_0": str(day.day),
        "due_on_1": str(day.month),
        "due_on_2": str(day.year),
    }


def plan_url(cast, name: str = "improvement_plan", action: Action | None = None) -> str:
    kwargs = {"code": cast.org_a.code}
    if action is not None:
        kwargs["action_id"] = action.pk
    return reverse(name, kwargs=kwargs)


AREAS = {
    "2": ["Say at the start of each engagement what can and cannot change"],
    "7": ["Evaluate engagement against its aims", "Tell participants what changed"],
}


def assessed_with_areas(cast, areas: dict | None = None) -> Assessment:
    """A's 2025/26 self-assessment, reviewed and its outcome finalised, naming areas for
    improvement in principles 2 and 7."""
    from reviews import services as review_services
    from tests.assessments.review_helpers import in_review, score_all

    assessment = submitted_earlier(cast)
    if assessment.status == Assessment.Status.ASSESSED:
        return assessment
    in_review(assessment, cast.assessor)
    score_all(assessment, cast.assessor, 2)
    review_services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): f"Summary of principle {n}." for n in range(1, 9)},
        fa_deadline=due(14),
        areas=AREAS if areas is None else areas,
    )
    review_services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="Nothing to comment on")
    assessment.refresh_from_db()
    return assessment
