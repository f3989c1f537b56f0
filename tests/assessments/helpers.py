"""Builders for self-assessment tests: cycles, started and submitted assessments, evidence files."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentCycle, CriterionResponse
from evidence.models import Citation, EvidenceFile, EvidenceItem


def open_cycle(label: str = "2026/27", slug: str = "2026-27", *, days_ago: int = 30) -> AssessmentCycle:
    today = timezone.localdate()
    cycle, _ = AssessmentCycle.objects.get_or_create(
        slug=slug,
        defaults={
            "label": label,
            "opens_on": today - datetime.timedelta(days=days_ago),
            "closes_on": today + datetime.timedelta(days=300),
        },
    )
    return cycle


def earlier_cycle(label: str = "2025/26", slug: str = "2025-26") -> AssessmentCycle:
    today = timezone.localdate()
    cycle, _ = AssessmentCycle.objects.get_or_create(
        slug=slug,
        defaults={
            "label": label,
            "opens_on": today - datetime.timedelta(days=400),
            "closes_on": today - datetime.timedelta(days=40),
        },
    )
    return cycle


def start(cast, cycle: AssessmentCycle | None = None, *, organisation=None, lead=None) -> Assessment:
    """An assessment started through the service (in an open cycle)."""
    return services.assessment_start(
        organisation=organisation or cast.org_a, cycle=cycle or open_cycle(), by=lead or cast.lead_a
    )


def start_in_past_cycle(cast, cycle: AssessmentCycle, *, organisation=None, lead=None) -> Assessment:
    """An assessment in a cycle that has closed: started as if while it was open."""
    organisation = organisation or cast.org_a
    today = timezone.localdate()
    opens, closes = cycle.opens_on, cycle.closes_on
    AssessmentCycle.objects.filter(pk=cycle.pk).update(
        opens_on=min(opens, today), closes_on=max(closes, today)
    )
    cycle.refresh_from_db()
    try:
        return services.assessment_start(organisation=organisation, cycle=cycle, by=lead or cast.lead_a)
    finally:
        AssessmentCycle.objects.filter(pk=cycle.pk).update(opens_on=opens, closes_on=closes)
        cycle.refresh_from_db()


def answer_all(
    assessment: Assessment, score: int | None = 3, *, narrative: str = "Our evidence shows this."
) -> None:
    """Every criterion answered at once (test set-up only: real saves go through response_save)."""
    CriterionResponse.objects.filter(assessment=assessment).update(
        score=score, not_evidenced=score is None, narrative=narrative, version=1
    )


def evidence_file(
    organisation,
    by,
    *,
    title: str = "Board minutes, March 2026",
    category: str = EvidenceItem.Category.PROCESSES,
    content: bytes | None = None,
    name: str = "board-minutes.txt",
    scan_status: str = EvidenceFile.ScanStatus.CLEAN,
    item: EvidenceItem | None = None,
) -> EvidenceFile:
    """A real stored file: an item (or a new revision of `item`) with its SHA-256."""
    content = content if content is not None else f"{title}\n{uuid.uuid4()}\n".encode()
    if item is None:
        item = EvidenceItem.objects.create(
            organisation=organisation,
            title=title,
            kind=EvidenceItem.Kind.BOARD_MINUTES,
            category=category,
            evidence_date=datetime.date(2026, 3, 12),
            created_by=by,
        )
    key = storages["evidence"].save(f"{uuid.uuid4().hex}", ContentFile(content))
    return EvidenceFile.objects.create(
        item=item,
        revision=item.files.count() + 1,
        storage_key=key,
        original_name=name,
        size=len(content),
        content_type="text/plain",
        sha256=hashlib.sha256(content).hexdigest(),
        scan_status=scan_status,
        text=content.decode(errors="replace"),
        text_status=EvidenceFile.TextStatus.DONE,
        uploaded_by=by,
    )


def response(assessment: Assessment, code: str) -> CriterionResponse:
    return CriterionResponse.objects.select_related("assessment", "criterion").get(
        assessment=assessment, criterion__code=code
    )


def cite(assessment: Assessment, code: str, file: EvidenceFile, by, *, location: str = "Page 1") -> Citation:
    return services.citation_add(
        response=response(assessment, code), by=by, file_id=file.pk, location=location, note="Shows it."
    )


def cite_everywhere(assessment: Assessment, by, categories: tuple[str, ...] = ("PR", "PE")) -> None:
    """Evidence from two categories cited under every criterion, so nothing warns."""
    files = [
        evidence_file(assessment.organisation, by, title=f"Evidence {category}", category=category)
        for category in categories
    ]
    rows = [
        Citation(response=r, file=f, location="Page 1", note="Shows it.", created_by=by)
        for r in CriterionResponse.objects.filter(assessment=assessment)
        for f in files
    ]
    Citation.objects.bulk_create(rows)


def submit(assessment: Assessment, lead, **kwargs):
    return services.assessment_submit(
        assessment=assessment, by=lead, declaration=True, acknowledged_warnings=True, **kwargs
    )


def submitted(cast, cycle: AssessmentCycle | None = None) -> Assessment:
    """Organisation A's assessment, fully answered with evidence, and submitted by its lead."""
    cycle = cycle or open_cycle()
    if cycle.is_open_on(timezone.localdate()):
        assessment = start(cast, cycle)
    else:
        assessment = start_in_past_cycle(cast, cycle)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    submit(assessment, cast.lead_a)
    assessment.refresh_from_db()
    return assessment
