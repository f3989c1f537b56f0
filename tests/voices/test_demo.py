"""seed_demo's surveys: a closed one filed and cited, and an open one whose printed link works."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from evidence.models import Citation
from voices.access import cqc_surveys_shown_to
from voices.demo import CLOSED_TITLE, CQC_CLOSED_TITLE, CQC_OPEN_TITLE, OPEN_TITLE
from voices.models import Survey, SurveyFiling

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_seed_demo_makes_a_filed_cited_survey_and_an_open_one(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    closed = Survey.objects.get(title=CLOSED_TITLE)
    assert closed.status == "closed" and closed.response_count >= 60
    # A finished survey's dates are behind it, its answers within them (the demo clock).
    today = timezone.localdate()
    for finished in Survey.objects.filter(status="closed"):
        assert finished.opens_on <= timezone.localdate(finished.closed_at) < today, finished
        days = {r.received_on for r in finished.responses.all()}
        assert len(days) > 5 and min(days) >= finished.opens_on and max(days) <= finished.closes_on, finished
    filing = SurveyFiling.objects.get(survey=closed)
    assert Citation.objects.filter(file=filing.evidence_file, response__criterion__code="2.4").exists()
    opened = Survey.objects.get(title=OPEN_TITLE)
    link = re.search(r"http://127\.0\.0\.1:8000(/s/[^/\s]+/)", out.getvalue()).group(1)
    assert link == f"/s/{opened.token}/"
    assert client.get(link).status_code == 200
    call_command("seed_demo", stdout=io.StringIO())
    assert Survey.objects.filter(title__in=[CLOSED_TITLE, OPEN_TITLE]).count() == 2
    # CQC's own: Eastbrook's partners, open; Northmoor's participants, whose review is assessed,
    # so Northmoor sees that one (and only that one).
    cqc_open = Survey.objects.get(title=CQC_OPEN_TITLE)
    cqc_closed = Survey.objects.get(title=CQC_CLOSED_TITLE)
    assert (cqc_open.run_by, cqc_open.status, cqc_open.organisation.code) == ("cqc", "open", "E99000001")
    assert cqc_open.free_text.filter(review="pending").exists()
    assert list(cqc_surveys_shown_to(cqc_closed.organisation)) == [cqc_closed]
    assert not cqc_surveys_shown_to(cqc_open.organisation).exists()
    assert Survey.objects.filter(run_by="cqc").count() == 2
