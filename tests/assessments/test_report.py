"""The PDF self-assessment report: what it says, that it is tagged for accessibility, who gets
which report, and that a submitted report is rendered once and then streamed from storage."""

from __future__ import annotations

import datetime
import io
import math
import re

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments import report, services, tasks
from assessments.models import Assessment, DraftReportRender, RenderedReport
from principles.models import Principle
from reviews import services as review_services
from reviews.models import Outcome
from tests.assessments.helpers import (
    answer_all,
    cite,
    earlier_cycle,
    evidence_file,
    response,
    start,
    submit,
    submitted,
)
from tests.assessments.review_helpers import codes, second_assessor

pytestmark = pytest.mark.django_db


def url(name: str, assessment: Assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def pdf_of(http_response) -> bytes:
    if http_response.streaming:
        return b"".join(http_response.streaming_content)
    return http_response.content


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def flat(text: str) -> str:
    """The text with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.split())


def squashed(text: str) -> str:
    """The text without whitespace, for values a line may break inside (hashes)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def render_calls(monkeypatch) -> list:
    """Every call to render a report, counted."""
    calls = []
    real = report.render_report

    def counting(data):
        calls.append(data)
        return real(data)

    monkeypatch.setattr(report, "render_report", counting)
    return calls


# ---------------------------------------------------------------------------------------------
# What a submitted report says


def test_a_submitted_report_shows_what_was_submitted(client, cast):
    assessment = submitted(cast)
    submission = assessment.submissions.get()
    client.force_login(cast.lead_a)

    reply = client.get(url("submission_report", assessment, number=1))

    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"] == (
        'attachment; filename="alderley-integrated-care-system-2026-27-self-assessment-submission-1.pdf"'
    )
    assert reply["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in reply["Cache-Control"]
    pdf = pdf_of(reply)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert "Alderley Integrated Care System" in text
    for title in Principle.objects.filter(version=assessment.rubric_version).values_list("title", flat=True):
        assert title in text
    assert "3 – Good standard" in text  # every criterion's score
    assert "3 of 4" in text  # every principle's score
    assert "Evidence PR" in text and "Evidence PE" in text  # cited evidence, and the index
    assert submission.sha256 in squashed(text)
    assert "Submitted to CQC" in text
    assert "Draft" not in text


def test_the_report_is_tagged_for_accessibility_with_a_language_and_a_title(client, cast):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)

    reader = pypdf.PdfReader(io.BytesIO(pdf_of(client.get(url("submission_report", assessment, number=1)))))

    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == "Self-assessment report: Alderley Integrated Care System, 2026/27"


def _structure(node, found: list) -> None:
    node = node.get_object()
    if isinstance(node, dict):
        if node.get("/S") is not None:
            found.append(node)
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, list) else [kids]:
                _structure(kid, found)


def test_the_chart_is_a_figure_with_a_text_alternative(client, cast):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    reader = pypdf.PdfReader(io.BytesIO(pdf_of(client.get(url("submission_report", assessment, number=1)))))

    elements: list = []
    _structure(reader.trailer["/Root"]["/StructTreeRoot"], elements)

    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert len(figures) == 1
    alternative = str(figures[0]["/Alt"])
    assert alternative.startswith("Bar chart of the self-assessed score of each principle")
    assert "1. Strong leadership: 3 of 4" in alternative
    tags = {e["/S"] for e in elements}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/P"} <= tags


def assert_no_near_empty_pages(reader) -> None:
    """Every page but the cover and the last carries at least a third of a full page's text."""
    lengths = [len(flat(page.extract_text())) for page in reader.pages]
    fullest = max(lengths)
    for number, length in enumerate(lengths[1:-1], start=2):
        assert length >= fullest / 3, f"page {number} is near-empty: {length} of {fullest} characters"


