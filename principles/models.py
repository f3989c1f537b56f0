"""The 8 principles as versioned scoring rubrics.

A rubric version holds everything an assessment is answered against: evidence categories,
principles, criteria, four level descriptors per criterion, suggested evidence and the scoring
rule. Only a draft can change. Once published, a version is frozen for good, because
assessments pin it: CISO Assistant's mistake (a framework update rewriting past audits) is
exactly what this prevents. The freeze is enforced three times over: here in the model layer
(`save()`/`delete()` and queryset `update()`/`delete()` refuse), in the admin (read-only), and
on PostgreSQL by triggers (migration 0002) so that even raw SQL cannot change a frozen row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from engagement_portal.lib.frozen import guarded_manager
from principles.scoring import DEFAULT_RULE, ScoringRule


class FrozenRubricError(ValidationError):
    """Raised when anything tries to change a published or retired rubric version."""


def _default_scoring_rule() -> dict:
    return DEFAULT_RULE.to_dict()


class RubricVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    label = models.CharField(max_length=40, unique=True, help_text='A short name such as "2026".')
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The rule that turns criterion scores into principle scores and an overall rating, kept
    # with the wording because changing a threshold changes results as much as changing words.
    scoring_rule = models.JSONField(default=_default_scoring_rule)
    # SHA-256 of the version's content (canonical JSON of its export), set when published, so
    # anyone can prove which wording an assessment was answered against.
    content_hash = models.CharField(max_length=64, blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "retired"]),
                name="rubric_status_is_known",
            ),
            # A published or retired version always says when it was published.
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(published_at__isnull=False, content_hash__gt=""),
                name="frozen_rubric_has_publication_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display().lower()})"

    # Fields a published version may still change, and only once: retiring it.
    RETIREMENT_FIELDS = frozenset({"status", "retired_at", "retired_by"})

    def save(self, *args, **kwargs) -> None:
        """Refuse any change to a frozen version other than retiring a published one."""
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values().first()
            if stored is not None and stored["status"] != self.Status.DRAFT:
                changed = {
                    f.name
                    for f in self._meta.concrete_fields
                    if getattr(self, f.attname) != stored[f.attname] and f.name != "id"
                }
                retiring = stored["status"] == self.Status.PUBLISHED and self.status == self.Status.RETIRED
                if changed and not (retiring and changed <= self.RETIREMENT_FIELDS):
                    raise FrozenRubricError(
                        f"Rubric version {stored['label']} is {stored['status']}, so it cannot be changed. "
                        "Make a new draft from it instead."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if type(self).objects.filter(pk=self.pk).exclude(status=self.Status.DRAFT).exists():
            raise FrozenRubricError(f"Rubric version {self.label} is {self.status}, so it cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def rule(self) -> ScoringRule:
        return ScoringRule.from_dict(self.scoring_rule)


def frozen_aware_manager(version_path: str) -> models.Manager:
    """Bulk update() and delete() refuse rows of a published or retired version."""
    return guarded_manager(
        f"FrozenAwareQuerySet_{version_path}",
        frozen_rows=lambda: ~models.Q(**{f"{version_path}__status": RubricVersion.Status.DRAFT}),
        refusal=lambda: FrozenRubricError("These rows belong to a published or retired rubric version."),
    )


class RubricContent(models.Model):
    """Everything inside a rubric version: it can change only while the version is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # Both the version it belongs to now and the one it is moving to must be drafts.
        version_ids = {self.version_id_now()}
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
            if stored is not None:
                version_ids.add(stored.version_id_now())
        self._refuse_unless_draft(version_ids)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = type(self)._base_manager.filter(pk=self.pk).first()
        self._refuse_unless_draft({stored.version_id_now() if stored else None})
        return super().delete(*args, **kwargs)

    def version_id_now(self) -> int | None:
        """The id of the version this row belongs to, read from the database, not a cache."""
        raise NotImplementedError

    def _refuse_unless_draft(self, version_ids: set[int | None]) -> None:
        frozen = RubricVersion.objects.filter(pk__in=version_ids - {None}).exclude(
            status=RubricVersion.Status.DRAFT
        )
        if frozen.exists():
            raise FrozenRubricError(
                "This belongs to a published or retired rubric version, which cannot change. "
                "Make a new draft to change the wording."
            )


