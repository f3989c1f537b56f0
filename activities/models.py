"""A system's shared register of engagement activities (issue 17).

Each organisation records its own engagement activities. The other organisations of its system
see the shared part of each (title, dates, topics, communities, places, method, lead
organisation and contact; never the internal notes); organisations outside the system see
nothing. Topics and communities are controlled lists that rubric admins keep, so that two
partners' activities can be compared (and their overlaps found) by the same words.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ControlledTerm(models.Model):
    """A word of a controlled list. Retired terms stay on the activities that used them, but
    cannot be chosen for new ones."""

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Topic(ControlledTerm):
    """What an activity is about: urgent care, mental health, maternity..."""


class Community(ControlledTerm):
    """Who an activity engages: age groups, protected characteristics, inclusion health groups,
    carers, people who use services, staff."""

    class Group(models.TextChoices):
        AGE = "age", "Age groups"
        PROTECTED = "protected", "Protected characteristics"
        INCLUSION = "inclusion", "Inclusion health groups"
        CARERS = "carers", "Carers"
        SERVICE_USERS = "service_users", "People who use services"
        STAFF = "staff", "Staff"
        OTHER = "other", "Other communities"

    group = models.CharField(max_length=20, choices=Group.choices, default=Group.OTHER)

    class Meta(ControlledTerm.Meta):
        verbose_name_plural = "communities"
        ordering = ["position", "name"]


class Activity(models.Model):
    """One engagement activity, owned by the organisation that leads it."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    class Method(models.TextChoices):
        SURVEY = "survey", "Survey"
        FOCUS_GROUP = "focus_group", "Focus groups"
        INTERVIEWS = "interviews", "Interviews"
        PUBLIC_MEETING = "public_meeting", "Public meeting or event"
        WORKSHOP = "workshop", "Workshop"
        CITIZENS_PANEL = "citizens_panel", "Citizens' panel or jury"
        CONSULTATION = "consultation", "Formal consultation"
        CO_DESIGN = "co_design", "Co-design or co-production group"
        OUTREACH = "outreach", "Community outreach"
        ONLINE = "online", "Online discussion"
        OTHER = "other", "Other"

    class Influence(models.TextChoices):
        # IAP2's spectrum of public participation, from least to most influence.
        INFORM = "inform", "Inform"
        CONSULT = "consult", "Consult"
        INVOLVE = "involve", "Involve"
        COLLABORATE = "collaborate", "Collaborate"
        EMPOWER = "empower", "Empower"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField("question or purpose", max_length=2000)
    topics = models.ManyToManyField(Topic, related_name="activities")
    communities = models.ManyToManyField(Community, related_name="activities")
    # Places are the local authority areas the activity reaches.
    places = models.ManyToManyField("organisations.Organisation", related_name="activities_here", blank=True)
    partners = models.ManyToManyField(
        "organisations.Organisation", related_name="activities_as_partner", blank=True
    )
    method = models.CharField(max_length=20, choices=Method.choices)
    influence = models.CharField("level of influence", max_length=12, choices=Influence.choices)
    planned_start = models.DateField()
    planned_end = models.DateField()
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    # The dates overlaps are found by: the actual dates where known, else the planned ones.
    # Kept by save(), so the overlap check is one indexed range query.
    period_start = models.DateField(editable=False)
    period_end = models.DateField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    participants = models.PositiveIntegerField("number who took part", null=True, blank=True)
    participant_profile = models.TextField("who took part", blank=True, max_length=4000)
    what_heard = models.TextField("what was heard", blank=True, max_length=10000)
    what_changed = models.TextField("what changed as a result", blank=True, max_length=10000)
    participants_told = models.BooleanField("participants were told", null=True, blank=True)
    told_on = models.DateField("date participants were told", null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    internal_notes = models.TextField(blank=True, max_length=10000)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField(max_length=254)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name_plural = "activities"
        indexes = [
            # The register and the overlap check: a system's organisations' activities by date.
            models.Index(fields=["organisation", "period_start"], name="activity_org_period"),
            models.Index(fields=["organisation", "period_end"], name="activity_org_period_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="activity_planned_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["planned", "running", "closed"]),
                name="activity_status_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.period_start = self.actual_start or self.planned_start
        self.period_end = self.actual_end or self.planned_end
        if self.period_end < self.period_start:
            self.period_end = self.period_start
        super().save(*args, **kwargs)


class Join(models.Model):
    """Two activities that combined ("joined with"): they count once in the system's figures.
    Stored once per pair, the lower id first."""

    first = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    joined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_join_per_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="join_in_order"),
        ]

    def __str__(self) -> str:
        return f"Activities {self.first_id} and {self.second_id} joined"


class OverlapFound(models.Model):
    """An overlap the portal warned about, kept so the figures can count overlaps found (and how
    many of them were joined). Once per pair, the lower id first."""

    first = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_overlap_per_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="overlap_in_order"),
        ]

    def __str__(self) -> str:
        return f"Activities {self.first_id} and {self.second_id} overlap"


class Publication(models.Model):
    """A closed activity's "You said, we did" entry on its organisation's public page, in the
    words its lead chose for the public: never the internal notes, contacts or profiles."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="publication")
    asked = models.TextField("what we asked", max_length=2000)
    heard = models.TextField("what you said", max_length=5000)
    changed = models.TextField("what we did", max_length=5000)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["withdrawn_at", "-published_at"], name="publication_live")]

    def __str__(self) -> str:
        return f"You said, we did: {self.activity_id}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class RegisterImport(models.Model):
    """A spreadsheet whose every row passed the checks, waiting for its importer to confirm the
    preview. Nothing is in the register until then (services.register_import_confirm)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Import of {self.file_name}"


class RegisterSnapshot(models.Model):
    """The register, or a filtered part of it, as filed in the evidence library: the frozen JSON
    the filed PDF was rendered from, and its SHA-256 (printed in the PDF). Never changed."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    evidence_item = models.OneToOneField(
        "evidence.EvidenceItem", on_delete=models.PROTECT, related_name="register_snapshot"
    )
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Register snapshot {self.sha256[:12]}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A filed register snapshot never changes")
        super().save(*args, **kwargs)