def test_the_contents_give_each_section_its_page_number(client, cast):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    reader = pypdf.PdfReader(io.BytesIO(pdf_of(client.get(url("submission_report", assessment, number=1)))))

    contents = reader.pages[1].extract_text()

    assert "Section Page" in contents
    pages = {name: int(n) for name, n in re.findall(r"^(.+?) (\d+)$", contents, re.M)}
    # The summary follows the contents on their page; the sections follow on, in order.
    assert pages["Summary"] == 2
    assert "Summary" in contents
    assert list(pages.values()) == sorted(pages.values())
    assert "1. Strong leadership" in reader.pages[pages["1. Strong leadership"] - 1].extract_text()
    assert "Evidence index" in pages
    assert_no_near_empty_pages(reader)
    last = len(reader.pages)
    assert pages["Evidence index"] == last
    assert "Evidence index" in reader.pages[last - 1].extract_text()
    assert f"Page {last} of {last}" in reader.pages[last - 1].extract_text()
    assert (
        "Alderley Integrated Care System · 2026/27 self-assessment" in reader.pages[last - 1].extract_text()
    )


def test_each_criterion_shows_its_levels_descriptor_narrative_and_cited_evidence(client, cast):
    assessment = start(cast)
    answer_all(assessment, narrative="Named leads in every partner organisation.")
    file = evidence_file(cast.org_a, cast.lead_a, title="Partnership board minutes, March 2026")
    cite(assessment, "1.1", file, cast.lead_a, location="Item 6")
    submit(assessment, cast.lead_a)
    descriptor = (
        assessment.rubric_version.principles.get(number=1).criteria.get(code="1.1").levels.get(level=3)
    )
    client.force_login(cast.viewer_a)

    text = text_of(pdf_of(client.get(url("submission_report", assessment, number=1))))

    assert "Named leads in every partner organisation." in text
    assert squashed(descriptor.text) in squashed(text)
    assert "Partnership board minutes, March 2026, 12 March 2026 (Item 6): Shows it." in text
    # The evidence index: kind, category, date, file name and the start of the SHA-256.
    index = squashed(text[text.rindex("Evidence index") :])
    for value in ("Board or committee minutes", "Processes", "12 March 2026", "board-minutes.txt"):
        assert squashed(value) in index
    assert file.sha256[:12] in text


# ---------------------------------------------------------------------------------------------
# CQC's outcome, once finalised

NOTES = "CQC-ONLY-NOTES: the chair seemed unprepared"
RATIONALE = "CQC-ONLY-RATIONALE for"
OVERRIDE = "CQC-ONLY-OVERRIDE: the board papers outweigh the minutes"
MODERATION = "CQC-ONLY-MODERATION: evidence of reach is thinner than scored"
QUESTION = "CQC-ONLY-DRAFT-QUESTION never sent"


def in_review_and_scored(cast, assessment):
    """Taken into review and scored 2 throughout (self-scores are 3), with everything CQC-only a
    review can hold: notes, a rationale for every score, an override, a moderation, an unsent
    question."""
    review_services.review_start(assessment=assessment, by=cast.assessor)
    assessment.refresh_from_db()
    for code in codes(assessment):
        review_services.score_save(
            assessment=assessment,
            criterion_code=code,
            by=cast.assessor,
            expected_version=0,
            score=2,
            not_evidenced=False,
            rationale=f"{RATIONALE} {code}",
        )
    review_services.notes_save(assessment=assessment, by=cast.assessor, expected_version=0, notes=NOTES)
    review_services.override_save(
        assessment=assessment,
        principle_number=2,
        calculated=2,
        by=cast.assessor,
        override=3,
        rationale=OVERRIDE,
    )
    review_services.moderate(
        assessment=assessment,
        principle_number=5,
        by=second_assessor(),
        agrees=False,
        score=1,
        reason=MODERATION,
    )
    review_services.question_ask(assessment=assessment, by=cast.assessor, criterion_code="1.1", body=QUESTION)
    return assessment


def share(cast, assessment) -> None:
    review_services.outcome_share(
        assessment=assessment,
        by=cast.assessor,
        summaries={str(n): f"CQC's summary of principle {n}: leaders are visible." for n in range(1, 9)},
        fa_deadline=timezone.localdate() + datetime.timedelta(days=14),
    )


def finalise(cast, assessment) -> None:
    review_services.outcome_finalise(assessment=assessment, by=cast.assessor, reason="No more comments.")
    assessment.refresh_from_db()


def assessed(cast):
    assessment = in_review_and_scored(cast, submitted(cast))
    share(cast, assessment)
    finalise(cast, assessment)
    return assessment


