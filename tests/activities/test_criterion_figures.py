"""The register's figures beside criteria 2.4, 5.3, 7.x and 8.x: on the organisation's criterion
page and in the assessor's workspace (issue 17, part 4)."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.templatetags.activities_tags import informs
from tests.activities.helpers import make

pytestmark = pytest.mark.django_db


def test_which_criteria_get_figures():
    assert [informs(c) for c in ("2.4", "5.3", "7.1", "8.2", "1.1", "2.3", "5.1")] == [
        "loop",
        "reach",
        "learning",
        "coordination",
        "",
        "",
        "",
    ]


def _closed_recently(cast):
    start = timezone.localdate() - datetime.timedelta(days=40)
    activity = make(
        cast.org_a, cast.lead_a, planned_start=start, planned_end=start + datetime.timedelta(days=5)
    )
    services.activity_close(
        activity=activity,
        by=cast.lead_a,
        closing=services.Closing("Evening clinics", True, start + datetime.timedelta(days=12), None),
    )


def test_the_self_assessment_shows_the_figures_beside_2_4_and_not_1_1(client, cast):
    from tests.assessments.helpers import start

    _closed_recently(cast)
    assessment = start(cast)
    client.force_login(cast.contributor_a)
    kwargs = {"code": cast.org_a.code, "cycle": assessment.cycle.slug}
    page = client.get(reverse("assessment_criterion", kwargs={**kwargs, "criterion": "2.4"})).content.decode()
    assert "From your engagement register" in page
    assert "1 of 1 (100%)" in page
    other = client.get(
        reverse("assessment_criterion", kwargs={**kwargs, "criterion": "1.1"})
    ).content.decode()
    assert "engagement register" not in other
    reach = client.get(
        reverse("assessment_criterion", kwargs={**kwargs, "criterion": "5.3"})
    ).content.decode()
    assert "Communities engaged" in reach and "Unpaid carers" in reach


def test_the_assessors_workspace_shows_the_figures_beside_8_1(client, cast):
    from tests.assessments import helpers
    from tests.assessments.review_helpers import in_review

    _closed_recently(cast)
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    kwargs = {"code": cast.org_a.code, "cycle": assessment.cycle.slug}
    page = client.get(reverse("review_criterion", kwargs={**kwargs, "criterion": "8.1"})).content.decode()
    assert f"From {cast.org_a.name}'s engagement register" in html.unescape(page)
    assert "Overlaps found with the system" in page
    assert reverse("activity_impact", kwargs={"code": cast.org_a.code}) not in page  # not theirs to open
