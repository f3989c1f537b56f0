"""The evidence library: documents uploaded once and cited many times.

An EvidenceItem is what people name and describe ("Board minutes, 12 March 2026"); it holds one
or more EvidenceFile revisions. A revision is never overwritten: a new upload is a new row with
its own storage key and SHA-256, so a citation (which points at one revision) always shows
exactly the file that was cited, and a submitted assessment proves it by hash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from assessments.models import CriterionResponse, editable_only_manager, refuse_unless_editable


class EvidenceItem(models.Model):
    class Kind(models.TextChoices):
        # The cross-cutting evidence picklist from the rubric draft (§5.9), as document kinds.
        STRATEGY = "strategy", "Strategy or plan"
        ENGAGEMENT_PLAN = "engagement_plan", "Engagement plan or brief"
        BOARD_MINUTES = "board_minutes", "Board or committee minutes"
        BOARD_PAPER = "board_paper", "Board or committee paper"
        TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference or constitution"
        ANNUAL_REPORT = "annual_report", "Annual report"
        CONSULTATION = "consultation", "Consultation document or report"
        ENGAGEMENT_REPORT = "engagement_report", "Engagement or insight report"
        YOU_SAID_WE_DID = "you_said_we_did", "“You said, we did” report"
        SURVEY_RESULTS = "survey_results", "Survey results"
        MONITORING_DATA = "monitoring_data", "Participant monitoring data"
        ACCESSIBLE_FORMAT = "accessible_format", "Accessible-format sample"
        EQUALITY_IMPACT = "equality_impact", "Equality impact assessment"
        POLICY = "policy", "Policy (for example, payment and expenses)"
        EVALUATION = "evaluation", "Evaluation report"
        LEARNING_LOG = "learning_log", "Learning log or case study"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"
        INTERVIEW_NOTES = "interview_notes", "Interview or focus-group notes"
        PARTNER_STATEMENT = "partner_statement", "Healthwatch, VCSE or partner statement"
        IMPACT_LOG = "impact_log", "Impact log"
        OTHER = "other", "Other"

    class Category(models.TextChoices):
        # The rubric's evidence categories (CQC's, adapted to engagement). Codes, not keys into a
        # rubric version: an item outlives the version that was current when it was uploaded.
        PEOPLES_EXPERIENCE = "PE", "People's experience"
        STAFF_AND_LEADERS = "SL", "Feedback from staff and leaders"
        PARTNERS = "FP", "Feedback from partners"
        PROCESSES = "PR", "Processes"
        OUTCOMES = "OC", "Outcomes"
        OBSERVATION = "OB", "Observation"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="evidence_items"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    category = models.CharField(max_length=2, choices=Category.choices)
    # The evidence's own date (the meeting, the report), not the upload date.
    evidence_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking of "Change details": a save names the version it started from and is
    # refused if someone saved in between (evidence.services.evidence_item_update).
    version = models.PositiveIntegerField(default=1)
    # Who last changed the details (None until someone does).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Soft delete: restorable for 30 days, then purged. Never for an item a submitted
    # assessment cites.
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-evidence_date", "-created_at", "-pk"]
        indexes = [
            # The library page: one organisation's live items, newest first.
            models.Index(fields=["organisation", "deleted_at", "-evidence_date"], name="evidence_library"),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceFile(models.Model):
    """One uploaded file: a revision of an item. Never changed after upload except for what
    the background work finds out (scan result, extracted text)."""

    class ScanStatus(models.TextChoices):
        PENDING = "pending", "Waiting for virus scan"
        CLEAN = "clean", "Available"
        INFECTED = "infected", "Rejected: malware found"
        FAILED = "failed", "Scan failed: will be retried"

    class TextStatus(models.TextChoices):
        PENDING = "pending", "Waiting"
        DONE = "done", "Extracted"
        NONE = "none", "No text in this kind of file"
        FAILED = "failed", "Could not be read"

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="files")
    revision = models.PositiveIntegerField()
    # A random key in the evidence storage; the original name is only ever metadata.
    storage_key = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scan_detail = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)
    text_status = models.CharField(max_length=10, choices=TextStatus.choices, default=TextStatus.PENDING)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["item", "revision"], name="one_file_per_item_revision"),
        ]
        indexes = [
            # "Do we already hold this file?" is asked on every upload, per organisation.
            models.Index(fields=["sha256"], name="evidence_file_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (revision {self.revision})"

    @property
    def is_available(self) -> bool:
        """Only files the scanner passed are ever served."""
        return self.scan_status == self.ScanStatus.CLEAN


class Citation(models.Model):
    """An answer citing one file revision, with where in it to look and what it shows.

    It points at the revision, not the item: a later upload must not change what an assessment
    cited (CISO Assistant's evidence links point at the item, so a locked audit's evidence can
    change under it)."""

    response = models.ForeignKey(
        "assessments.CriterionResponse", on_delete=models.CASCADE, related_name="citations"
    )
    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="citations")
    location = models.CharField(max_length=200, blank=True, help_text="Page, section or paragraph.")
    note = models.TextField(blank=True, help_text="What this shows about the criterion.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # A submitted assessment's citations never change (see assessments/models.py).
    objects = editable_only_manager("response__assessment")

    class Meta:
        ordering = ["response", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "file", "location"], name="one_citation_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.file} cited for {self.response}"

    def save(self, *args, **kwargs) -> None:
        """Refuse unless the assessment citing the file is still with the organisation."""
        refuse_unless_editable(self._assessment_ids())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_unless_editable(self._assessment_ids())
        return super().delete(*args, **kwargs)

    def _assessment_ids(self) -> set[int]:
        response_ids = {self.response_id}
        if self.pk is not None:
            response_ids |= set(
                type(self)._base_manager.filter(pk=self.pk).values_list("response_id", flat=True)
            )
        return set(
            CriterionResponse._base_manager.filter(pk__in=response_ids - {None}).values_list(
                "assessment_id", flat=True
            )
        )


class EvidenceDownload(models.Model):
    """Who downloaded which revision, when: evidence is unpublished regulatory material."""

    file = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        return f"{self.user} downloaded {self.file} at {self.downloaded_at:%Y-%m-%d %H:%M}"