class EvidenceCategory(RubricContent):
    """CQC-style evidence categories, adapted to engagement (PE, SL, FP, PR, OC, OB).

    Cited evidence is tagged with a category; a principle's score needs evidence from at least
    two (the scoring rule's triangulation requirement)."""

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="evidence_categories")
    code = models.CharField(max_length=4)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = frozen_aware_manager("version")

    class Meta:
        ordering = ["version", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="category_code_unique_in_version")
        ]
        verbose_name_plural = "evidence categories"

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def version_id_now(self) -> int | None:
        return self.version_id


class Principle(RubricContent):
    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(99)])
    title = models.CharField(max_length=200, help_text='The short name, such as "Strong leadership".')
    statement = models.TextField(help_text="What good looks like, in one sentence.")
    guidance = models.TextField(blank=True)

    objects = frozen_aware_manager("version")

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="principle_number_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def version_id_now(self) -> int | None:
        return self.version_id


class Criterion(RubricContent):
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="criteria")
    # Shown to people as the criterion's name ("3.2"); unique within a version (checked when
    # publishing, since the version is one join away) and within a principle (by the database).
    code = models.CharField(max_length=10)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    suggested_evidence = models.TextField(blank=True)

    objects = frozen_aware_manager("principle__version")

    class Meta:
        ordering = ["principle__number", "position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["principle", "code"], name="criterion_code_unique_in_principle")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def version_id_now(self) -> int | None:
        return (
            Principle._base_manager.filter(pk=self.principle_id).values_list("version_id", flat=True).first()
        )


class LevelDescriptor(RubricContent):
    """What a criterion looks like at one of CQC's four levels: 1 significant shortfalls,
    2 some shortfalls, 3 good standard, 4 exceptional standard."""

    class Level(models.IntegerChoices):
        SIGNIFICANT_SHORTFALLS = 1, "Significant shortfalls"
        SOME_SHORTFALLS = 2, "Some shortfalls"
        GOOD = 3, "Good standard"
        EXCEPTIONAL = 4, "Exceptional standard"

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    text = models.TextField()

    objects = frozen_aware_manager("criterion__principle__version")

    class Meta:
        ordering = ["criterion", "level"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "level"], name="one_descriptor_per_level"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4), name="descriptor_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} level {self.level}"

    def version_id_now(self) -> int | None:
        return (
            Criterion._base_manager.filter(pk=self.criterion_id)
            .values_list("principle__version_id", flat=True)
            .first()
        )


class SuggestedEvidence(RubricContent):
    """A kind of evidence that supports a principle, tagged with evidence category codes."""

    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="suggested_evidence")
    # Category codes such as ["PE", "FP"]: codes, not keys, so the list reads the same in the
    # export file and survives copying the version.
    categories = models.JSONField(default=list)
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    objects = frozen_aware_manager("principle__version")

    class Meta:
        ordering = ["principle", "position", "pk"]
        verbose_name_plural = "suggested evidence"

    def __str__(self) -> str:
        return f"{', '.join(self.categories)}: {self.text[:60]}"

    def version_id_now(self) -> int | None:
        return (
            Principle._base_manager.filter(pk=self.principle_id).values_list("version_id", flat=True).first()
        )


class RubricChange(models.Model):
    """One change to a draft's wording: who, when, what, before and after.

    Written by the services that edit drafts (never by signals), and never updated or deleted:
    it is the record rubric admins and auditors read."""

    version = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # What changed, as people name it: "Principle 3", "Criterion 3.2", "Criterion 3.2 level 4".
    subject = models.CharField(max_length=100)
    field = models.CharField(max_length=50)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["version", "-changed_at"], name="rubric_change_by_version")]

    def __str__(self) -> str:
        return f"{self.subject} {self.field} changed by {self.changed_by} at {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError("The rubric's change history cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The rubric's change history cannot be deleted.")