def test_the_assessed_report_puts_cqcs_scores_beside_the_self_assessed_ones(client, cast):
    assessment = assessed(cast)
    client.force_login(cast.viewer_a)

    reader = pypdf.PdfReader(io.BytesIO(pdf_of(client.get(url("submission_report", assessment, number=1)))))
    text = flat("\n".join(page.extract_text() for page in reader.pages))

    final = Outcome.objects.get().final
    finalised_on = f"{timezone.localdate():%-d %B %Y}"
    cover = flat(reader.pages[0].extract_text())
    assert f"Assessed by CQC on {finalised_on}" in cover
    assert f"CQC's rating {final['rating']} ({final['percentage']})" in cover
    assert "Submitted to CQC" not in cover
    assert f"CQC's overall rating: {final['rating']} ({final['percentage']})" in text
    assert f"CQC assessed submission 1 and finalised its outcome on {finalised_on}" in text
    for n in range(1, 9):
        assert f"CQC's summary of principle {n}: leaders are visible." in text
    # Principle scores: 2 throughout, but 3 where overridden and 1 where moderated.
    summary = text[text.index("Self-assessed score of each principle, beside CQC's score") :]
    assert "1. Strong leadership 3 of 4 75.0% 2 of 4" in summary
    assert "CQC's score: 3 of 4" in text and "CQC's score: 1 of 4" in text
    # Each criterion's scores, side by side.
    assert text.count("Self-assessed score: 3 – Good standard CQC's score: 2 – Some shortfalls") == len(
        codes(assessment)
    )
    # The contents list CQC's assessment, straight after the summary.
    contents = reader.pages[1].extract_text()
    pages = {name: int(n) for name, n in re.findall(r"^(.+?) (\d+)$", contents, re.M)}
    assert pages["Summary"] <= pages["CQC's assessment"] <= pages["Summary"] + 1
    assert "CQC's assessment" in reader.pages[pages["CQC's assessment"] - 1].extract_text()
    # The chart names the principles beside CQC's bars too, never "Principle 1".
    chart_html = report.report_html(
        report.report_for_submission(
            assessment.submissions.get(), outcome=report.outcome_for(assessment.submissions.get())
        )
    )
    for p in Principle.objects.filter(version=assessment.rubric_version):
        assert f">{p.number}. {p.title}</text>" in chart_html
    assert ">Principle 1</text>" not in chart_html
    # No near-empty pages: every page but the cover and the last is mostly full.
    assert_no_near_empty_pages(reader)
    # The chart gives CQC's score beside each self-assessed one, in its text alternative too.
    elements: list = []
    _structure(reader.trailer["/Root"]["/StructTreeRoot"], elements)
    [figure] = [e for e in elements if e["/S"] == "/Figure"]
    assert "1. Strong leadership: self-assessed 3 of 4, CQC 2 of 4" in str(figure["/Alt"])
    assert "CQC: 2 of 4" in text


def test_nothing_cqc_only_reaches_the_report(client, cast):
    assessment = in_review_and_scored(cast, submitted(cast))
    share(cast, assessment)
    comment = review_services.fa_comment_add(
        assessment=assessment, by=cast.lead_a, body="The panel met three times.", principle_number=2
    )
    review_services.fa_respond(comment=comment, by=cast.assessor, response="Corrected.")
    finalise(cast, assessment)

    for person in (cast.lead_a, cast.assessor):
        client.force_login(person)
        text = flat(text_of(pdf_of(client.get(url("submission_report", assessment, number=1)))))
        assert "CQC's assessment" in text
        for secret in (NOTES, RATIONALE, OVERRIDE, MODERATION, QUESTION):
            assert secret not in text, secret
        assert "CQC-ONLY" not in squashed(text)


