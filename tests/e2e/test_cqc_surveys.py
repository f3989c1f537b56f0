"""CQC's own survey in a browser (issue 16, item 6): an assessor starts a survey of an organisation's
partners from the review workspace and opens it; a partner answers it from the public link, on a
320-pixel phone with the keyboard alone; the assessor sees what it heard in the review, beside the
criteria its questions inform (in the workspace's table and on the criterion's page); the
organisation's lead finds nothing of it (404) until CQC's outcome is final, and then only the
totals. axe-core checks every page at 1280 and 320 pixels."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from reviews import services as review_services
from tests.assessments.helpers import submitted
from tests.assessments.review_helpers import in_review, score_all
from tests.voices.helpers import add_responses
from voices import answering
from voices.models import Response, Survey

from .portal import NARROW, WIDE
from .test_surveys import answer_with_the_keyboard, tab_to

pytestmark = pytest.mark.e2e

PRIVATE = "Their chair, Ms Smith, never answers our emails."


def test_cqc_hears_from_partners_and_the_organisation_sees_only_the_totals_once_final(portal, cast):
    page = portal.page
    assessment = in_review(submitted(cast), cast.assessor)
    kw = {"code": cast.org_a.code, "cycle": assessment.cycle.slug}

    # The assessor starts a partner survey from the review workspace, and opens it.
    portal.sign_in("assessor")
    portal.goto(reverse("review_workspace", kwargs=kw))
    portal.follow(page.get_by_role("link", name="Start a CQC survey of its partners or participants"))
    expect(page.get_by_label("Organisation")).to_have_value(cast.org_a.code)
    page.get_by_label("Partners").check()
    portal.submit("Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the survey")
    portal.submit("Save survey")
    portal.submit("Open the survey")
    survey = Survey.objects.get(run_by=Survey.RunBy.CQC, organisation=cast.org_a)
    assert survey.status == Survey.Status.OPEN
    expect(page.locator(".govuk-inset-text a")).to_have_text(re.compile(rf"/s/{survey.token}/$"))

    # A partner, signed out, on a phone, with the keyboard alone.
    page.context.clear_cookies()
    portal.use_width(NARROW)
    portal.goto(f"/s/{survey.token}/")
    expect(page.get_by_role("main")).to_contain_text("run by the Care Quality Commission (CQC)")
    expect(page.locator(".app-header__service-name")).to_have_text("Care Quality Commission")
    tab_to(portal, lambda a: a["tag"] == "BUTTON" and a["value"] == "start")
    portal.press("Enter")
    answer_with_the_keyboard(portal)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    assert Response.objects.filter(survey=survey).count() == 1

    # Enough partners to show counts; one question, and the criteria it informs.
    steps = answering.steps_for(survey)
    informing = next(s for s in steps if s.kind == "single" and s.criteria)
    criterion = informing.criteria[0]
    add_responses(survey, [{informing.key: "agree"}] * 11, free_text=PRIVATE)

    # The assessor sees what the survey heard in the review, beside the criterion: on the
    # workspace's own page and on the criterion's.
    portal.use_width(WIDE)
    portal.sign_in("assessor")
    portal.goto(reverse("review_workspace", kwargs=kw))
    link = page.get_by_role("link", name=re.compile(rf"^{re.escape(criterion)} "))
    row = page.get_by_role("row").filter(has=link)
    expect(row).to_contain_text(f"CQC's survey of partners: “{informing.text}”:")
    portal.follow(page.get_by_role("link", name=re.compile(rf"^{re.escape(criterion)} ")))
    findings = page.get_by_role("region", name=f"What CQC's survey heard on {criterion}")
    expect(findings).to_contain_text("12 people answered. Only CQC sees this.")
    expect(findings).to_contain_text(informing.text)
    expect(findings.get_by_role("table").first).to_contain_text("Agree")
    assert PRIVATE not in page.content()

    # The organisation's lead: nothing of it, not even in the list, and its pages are 404.
    cqc_results = reverse("survey_cqc_results", kwargs={"code": cast.org_a.code, "survey_id": survey.pk})
    portal.submit("Sign out")
    portal.sign_in("lead_a")
    portal.goto(reverse("survey_list", kwargs={"code": cast.org_a.code}))
    expect(page.get_by_role("main")).not_to_contain_text(survey.title)
    for path in (
        cqc_results,
        reverse("survey_results", kwargs={"code": cast.org_a.code, "survey_id": survey.pk}),
    ):
        response = portal.goto(path)
        assert response is not None and response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert portal.goto(reverse("cqc_survey_results", kwargs={"survey_id": survey.pk})).status == 403

    # CQC finalises its outcome; then the lead sees the totals, and nothing more.
    score_all(assessment, cast.assessor, 3)
    review_services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): f"Summary of principle {n}." for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=14),
    )
    review_services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="No comments.")
    portal.goto(reverse("survey_list", kwargs={"code": cast.org_a.code}))
    portal.follow(page.get_by_role("link", name=survey.title))
    assert page.url.endswith(cqc_results)
    main = page.get_by_role("main")
    expect(main).to_contain_text("12 people answered")
    expect(main).to_contain_text(informing.text)
    expect(main).not_to_contain_text("Ms Smith")  # CQC never included it
    expect(main).not_to_contain_text("Review free-text answers")
    expect(main).not_to_contain_text("Download")
    assert "/cqc-surveys/" not in page.content()
    portal.verify()
