"""CQC's areas for improvement (issue 18, part 1): the assessor names them per principle in the
draft outcome; once final, each is a suggested action the lead accepts, rewrites, or declines
with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from improvement.models import Action, SuggestionDecision
from reviews import services as review_services
from reviews.models import Outcome
from tests.assessments.review_helpers import in_review, score_all
from tests.improvement.helpers import assessed_with_areas, form, plan_url, submitted_earlier, text_of

pytestmark = pytest.mark.django_db


def _url(cast, name: str, principle: int, position: int) -> str:
    return reverse(
        name,
        kwargs={"code": cast.org_a.code, "cycle": "2025-26", "principle": principle, "position": position},
    )


def test_the_assessor_names_areas_on_the_outcome_form_and_they_are_frozen(client, cast):
    assessment = in_review(submitted_earlier(cast), cast.assessor)
    score_all(assessment, cast.assessor, 2)
    client.force_login(cast.assessor)
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    data = {f"summary-{n}": f"Summary {n}." for n in range(1, 9)}
    data.update(
        {"deadline-day": deadline.day, "deadline-month": deadline.month, "deadline-year": deadline.year}
    )
    data["areas-7"] = "Evaluate engagement against its aims\n\n  Tell participants   what changed \n"
    url = reverse("review_outcome", kwargs={"code": cast.org_a.code, "cycle": assessment.cycle.slug})
    assert client.post(url, data).status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.areas == {"7": ["Evaluate engagement against its aims", "Tell participants what changed"]}
    seventh = next(p for p in outcome.draft["principles"] if p["number"] == 7)
    assert seventh["areas_for_improvement"] == outcome.areas["7"]
    # The form shows them again, one a line; the organisation sees them on the draft.
    assert (
        "Evaluate engagement against its aims\nTell participants what changed"
        in client.get(url).content.decode()
    )
    client.force_login(cast.lead_a)
    page = client.get(reverse("assessment_outcome", kwargs={"code": cast.org_a.code, "cycle": "2025-26"}))
    assert "Areas for improvement" in text_of(page)
    # Too many areas in one principle: refused, with the words kept.
    client.force_login(cast.assessor)
    data["areas-2"] = "\n".join(f"Area {n}" for n in range(11))
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Name at most 10 areas for improvement in principle 2" in response.content.decode()
    assert "Area 10" in response.content.decode()


def test_a_draft_outcomes_areas_are_not_suggestions_until_final(client, cast):
    assessment = in_review(submitted_earlier(cast), cast.assessor)
    score_all(assessment, cast.assessor, 2)
    review_services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): "S" for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=14),
        areas={"7": ["Evaluate engagement"]},
    )
    client.force_login(cast.lead_a)
    assert "CQC's areas for improvement" not in text_of(client.get(plan_url(cast)))
    assert client.get(_url(cast, "improvement_suggestion_accept", 7, 1)).status_code == 404


def test_a_lead_accepts_rewrites_and_declines_cqcs_areas(client, cast):
    assessment = assessed_with_areas(cast)
    client.force_login(cast.lead_a)
    page = text_of(client.get(plan_url(cast)))
    assert "CQC's areas for improvement" in page
    assert "Tell participants what changed" in page
    # Accepted in CQC's words.
    accept = _url(cast, "improvement_suggestion_accept", 7, 1)
    assert "Evaluate engagement against its aims" in client.get(accept).content.decode()
    response = client.post(accept, form(cast, what="Evaluate engagement against its aims", codes=("7.1",)))
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.source, action.principle_number, action.assessment) == ("cqc", 7, assessment)
    assert action.cqc_words == "Evaluate engagement against its aims"
    assert SuggestionDecision.objects.get(action=action).decision == "accepted"
    # Rewritten.
    rewrite = form(cast, what="Write back to every participant within 8 weeks", codes=("2.4",))
    assert client.post(_url(cast, "improvement_suggestion_accept", 7, 2), rewrite).status_code == 302
    rewritten = Action.objects.get(what__startswith="Write back")
    assert rewritten.cqc_words == "Tell participants what changed"
    assert SuggestionDecision.objects.get(action=rewritten).decision == "rewritten"
    # Declined: a reason is needed.
    decline = _url(cast, "improvement_suggestion_decline", 2, 1)
    response = client.post(decline, {"reason": "  "})
    assert response.status_code == 400 and "Say why you are declining" in text_of(response)
    assert client.post(decline, {"reason": "Our partners' charter already says so"}).status_code == 302
    declined = SuggestionDecision.objects.get(decision="declined")
    assert declined.reason == "Our partners' charter already says so"
    page = text_of(client.get(plan_url(cast)))
    assert "Declined Our partners' charter already says so" in page
    assert "Accepted in our own words" in page
    assert AuditEvent.objects.filter(action="improvement.suggestion_decided").count() == 3
    # Deciding twice: the page says who decided, and nothing is written.
    response = client.post(decline, {"reason": "Again"})
    assert response.status_code == 409 and "has been decided" in text_of(response)
    assert SuggestionDecision.objects.count() == 3


def test_bad_input_on_accepting_keeps_what_was_typed(client, cast):
    assessed_with_areas(cast)
    client.force_login(cast.lead_a)
    response = client.post(
        _url(cast, "improvement_suggestion_accept", 7, 1),
        form(cast, what="Our words for it", owner=cast.lead_b, codes=("7.1",)),
    )
    assert response.status_code == 400
    assert "Choose an owner from your organisation" in text_of(response)
    assert "Our words for it" in response.content.decode()
    assert not Action.objects.exists() and not SuggestionDecision.objects.exists()


def test_only_leads_decide(client, cast):
    assessed_with_areas(cast)
    for person in (cast.contributor_a, cast.viewer_a):
        client.force_login(person)
        assert client.get(_url(cast, "improvement_suggestion_accept", 7, 1)).status_code == 403
        assert (
            client.post(_url(cast, "improvement_suggestion_decline", 7, 1), {"reason": "x"}).status_code
            == 403
        )
    client.force_login(cast.lead_b)
    assert client.get(_url(cast, "improvement_suggestion_accept", 7, 1)).status_code == 404
    client.force_login(cast.lead_a)
    assert client.get(_url(cast, "improvement_suggestion_accept", 7, 9)).status_code == 404