def test_only_the_named_parts_of_the_final_outcome_reach_the_report(cast):
    """Whatever else the frozen outcome might ever carry stays out of the report."""
    assessment = submitted(cast)
    final = {
        "rating": "Requires improvement",
        "percentage": "50.0%",
        "notes": NOTES,
        "principles": [
            {
                "number": n,
                "title": f"Principle {n}",
                "score": 2,
                "self_score": 3,
                "summary": f"Summary {n}.",
                "rationale": OVERRIDE,
                "moderation": {"reason": MODERATION},
                "criteria": [
                    {
                        "code": f"{n}.1",
                        "self": "3 – Good standard",
                        "score": "2 – Some shortfalls",
                        "rationale": RATIONALE,
                    }
                ],
            }
            for n in range(1, 9)
        ],
    }
    outcome = report.OutcomeSection.from_final(final, finalised_at=timezone.now())

    data = report.report_for_submission(assessment.submissions.get(), outcome=outcome)
    text = flat(text_of(report.render_report(data).pdf))

    assert "CQC's rating: Requires improvement (50.0%)" in text
    assert "Summary 8." in text
    assert "CQC's score: 2 – Some shortfalls" in text
    assert "CQC-ONLY" not in squashed(text)
    # The fingerprint covers everything shown: a different summary is a different report.
    changed = {
        **final,
        "principles": [{**final["principles"][0], "summary": "Other."}, *final["principles"][1:]],
    }
    again = report.OutcomeSection.from_final(changed, finalised_at=outcome.finalised_at)
    assert again.fingerprint() != outcome.fingerprint()
    # ...and what is not shown does not change it.
    quiet = {**final, "notes": "Something else CQC-only"}
    assert report.OutcomeSection.from_final(quiet, finalised_at=outcome.finalised_at).fingerprint() == (
        outcome.fingerprint()
    )


def test_a_draft_outcome_is_not_in_the_report(client, cast):
    assessment = in_review_and_scored(cast, submitted(cast))
    share(cast, assessment)
    client.force_login(cast.lead_a)

    text = flat(text_of(pdf_of(client.get(url("submission_report", assessment, number=1)))))

    assert report.outcome_for(assessment.submissions.get()) is None
    assert "Submitted to CQC" in text
    assert "CQC's" not in text.replace("CQC's questions", "")
    assert "leaders are visible" not in text


def test_a_report_stored_before_finalising_is_not_served_after(client, cast, render_calls):
    assessment = in_review_and_scored(cast, submitted(cast))
    share(cast, assessment)
    client.force_login(cast.lead_a)
    before = pdf_of(client.get(url("submission_report", assessment, number=1)))
    earlier = RenderedReport.objects.get()
    assert earlier.outcome_sha256 == "" and "CQC's assessment" not in text_of(before)

    finalise(cast, assessment)
    after = pdf_of(client.get(url("submission_report", assessment, number=1)))
    again = client.get(url("assessment_report", assessment))

    assert len(render_calls) == 2
    assert "CQC's assessment" in text_of(after)
    assert pdf_of(again) == after
    stored = RenderedReport.objects.get()  # the one from before is gone, file and all
    assert stored.outcome_sha256 == report.outcome_for(assessment.submissions.get()).fingerprint() != ""
    assert not report.report_storage().exists(earlier.storage_key)


def test_a_render_queued_before_finalising_is_not_stored_as_the_assessed_report(client, cast, settings):
    assessment = in_review_and_scored(cast, submitted(cast))
    share(cast, assessment)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(cast.lead_a)
    client.get(url("submission_report", assessment, number=1))
    queued = RenderedReport.objects.get()

    finalise(cast, assessment)

    assert report.store_submission_report(queued.pk) == "stale"  # the worker, late
    reply = client.get(url("submission_report", assessment, number=1))
    assert reply.status_code == 302  # a new render, with the outcome, is being prepared
    current = report.submission_report(assessment.submissions.get())
    assert current.pk != queued.pk and current.outcome_sha256
    assert report.store_submission_report(current.pk) == "ready"
    assert "CQC's assessment" in flat(
        text_of(pdf_of(client.get(url("submission_report", assessment, number=1))))
    )
    assert list(RenderedReport.objects.values_list("pk", flat=True)) == [current.pk]


def test_only_the_assessed_submission_shows_the_outcome(client, cast):
    assessment = submitted(cast)
    services.assessment_return(assessment=assessment, by=cast.assessor, comment="More on 1.1, please.")
    submit(assessment, cast.lead_a, reply="We have added the March minutes.")
    assessment.refresh_from_db()
    in_review_and_scored(cast, assessment)
    share(cast, assessment)
    finalise(cast, assessment)
    client.force_login(cast.lead_a)

    first = flat(text_of(pdf_of(client.get(url("submission_report", assessment, number=1)))))
    second = flat(text_of(pdf_of(client.get(url("submission_report", assessment, number=2)))))

    assert "Submitted to CQC" in first and "CQC's assessment" not in first
    assert "Assessed by CQC" in second and "CQC's assessment" in second


