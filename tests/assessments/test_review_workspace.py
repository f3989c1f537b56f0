"""The review queue and workspace: who sees what, starting a review, scoring, overrides, notes."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Assessment, Transition
from reviews import services
from reviews.models import AssessorScore, Review, ReviewEvent
from tests.assessments import helpers
from tests.assessments.review_helpers import codes, in_review, score_all, second_assessor, workspace

pytestmark = pytest.mark.django_db


def _kw(assessment, **extra):
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


# ---------------------------------------------------------------------------------------------
# The queue


def test_queue_lists_submitted_assessments_never_drafts(client, cast):
    submitted = helpers.submitted(cast)
    draft = helpers.start(cast, organisation=cast.org_b, lead=cast.lead_b)
    client.force_login(cast.assessor)
    page = client.get(reverse("review_queue")).content.decode()
    assert cast.org_a.name in page
    assert cast.org_b.name not in page
    assert draft.status == Assessment.Status.DRAFT
    assert submitted.status == Assessment.Status.SUBMITTED


def test_queue_comes_a_page_at_a_time_keeping_the_filters(client, cast, monkeypatch):
    from reviews import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    helpers.submitted(cast)
    other = helpers.start(cast, organisation=cast.org_b, lead=cast.lead_b)
    helpers.answer_all(other)
    helpers.cite_everywhere(other, cast.lead_b)
    helpers.submit(other, cast.lead_b)
    client.force_login(cast.assessor)
    url = reverse("review_queue")
    first = client.get(url, {"type": "", "sort": "oldest"}).content.decode()
    second = client.get(url, {"type": "", "sort": "oldest", "page": "2"}).content.decode()
    assert "2 self-assessments, 1 to 1 shown" in first and "2 self-assessments, 2 to 2 shown" in second
    assert (cast.org_a.name in first) != (cast.org_a.name in second)
    assert (cast.org_b.name in first) != (cast.org_b.name in second)
    assert 'aria-label="Pages of self-assessments"' in first
    assert "?type=&amp;sort=oldest&amp;page=2" in first


def test_queue_shows_returned_assessments_as_returned(client, cast):
    assessment = helpers.submitted(cast)
    from assessments.services import assessment_return

    assessment_return(assessment=assessment, by=cast.assessor, comment="Which board?")
    client.force_login(cast.assessor)
    page = client.get(reverse("review_queue")).content.decode()
    assert cast.org_a.name in page and "Returned with questions" in page


def test_queue_filters(client, cast):
    helpers.submitted(cast)
    client.force_login(cast.assessor)
    url = reverse("review_queue")
    assert cast.org_a.name in client.get(url, {"type": "ics"}).content.decode()
    assert cast.org_a.name not in client.get(url, {"type": "la"}).content.decode()
    assert cast.org_a.name not in client.get(url, {"status": "assessed"}).content.decode()
    assert cast.org_a.name in client.get(url, {"status": "submitted"}).content.decode()
    assert cast.org_a.name in client.get(url, {"cycle": "2026-27"}).content.decode()
    assert cast.org_a.name not in client.get(url, {"cycle": "no-such"}).content.decode()
    assert cast.org_a.name in client.get(url, {"assigned": "none"}).content.decode()
    assert cast.org_a.name not in client.get(url, {"assigned": "me"}).content.decode()
    region = cast.org_a.region
    assert cast.org_a.name in client.get(url, {"region": region}).content.decode()


def test_queue_sorts_by_submission_date(client, cast, monkeypatch):
    first = helpers.submitted(cast)
    second = helpers.start(cast, organisation=cast.org_b, lead=cast.lead_b)
    helpers.answer_all(second)
    helpers.cite_everywhere(second, cast.lead_b)
    later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr("assessments.services.timezone.now", lambda: later)
    helpers.submit(second, cast.lead_b)
    monkeypatch.undo()
    client.force_login(cast.assessor)
    oldest = client.get(reverse("review_queue")).content.decode()
    newest = client.get(reverse("review_queue"), {"sort": "newest"}).content.decode()
    a, b = first.organisation.name, cast.org_b.name
    assert oldest.index(a) < oldest.index(b)
    assert newest.index(b) < newest.index(a)


def test_assign_to_self_and_to_another_assessor(client, cast):
    assessment = helpers.submitted(cast)
    other = second_assessor()
    client.force_login(cast.assessor)
    response = client.post(reverse("review_assign", kwargs=_kw(assessment)), {"assignee": cast.assessor.pk})
    assert response.status_code == 302
    assert Review.objects.get(assessment=assessment).assigned_to == cast.assessor
    assert cast.org_a.name in client.get(reverse("review_queue"), {"assigned": "me"}).content.decode()
    client.post(reverse("review_assign", kwargs=_kw(assessment)), {"assignee": other.pk, "back": "workspace"})
    assert Review.objects.get(assessment=assessment).assigned_to == other
    page = client.get(reverse("review_queue"), {"assigned": str(other.pk)}).content.decode()
    assert cast.org_a.name in page
    assert ReviewEvent.objects.filter(kind=ReviewEvent.Kind.ASSIGNED).count() == 2


def test_assigning_to_someone_who_is_not_an_assessor_is_refused(client, cast):
    assessment = helpers.submitted(cast)
    client.force_login(cast.assessor)
    client.post(reverse("review_assign", kwargs=_kw(assessment)), {"assignee": cast.lead_a.pk})
    assert not Review.objects.filter(assessment=assessment, assigned_to=cast.lead_a).exists()
    with pytest.raises(ValidationError):
        services.review_assign(assessment=assessment, by=cast.assessor, assignee=cast.lead_a)


def test_organisation_people_get_403_and_drafts_404(client, cast):
    draft = helpers.start(cast)
    for person in (cast.lead_a, cast.viewer_a, cast.lead_b, cast.outsider):
        client.force_login(person)
        assert client.get(reverse("review_queue")).status_code == 403
        assert client.get(reverse("review_workspace", kwargs=_kw(draft))).status_code == 403
    client.force_login(cast.assessor)
    assert client.get(reverse("review_workspace", kwargs=_kw(draft))).status_code == 404


def test_reviews_in_navigation_for_assessors_only(client, cast):
    client.force_login(cast.assessor)
    assert 'href="/review/"' in client.get(reverse("home")).content.decode()
    client.force_login(cast.lead_a)
    assert 'href="/review/"' not in client.get(reverse("home")).content.decode()


# ---------------------------------------------------------------------------------------------
# Starting and scoring


def test_start_review_records_a_transition_and_assigns(client, cast):
    assessment = helpers.submitted(cast)
    client.force_login(cast.assessor)
    assert client.post(reverse("review_start", kwargs=_kw(assessment))).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_REVIEW
    t = Transition.objects.filter(assessment=assessment).last()
    assert (t.from_status, t.to_status, t.by) == ("submitted", "in_review", cast.assessor)
    assert Review.objects.get(assessment=assessment).assigned_to == cast.assessor
    # Starting again is refused with a message, not an error page.
    response = client.post(reverse("review_start", kwargs=_kw(assessment)), follow=True)
    assert "Only a submitted self-assessment can be taken into review" in response.content.decode()


def test_workspace_shows_the_latest_snapshot_not_live_rows(client, cast):
    assessment = helpers.submitted(cast)
    client.force_login(cast.assessor)
    code = codes(assessment)[0]
    page = client.get(reverse("review_criterion", kwargs=_kw(assessment, criterion=code))).content.decode()
    assert "Our evidence shows this." in page
    assert "Level 4" in page and "Level 1" in page  # not in review yet: the descriptors, no radios
    assert "Evidence PR" in page and "Download board-minutes.txt" in page
    assert "People" in page or "Processes" in page


def test_criterion_page_download_link_serves_the_cited_file(client, cast):
    assessment = helpers.submitted(cast)
    client.force_login(cast.assessor)
    ws = workspace(assessment)
    cited = ws.principles[0].criteria[0].citations[0]
    url = reverse(
        "evidence_download",
        kwargs={"code": cast.org_a.code, "item_id": cited["item_id"], "revision": cited["link_revision"]},
    )
    assert client.get(url).status_code == 200


def test_scoring_needs_the_review_started(client, cast):
    assessment = helpers.submitted(cast)
    code = codes(assessment)[0]
    client.force_login(cast.assessor)
    url = reverse("review_criterion", kwargs=_kw(assessment, criterion=code))
    response = client.post(url, {"score": "2", "rationale": "My careful words", "version": "0"})
    assert response.status_code in {200, 400}
    assert not AssessorScore.objects.exists()


def test_scoring_a_criterion_with_divergence_flags(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    first, second, third = codes(assessment)[:3]
    client.force_login(cast.assessor)
    for code, score in ((first, "3"), (second, "2"), (third, "1")):
        url = reverse("review_criterion", kwargs=_kw(assessment, criterion=code))
        response = client.post(url, {"score": score, "rationale": "Seen the minutes", "version": "0"})
        assert response.status_code == 302
    page = client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    assert "Agrees with self-score" in page
    assert "Differs by 1 level" in page
    assert "Differs by 2 or more" in page
    row = AssessorScore.objects.get(criterion_code=second)
    assert (row.score, row.rationale, row.version, row.updated_by) == (
        2,
        "Seen the minutes",
        1,
        cast.assessor,
    )
    assert ReviewEvent.objects.filter(kind=ReviewEvent.Kind.SCORED, subject=second).exists()


def test_no_score_chosen_keeps_the_rationale(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    url = reverse("review_criterion", kwargs=_kw(assessment, criterion=codes(assessment)[0]))
    response = client.post(url, {"score": "7", "rationale": "Words I typed", "version": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a score from 1 to 4, or not evidenced" in page and "Words I typed" in page


def test_stale_score_is_refused_without_losing_words(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    other = second_assessor()
    code = codes(assessment)[0]
    services.score_save(
        assessment=assessment, criterion_code=code, by=other, expected_version=0,
        score=1, not_evidenced=False, rationale="Theirs",
    )  # fmt: skip
    client.force_login(cast.assessor)
    url = reverse("review_criterion", kwargs=_kw(assessment, criterion=code))
    response = client.post(url, {"score": "4", "rationale": "Mine, not lost", "version": "0"})
    assert response.status_code == 409
    assert "Mine, not lost" in response.content.decode()
    assert AssessorScore.objects.get(criterion_code=code).rationale == "Theirs"


def test_principle_score_calculated_from_assessor_scores_and_overall_rating(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 4)
    ws = workspace(assessment)
    assert all(p.calculated == 4 for p in ws.principles)
    assert ws.overall.rating == "Outstanding"
    assert not ws.unscored


def test_override_one_level_with_rationale(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 3)
    client.force_login(cast.assessor)
    url = reverse("review_principle", kwargs=_kw(assessment, number=1))
    response = client.post(url, {"override": "4", "rationale": "Strong lived-experience board"})
    assert response.status_code == 302
    ws = workspace(assessment)
    assert (ws.principles[0].calculated, ws.principles[0].final) == (3, 4)
    assert ReviewEvent.objects.filter(kind=ReviewEvent.Kind.OVERRIDE, subject="1").exists()
    # Back to the calculated score.
    client.post(url, {"override": "none", "rationale": ""})
    assert workspace(assessment).principles[0].final == 3


def test_override_of_two_levels_or_without_rationale_is_refused(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    score_all(assessment, cast.assessor, 3)
    client.force_login(cast.assessor)
    url = reverse("review_principle", kwargs=_kw(assessment, number=1))
    response = client.post(url, {"override": "1", "rationale": "Too far, kept"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "by one level only" in page and "Too far, kept" in page
    response = client.post(url, {"override": "2", "rationale": "  "})
    assert response.status_code == 400
    assert "Explain why you are overriding" in response.content.decode()
    assert workspace(assessment).principles[0].final == 3


def test_override_before_criteria_are_scored_is_refused(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    with pytest.raises(ValidationError):
        services.override_save(
            assessment=assessment, principle_number=1, calculated=None, by=cast.assessor,
            override=2, rationale="Why",
        )  # fmt: skip


def test_services_refuse_organisation_people(cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    with pytest.raises(PermissionDenied):
        services.score_save(
            assessment=assessment, criterion_code=codes(assessment)[0], by=cast.lead_a,
            expected_version=0, score=4, not_evidenced=False, rationale="",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.notes_save(assessment=assessment, by=cast.lead_a, expected_version=0, notes="x")
    with pytest.raises(PermissionDenied):
        services.review_start(assessment=assessment, by=cast.lead_a)


def test_cqc_notes_saved_and_never_on_organisation_pages(client, cast):
    assessment = helpers.submitted(cast)
    client.force_login(cast.assessor)
    secret = "Secret CQC-only remark about governance"
    url = reverse("review_notes", kwargs=_kw(assessment))
    assert client.post(url, {"notes": secret, "version": "0"}).status_code == 302
    assert Review.objects.get(assessment=assessment).cqc_notes == secret
    assert secret in client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    # A stale save keeps the typed words.
    response = client.post(url, {"notes": "Newer words typed", "version": "0"})
    assert response.status_code == 409 and "Newer words typed" in response.content.decode()
    # The organisation posting to the notes is refused and changes nothing.
    client.force_login(cast.lead_a)
    assert client.post(url, {"notes": "Org words", "version": "1"}).status_code == 403
    assert Review.objects.get(assessment=assessment).cqc_notes == secret
    for name, kwargs in (
        ("assessment_overview", _kw(assessment)),
        ("submission_list", _kw(assessment)),
        ("submission_detail", _kw(assessment, number=1)),
        ("assessment_history", _kw(assessment)),
    ):
        page = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert secret not in page, name


def test_score_radios_carry_level_names_in_the_organisations_order(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    code = codes(assessment)[0]
    page = client.get(reverse("review_criterion", kwargs=_kw(assessment, criterion=code))).content.decode()
    labels = [
        "1 – Significant shortfalls",
        "2 – Some shortfalls",
        "3 – Good standard",
        "4 – Exceptional standard",
        "Not evidenced</label>",
    ]
    form = page[page.index('name="score"') - 200 :]
    positions = [form.index(label) for label in labels]
    assert positions == sorted(positions)
    # Each level's descriptor is read with its radio, as on the organisation's page.
    descriptor = workspace(assessment).principles[0].criteria[0].descriptors[2][1]
    assert f'id="score-3-hint" class="govuk-hint govuk-radios__hint app-text">{escape(descriptor)}' in page


def test_save_and_go_to_the_next_criterion(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    all_codes = codes(assessment)
    # The last criterion of a principle leads to the first of the next principle.
    ws = workspace(assessment)
    last_of_first = ws.principles[0].criteria[-1].code
    first_of_second = ws.principles[1].criteria[0].code
    url = reverse("review_criterion", kwargs=_kw(assessment, criterion=last_of_first))
    page = client.get(url).content.decode()
    assert "Save and go to the next criterion" in page
    assert f"Criterion {all_codes.index(last_of_first) + 1} of {len(all_codes)}" in page
    response = client.post(url, {"score": "3", "rationale": "Seen", "version": "0", "then": "next"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "review_criterion", kwargs=_kw(assessment, criterion=first_of_second)
    )
    assert AssessorScore.objects.get(criterion_code=last_of_first).score == 3
    # "Save score" goes back to the workspace, as before.
    url = reverse("review_criterion", kwargs=_kw(assessment, criterion=first_of_second))
    response = client.post(url, {"score": "2", "rationale": "Seen", "version": "0"})
    assert response["Location"].startswith(reverse("review_workspace", kwargs=_kw(assessment)))
    # The last criterion offers no next one.
    url = reverse("review_criterion", kwargs=_kw(assessment, criterion=all_codes[-1]))
    assert "Save and go to the next criterion" not in client.get(url).content.decode()
    response = client.post(url, {"score": "4", "rationale": "Seen", "version": "0", "then": "next"})
    assert response["Location"].startswith(reverse("review_workspace", kwargs=_kw(assessment)))


def test_workspace_shows_criterion_titles(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    row = workspace(assessment).principles[0].criteria[0]
    page = client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    assert f">{escape(row.code + ' ' + row.text)}</a>" in page


def test_history_shows_each_event_whole_in_time_order(client, cast):
    from engagement_portal.dates import govuk_date

    assessment = in_review(helpers.submitted(cast), cast.assessor)
    cast.assessor.first_name, cast.assessor.last_name = "Laura", "Evans"
    cast.assessor.save()
    services.question_ask(assessment=assessment, by=cast.assessor, body="Tell us more.")
    services.question_ask(assessment=assessment, by=cast.assessor, body="Which?", criterion_code="1.1")
    services.score_save(
        assessment=assessment, criterion_code="1.1", by=cast.assessor, expected_version=0,
        score=3, not_evidenced=False, rationale="Seen.",
    )  # fmt: skip
    client.force_login(cast.assessor)
    page = client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    history = page[page.index('id="review-history"') :]
    history = history[: history.index("</ul>")]
    assert "Question asked: The whole self-assessment, by Laura Evans" in history
    assert "Question asked: Criterion 1.1, by Laura Evans" in history
    assert "Criterion 1.1 scored: 3 – Good standard, by Laura Evans" in history
    assert "Status changed to in review, by Laura Evans" in history
    # Oldest first: submitted, then in review, then the questions.
    assert history.index("Status changed to submitted") < history.index("Status changed to in review")
    assert history.index("Status changed to in review") < history.index("Question asked")
    # GOV.UK dates and times: "2 December 2026 at 1:15pm".
    assert f"{govuk_date(timezone.localdate())} at " in history
    assert re.search(r" at (\d{1,2}(:\d\d)?(am|pm)|midday|midnight): ", history)


def test_the_history_names_everyone_the_review_was_assigned_to(cast, client):
    """The workspace reads the assessors only when its history names someone besides the
    review's assessor (reviews/history.entries): each is still named in full."""
    two = second_assessor()
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    services.review_assign(assessment=assessment, by=cast.assessor, assignee=two)
    client.force_login(cast.assessor)
    page = client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    assert "Assigned to Sam Second" in page
    services.review_assign(assessment=assessment, by=two, assignee=cast.assessor)
    services.review_assign(assessment=assessment, by=cast.assessor, assignee=None)
    page = client.get(reverse("review_workspace", kwargs=_kw(assessment))).content.decode()
    assert "Assigned to Sam Second" in page
    assert f"Assigned to {escape(cast.assessor.get_full_name())}" in page
    assert "Unassigned" in page
