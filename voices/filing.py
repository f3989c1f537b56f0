"""Filing a closed survey's results as evidence: a frozen snapshot and a PDF summary.

The snapshot is canonical JSON of exactly what the results page shows (small numbers already
hidden, free text as reviewed), with its SHA-256, like a submission's. The PDF (tagged, through
engagement_portal/lib/pdf.py's render_pdf) goes into the evidence library through the ordinary
upload service (checked, scanned, audited) as an item in the survey's evidence category, so it is
cited against criteria like any other evidence; its description gives the snapshot's SHA-256."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from audit.services import record
from engagement_portal.dates import govuk_date
from engagement_portal.lib.hashing import json_sha256
from engagement_portal.lib.pdf import render_pdf
from evidence import services as evidence_services
from evidence.models import EvidenceItem
from evidence.uploads import HashedUpload, incoming_directory
from voices import results
from voices.models import AUDIENCE_CATEGORY, FreeTextAnswer, Survey, SurveyFiling
from voices.services import SurveyRefused

SNAPSHOT_VERSION = 1


def _table(t: results.Table) -> dict:
    return {
        "key": t.key,
        "text": t.text,
        "kind": t.kind,
        "criteria": t.criteria,
        "cells": [
            {
                "answer": c.label,
                "people": c.count,
                "percent": c.percent,
                "population_percent": None if c.population is None else str(c.population),
            }
            for c in t.cells
        ],
    }


def snapshot(built: results.Results) -> dict:
    survey = built.survey
    version = survey.question_set.version
    return {
        "snapshot_version": SNAPSHOT_VERSION,
        "organisation": {"code": survey.organisation.code, "name": survey.organisation.name},
        "survey": {
            "id": survey.pk,
            "title": survey.title,
            "audience": survey.question_set.get_audience_display(),
            "run_by": survey.run_by,
            "cycle": survey.cycle.label,
            "opens_on": survey.opens_on.isoformat(),
            "closes_on": survey.closes_on.isoformat(),
            "introduction": survey.introduction,
        },
        "rubric": {"label": version.label, "content_hash": version.content_hash},
        "category": AUDIENCE_CATEGORY[survey.question_set.audience],
        "category_name": EvidenceItem.Category(AUDIENCE_CATEGORY[survey.question_set.audience]).label,
        "threshold": built.threshold,
        "respondents": built.respondents,
        "questions": [_table(t) for t in built.questions],
        "profile": [_table(t) for t in built.profile],
        "free_text": [{"question": g.text, "answers": g.answers} for g in built.free_text],
    }


def filing_refusal(survey: Survey) -> str:
    """Why these results cannot be filed yet, or ""."""
    if survey.is_cqc:
        return "CQC's surveys are CQC's evidence: they are never filed in the organisation's library."
    if survey.status != Survey.Status.CLOSED:
        return "Close the survey before filing its results as evidence."
    if SurveyFiling.objects.filter(survey=survey).exists():
        return "These results have already been filed as evidence."
    if FreeTextAnswer.objects.filter(survey=survey, review=FreeTextAnswer.Review.PENDING).exists():
        return "Review every free-text answer before filing the results as evidence."
    return ""


def render_summary(built: results.Results, data: dict, sha256: str) -> bytes:
    html = render_to_string("pdf/survey_results.html", {"results": built, "snapshot": data, "sha256": sha256})
    return render_pdf(html).pdf


def _upload(pdf: bytes, name: str) -> HashedUpload:
    upload = HashedUpload(name, "application/pdf", None, incoming_directory())
    upload.file.write(pdf)
    upload.file.flush()
    upload.file.seek(0)
    upload.size = len(pdf)
    upload.sha256 = hashlib.sha256(pdf).hexdigest()
    return upload


def file_results(*, survey: Survey, by) -> SurveyFiling:
    """Freeze the results and file them as evidence. SurveyRefused if they cannot be filed yet
    (or the upload service refuses the PDF)."""
    refusal = filing_refusal(survey)
    if refusal:
        raise SurveyRefused(refusal)
    built = results.build(survey)
    data = snapshot(built)
    sha256 = json_sha256(data)
    pdf = render_summary(built, data, sha256)
    upload = _upload(pdf, f"survey-results-{survey.pk}.pdf")
    details = evidence_services.ItemDetails(
        title=f"Survey results: {survey.title}"[:200],
        description=(
            f"{built.respondents} people answered this {survey.question_set.get_audience_display().lower()} "
            f"survey, {govuk_date(survey.opens_on)} to {govuk_date(survey.closes_on)}. Counts of fewer than "
            f"{built.threshold} people are not shown. Snapshot SHA-256: {sha256}."
        ),
        kind="survey_results",
        category=AUDIENCE_CATEGORY[survey.question_set.audience],
        evidence_date=survey.closes_on,
    )
    try:
        with transaction.atomic():
            locked = Survey.objects.select_for_update().get(pk=survey.pk)
            refusal = filing_refusal(locked)
            if refusal:
                raise SurveyRefused(refusal)
            file = evidence_services.evidence_item_create(
                organisation=survey.organisation, by=by, details=details, upload=upload
            )
            filing = SurveyFiling.objects.create(
                survey=locked,
                evidence_file=file,
                snapshot=data,
                sha256=sha256,
                filed_by=by,
                filed_at=timezone.now(),
            )
            record(
                "survey.filed",
                f"Filed the results of survey “{survey.title}” as evidence",
                actor=by,
                organisation=survey.organisation_id,
                obj=survey,
                detail={"object": f"survey “{survey.title}”", "sha256": sha256, "item_id": file.item_id},
            )
    except (evidence_services.UploadRefused, evidence_services.AlreadyHeld) as problem:
        raise SurveyRefused(f"The results could not be filed: {problem}") from None
    finally:
        upload.close()
    return filing