# ---------------------------------------------------------------------------------------------
# Drafts


def test_a_draft_report_is_watermarked_and_never_stored_or_cached(client, cast, render_calls):
    assessment = start(cast)
    answer_all(assessment, narrative="Work in progress on the strategy.")
    client.force_login(cast.contributor_a)

    first = client.get(url("assessment_report", assessment))
    second = client.get(url("assessment_report", assessment))

    assert first.status_code == second.status_code == 200
    assert first["Cache-Control"] == "private, no-store"
    name = r"alderley-integrated-care-system-2026-27-self-assessment-draft-\d{4}-\d{2}-\d{2}\.pdf"
    assert re.fullmatch(f'attachment; filename="{name}"', first["Content-Disposition"])
    text = text_of(first.content)
    assert "Draft: not submitted to CQC" in text
    assert "Work in progress on the strategy." in text
    assert "In progress: a draft, not submitted to CQC" in text
    assert len(render_calls) == 2
    assert not RenderedReport.objects.exists()


def test_each_person_may_render_only_so_many_drafts_in_ten_minutes(client, cast, settings, render_calls):
    settings.DRAFT_REPORT_LIMIT = 2
    assessment = start(cast)
    earlier = submitted(cast, earlier_cycle())
    client.force_login(cast.contributor_a)
    assert client.get(url("assessment_report", assessment)).status_code == 200
    assert client.get(url("assessment_report", assessment)).status_code == 200

    before = timezone.now()
    refused = client.get(url("assessment_report", assessment))
    after = timezone.now()

    assert refused.status_code == 429
    assert len(render_calls) == 2
    page = refused.content.decode()
    # Free again 10 minutes after the first of the two, however long the renders took (the
    # bounds come from the recorded render and the clock around the request, not a guess).
    free_at = DraftReportRender.objects.filter(user=cast.contributor_a).earliest(
        "at"
    ).at + datetime.timedelta(minutes=10)
    assert math.ceil((free_at - after).total_seconds()) <= int(refused["Retry-After"])
    assert int(refused["Retry-After"]) <= math.ceil((free_at - before).total_seconds())
    assert f"Try again in {math.ceil((free_at - before).total_seconds() / 60)} minutes" in page or (
        f"Try again in {math.ceil((free_at - after).total_seconds() / 60)} minutes" in page
    )
    assert "You have downloaded 2 draft reports in the last 10 minutes" in page
    # Submitted reports, and other people, are not held back.
    assert client.get(url("submission_report", earlier, number=1)).status_code == 200
    client.force_login(cast.lead_a)
    assert client.get(url("assessment_report", assessment)).status_code == 200
    # Once the first draft is 9 minutes old, one more is a minute away; at 10 minutes, it is free.
    client.force_login(cast.contributor_a)
    first = DraftReportRender.objects.filter(user=cast.contributor_a).order_by("at").first()
    DraftReportRender.objects.filter(pk=first.pk).update(at=first.at - datetime.timedelta(minutes=9))
    assert "Try again in 1 minute<" in client.get(url("assessment_report", assessment)).content.decode()
    DraftReportRender.objects.filter(pk=first.pk).update(at=first.at - datetime.timedelta(minutes=10))
    assert client.get(url("assessment_report", assessment)).status_code == 200
    assert not DraftReportRender.objects.filter(pk=first.pk).exists()  # gone once out of the window
    # A limit of 0 turns drafts off.
    settings.DRAFT_REPORT_LIMIT = 0
    client.force_login(cast.viewer_a)
    off = client.get(url("assessment_report", assessment))
    assert off.status_code == 429 and "Try again in 10 minutes" in off.content.decode()


def test_a_viewer_gets_the_draft_and_another_organisation_gets_404(client, cast):
    assessment = start(cast)
    client.force_login(cast.viewer_a)
    assert client.get(url("assessment_report", assessment)).status_code == 200
    for person in (cast.lead_b, cast.assessor, cast.outsider, cast.rubric_admin):
        client.force_login(person)
        assert client.get(url("assessment_report", assessment)).status_code == 404, person


