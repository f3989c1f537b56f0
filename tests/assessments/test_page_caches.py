"""What the busy pages keep between requests (issue 19) never makes a page stale: each test warms
a cache by showing the page, changes what the page shows, and shows it again."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from assessments import services as sa_services
from assessments.models import CriterionResponse, Submission
from reviews import services, workspace
from reviews.models import Clarification
from tests.assessments import helpers
from tests.assessments.review_helpers import in_review

pytestmark = pytest.mark.django_db


def _kw(assessment, **extra):
    return {"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}


def _self_score(page: str, code: str) -> str:
    """The self-score cell of criterion `code`'s row in the workspace's table."""
    row = re.search(rf">{re.escape(code)} [^<]*</a></td>\s*<td [^>]*>([^<]*)</td>", page)
    assert row, f"no row for criterion {code}"
    return row.group(1)


def test_workspace_reads_a_resubmission_not_the_kept_snapshot(client, cast):
    assessment = in_review(helpers.submitted(cast), cast.assessor)
    client.force_login(cast.assessor)
    url = reverse("review_workspace", kwargs=_kw(assessment))
    assert _self_score(client.get(url).content.decode(), "1.1").startswith("3 ")
    # Returned with a question, answered, the answer changed and resubmitted: a new snapshot.
    client.post(
        reverse("review_question", kwargs=_kw(assessment)), {"question": "Which minutes?", "criterion": "1.1"}
    )
    services.assessment_return_with_questions(assessment=assessment, by=cast.assessor)
    for question in Clarification.objects.filter(assessment=assessment, parent=None):
        services.question_reply(question=question, by=cast.lead_a, body="The March minutes.")
    response = CriterionResponse.objects.get(assessment=assessment, criterion__code="1.1")
    sa_services.response_save(
        response=response, by=cast.lead_a, expected_version=response.version,
        score=4, not_evidenced=False, narrative="The March minutes show it.",
    )  # fmt: skip
    helpers.submit(assessment, cast.lead_a, reply="Answered.")
    assert assessment.submissions.count() == 2
    services.review_start(assessment=assessment, by=cast.assessor)
    page = client.get(url).content.decode()
    assert _self_score(page, "1.1").startswith("4 ")
    assert "Submission 2," in page


def test_kept_snapshots_are_keyed_by_sha256_and_bounded(cast, monkeypatch):
    """Read under (id, SHA-256): an id with another hash (a rolled-back database handing the id
    out again) is read again; and only the most recently used SNAPSHOTS_KEPT are kept."""
    monkeypatch.setattr(workspace, "SNAPSHOTS_KEPT", 1)
    first = Submission.objects.get(assessment=helpers.submitted(cast))
    assert workspace.snapshot(first.pk, first.sha256) == first.snapshot
    assert list(workspace._snapshots) == [(first.pk, first.sha256)]
    workspace.snapshot(first.pk, "0" * 64)
    assert list(workspace._snapshots) == [(first.pk, "0" * 64)]


def test_library_filter_form_follows_the_search_and_the_principles_offered(client, cast):
    """The evidence library keeps its filter form's HTML under what the form shows: another
    search shows its own words, and a newly published rubric version its principles' titles."""
    from principles import services as rubric_services
    from principles.models import RubricVersion

    client.force_login(cast.lead_a)
    url = reverse("evidence_library", kwargs={"code": cast.org_a.code})
    first = client.get(url, {"q": "minutes"}).content.decode()
    assert 'value="minutes"' in first
    second = client.get(url, {"q": "board"}).content.decode()
    assert 'value="board"' in second and 'value="minutes"' not in second
    assert "1. Fresh title for principle one" not in second
    published = RubricVersion.objects.get(label="2026")
    draft = rubric_services.rubric_new_draft(source=published, label="2027", by=cast.rubric_admin)
    rubric_services.rubric_update_principle(
        principle=draft.principles.get(number=1), by=cast.rubric_admin, title="Fresh title for principle one"
    )
    assert rubric_services.rubric_publish(version=draft, by=cast.rubric_admin) == []
    again = client.get(url, {"q": "board"}).content.decode()
    assert "1. Fresh title for principle one" in again


def test_criterion_answer_form_follows_the_saved_answer(client, cast):
    """The criterion page keeps its answer form's HTML under the answer it starts from: a saved
    change of level and narrative shows at once, for anyone who opens the page."""
    assessment = helpers.start(cast)
    url = reverse("assessment_criterion", kwargs=_kw(assessment, criterion="1.1"))
    client.force_login(cast.lead_a)
    first = client.get(url).content.decode()
    assert "Minutes of the March board" not in first
    assert not re.search(r'<input[^>]*value="3"[^>]*checked', first)
    response = CriterionResponse.objects.get(assessment=assessment, criterion__code="1.1")
    sa_services.response_save(
        response=response, by=cast.lead_a, expected_version=response.version,
        score=3, not_evidenced=False, narrative="Minutes of the March board show it.",
    )  # fmt: skip
    client.force_login(cast.contributor_a)
    second = client.get(url).content.decode()
    assert "Minutes of the March board show it." in second
    assert re.search(r'<input[^>]*value="3"[^>]*checked', second)
    assert f'name="version" value="{response.version + 1}"' in second
