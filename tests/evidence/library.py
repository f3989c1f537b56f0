"""Builders for evidence library tests: stored items and files, citations, submitted assessments.

Rows are made directly (the self-assessment pages are built elsewhere); a submitted assessment
is one with a Submission row, made in the order the real flow makes them: answers and citations
while it is a draft, then the submission, then the status.
"""

from __future__ import annotations

import hashlib
import re

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone
from django.utils.text import slugify

from assessments.models import Assessment, AssessmentCycle, CriterionResponse, Submission
from evidence.models import Citation, EvidenceFile, EvidenceItem
from evidence.services import new_storage_key
from principles.models import Criterion, RubricVersion
from tests.evidence import crafted


def stored_file(
    organisation,
    by,
    *,
    title: str = "Board minutes, March 2026",
    content: bytes | None = None,
    name: str = "minutes.pdf",
    content_type: str = "application/pdf",
    scan_status: str = EvidenceFile.ScanStatus.CLEAN,
    text: str = "",
    item: EvidenceItem | None = None,
    **item_fields,
) -> EvidenceFile:
    """A file in the evidence store and its rows: a new item, or a new revision of `item`."""
    content = crafted.pdf(title=title) if content is None else content
    if item is None:
        item_fields.setdefault("kind", EvidenceItem.Kind.BOARD_MINUTES)
        item_fields.setdefault("category", EvidenceItem.Category.PROCESSES)
        item = EvidenceItem.objects.create(
            organisation=organisation, title=title, created_by=by, **item_fields
        )
    key = storages["evidence"].save(new_storage_key(), ContentFile(content))
    return EvidenceFile.objects.create(
        item=item,
        revision=item.files.count() + 1,
        storage_key=key,
        original_name=name,
        size=len(content),
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        scan_status=scan_status,
        text=text,
        uploaded_by=by,
    )


def cycle(label: str = "2026/27") -> AssessmentCycle:
    fields = {"opens_on": timezone.localdate().replace(month=4, day=1)}
    fields["closes_on"] = fields["opens_on"].replace(year=fields["opens_on"].year + 1)
    if any(field.name == "slug" for field in AssessmentCycle._meta.get_fields()):
        fields["slug"] = slugify(label.replace("/", "-"))
    found, _ = AssessmentCycle.objects.get_or_create(label=label, defaults=fields)
    return found


def assessment(organisation, by, *, label: str = "2026/27") -> Assessment:
    found = Assessment.objects.filter(organisation=organisation, cycle__label=label).first()
    return found or Assessment.objects.create(
        organisation=organisation,
        cycle=cycle(label),
        rubric_version=RubricVersion.objects.get(label="2026"),
        started_by=by,
    )


def cite(
    file: EvidenceFile, by, *, code: str = "1.1", label: str = "2026/27", location: str = ""
) -> Citation:
    """A citation from the owning organisation's assessment (a draft until submit() is called)."""
    organisation = file.item.organisation
    answer, _ = CriterionResponse.objects.get_or_create(
        assessment=assessment(organisation, by, label=label),
        criterion=Criterion.objects.get(principle__version__label="2026", code=code),
    )
    return Citation.objects.create(response=answer, file=file, location=location, created_by=by)


def submit(target: Assessment, by, *, status: str = Assessment.Status.SUBMITTED) -> Assessment:
    """Submit to CQC: a Submission row, then the new status (submitted, in review, assessed...)."""
    Submission.objects.create(
        assessment=target,
        number=target.submissions.count() + 1,
        snapshot={"assessment": target.pk},
        sha256="0" * 64,
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    Assessment.objects.filter(pk=target.pk).update(status=status)
    target.refresh_from_db()
    return target


def cite_and_submit(file: EvidenceFile, by, *, code: str = "1.1", label: str = "2026/27") -> Citation:
    citation = cite(file, by, code=code, label=label)
    submit(citation.response.assessment, by)
    return citation


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed, for phrases split by markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