def test_assessors_get_what_was_submitted_never_the_draft_being_reworked(client, cast):
    assessment = submitted(cast)
    services.assessment_return(assessment=assessment, by=cast.assessor, comment="Say more about 1.1.")
    services.response_save(
        response=response(assessment, "1.1"),
        by=cast.lead_a,
        expected_version=1,
        score=4,
        not_evidenced=False,
        narrative="Unsubmitted working notes about 1.1.",
    )

    client.force_login(cast.assessor)
    theirs = text_of(pdf_of(client.get(url("assessment_report", assessment))))
    client.force_login(cast.lead_a)
    ours = text_of(pdf_of(client.get(url("assessment_report", assessment))))

    assert "Unsubmitted working notes" not in theirs
    assert "Submitted to CQC" in theirs
    assert "Unsubmitted working notes about 1.1." in ours
    assert "Draft: not submitted to CQC" in ours
    assert "Returned with questions: a draft, not submitted to CQC" in ours


# ---------------------------------------------------------------------------------------------
# Submitted reports are rendered once and kept


def test_a_submitted_report_is_rendered_once_and_then_streamed_from_storage(client, cast, render_calls):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)

    first = pdf_of(client.get(url("submission_report", assessment, number=1)))
    client.force_login(cast.assessor)
    second = client.get(url("submission_report", assessment, number=1))
    client.force_login(cast.viewer_a)
    third = client.get(url("assessment_report", assessment))  # the latest submission's

    assert len(render_calls) == 1
    assert second.streaming and third.streaming
    assert first == pdf_of(second) == pdf_of(third)
    stored = RenderedReport.objects.get()
    assert stored.status == RenderedReport.Status.READY
    assert stored.template_version == report.REPORT_VERSION
    assert stored.outcome_sha256 == ""
    assert stored.storage_key.startswith("reports/")
    assert stored.pages >= 10
    with report.report_storage().open(stored.storage_key) as f:
        assert f.read() == first


def test_a_new_report_template_version_renders_again(client, cast, render_calls, monkeypatch):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    client.get(url("submission_report", assessment, number=1))
    superseded = RenderedReport.objects.get().storage_key
    monkeypatch.setattr(report, "REPORT_VERSION", "test-next")

    reply = client.get(url("submission_report", assessment, number=1))

    assert pdf_of(reply).startswith(b"%PDF-")
    assert len(render_calls) == 2
    # The earlier version's report is no longer served, so it is deleted, file and all.
    assert list(RenderedReport.objects.values_list("template_version", flat=True)) == ["test-next"]
    assert not report.report_storage().exists(superseded)


def test_a_render_lost_with_its_worker_is_queued_again(client, cast, queued_tasks):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    client.get(url("submission_report", assessment, number=1))
    client.get(url("submission_report", assessment, number=1))
    assert DBTaskResult.objects.count() == 1  # pending, and recent: left to the worker

    RenderedReport.objects.update(
        requested_at=timezone.now() - tasks.LOST_AFTER - datetime.timedelta(minutes=1)
    )
    client.get(url("submission_report", assessment, number=1))

    assert DBTaskResult.objects.count() == 2
    assert RenderedReport.objects.get().requested_at > timezone.now() - datetime.timedelta(minutes=1)


def test_a_lost_stored_file_is_rendered_again(client, cast, render_calls):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    client.get(url("submission_report", assessment, number=1))
    report.report_storage().delete(RenderedReport.objects.get().storage_key)

    first = client.get(url("submission_report", assessment, number=1))
    second = client.get(url("submission_report", assessment, number=1))

    assert first.status_code == 302  # to the page saying what happened
    assert second.status_code == 200 and pdf_of(second).startswith(b"%PDF-")
    assert len(render_calls) == 2


@pytest.fixture
def queued_tasks(settings):
    """Tasks queued in the database and left there, as in production until the worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_report_being_prepared_has_a_page_that_offers_it_when_ready(client, cast, queued_tasks):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    status_url = url("submission_report_status", assessment, number=1)

    assert "Prepare the report" in client.get(status_url).content.decode()
    reply = client.get(url("submission_report", assessment, number=1))
    assert reply.status_code == 302 and reply["Location"] == status_url
    client.get(url("submission_report", assessment, number=1))  # asking again queues nothing more
    page = client.get(status_url).content.decode()
    assert "Your report is being prepared" in page and "Check again" in page
    row = RenderedReport.objects.get()
    assert row.status == RenderedReport.Status.PENDING
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [row.pk], "kwargs": {}}

    assert report.store_submission_report(row.pk) == "ready"  # what the worker does

    page = client.get(status_url).content.decode()
    assert "Your report is ready" in page
    assert url("submission_report", assessment, number=1) in page
    assert pdf_of(client.get(url("submission_report", assessment, number=1))).startswith(b"%PDF-")


def test_a_failed_render_says_so_and_is_tried_again(client, cast, monkeypatch):
    assessment = submitted(cast)
    client.force_login(cast.lead_a)
    real = report.render_report

    def broken(data):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(report, "render_report", broken)
    reply = client.get(url("submission_report", assessment, number=1), follow=True)
    assert "The report could not be prepared" in reply.content.decode()
    assert RenderedReport.objects.get().status == RenderedReport.Status.FAILED

    monkeypatch.setattr(report, "render_report", real)
    assert pdf_of(client.get(url("submission_report", assessment, number=1))).startswith(b"%PDF-")


def test_each_submission_has_its_own_report(client, cast):
    assessment = submitted(cast)
    services.assessment_return(assessment=assessment, by=cast.assessor, comment="More on 1.1, please.")
    submit(assessment, cast.lead_a, reply="We have added the March minutes.")
    client.force_login(cast.assessor)

    first = text_of(pdf_of(client.get(url("submission_report", assessment, number=1))))
    second = text_of(pdf_of(client.get(url("submission_report", assessment, number=2))))

    assert "Number 1, submitted" in first and "We have added the March minutes." not in first
    assert "Number 2, submitted" in second and "We have added the March minutes." in second
    assert client.get(url("submission_report", assessment, number=3)).status_code == 404


# ---------------------------------------------------------------------------------------------
# The command line


def test_render_report_renders_the_latest_submission_or_else_the_draft(cast, tmp_path):
    draft = start(cast)
    earlier = submitted(cast, earlier_cycle())

    call_command("render_report", str(draft.pk), "--output", str(tmp_path / "draft.pdf"))
    call_command("render_report", str(earlier.pk), "--output", str(tmp_path / "submitted.pdf"))

    assert "Draft: not submitted to CQC" in text_of((tmp_path / "draft.pdf").read_bytes())
    submitted_text = text_of((tmp_path / "submitted.pdf").read_bytes())
    assert "2025/26" in submitted_text and earlier.submissions.get().sha256 in squashed(submitted_text)


# ---------------------------------------------------------------------------------------------
# Where the download is offered


def test_the_overview_and_the_submission_page_offer_the_report(client, cast):
    draft = start(cast)
    earlier = submitted(cast, earlier_cycle())
    client.force_login(cast.viewer_a)

    overview = client.get(url("assessment_overview", draft)).content.decode()
    assert f'href="{url("assessment_report", draft)}"' in overview
    assert "Download a draft report (PDF)" in overview
    submitted_overview = client.get(url("assessment_overview", earlier)).content.decode()
    assert "Download the submitted report (PDF)" in submitted_overview
    client.force_login(cast.assessor)
    page = client.get(url("submission_detail", earlier, number=1)).content.decode()
    assert f'href="{url("submission_report", earlier, number=1)}"' in page
    assert "Download submission 1 as a PDF" in page


def test_the_review_workspace_offers_the_submitted_and_then_the_assessed_report(client, cast):
    assessment = submitted(cast)
    client.force_login(cast.assessor)
    workspace = url("review_workspace", assessment)

    page = client.get(workspace).content.decode()
    assert f'href="{url("submission_report", assessment, number=1)}"' in page
    assert "Download the report of submission 1 (PDF)" in page
    assert "Submitted to CQC" in text_of(pdf_of(client.get(url("submission_report", assessment, number=1))))

    in_review_and_scored(cast, assessment)
    share(cast, assessment)
    finalise(cast, assessment)
    page = client.get(workspace).content.decode()
    assert "Download the assessed report (PDF)" in page
    assert "CQC's assessment" in text_of(pdf_of(client.get(url("submission_report", assessment, number=1))))
    client.force_login(cast.viewer_a)
    overview = client.get(url("assessment_overview", assessment)).content.decode()
    assert f'href="{url("assessment_report", assessment)}"' in overview
    assert "Download the assessed report (PDF)" in overview
