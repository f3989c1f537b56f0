"""The audit trail: one append-only row per thing done to an organisation's data, or to the portal.

Rows are written once by `audit.services.record` and never change: the model refuses `save()` of
an existing row and `delete()`, its queryset refuses bulk `update()` and `delete()`, and on
PostgreSQL (and SQLite) database triggers refuse UPDATE and DELETE (migration `0002`).

Nothing here is a foreign key. A person, an organisation or an evidence item can be deleted (by
retention, say) while the record of what happened to it must stay, unchanged; so the row keeps
plain ids and the names as they were at the time.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditTrailIsAppendOnly(Exception):
    pass


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be changed")

    def delete(self):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    # Actions are plain strings checked by `audit.services.record` against `audit.actions.ACTIONS`,
    # so a new kind of event needs no migration.
    action = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)
    # Who: a person (id and username as they were), or nobody (a failed sign-in, a command).
    actor_id = models.IntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    # True when the actor acted as CQC (assessor) or as a site or rubric admin, not as a member.
    actor_is_staff = models.BooleanField(default=False)
    # Whose data: the organisation the event is about, if any.
    organisation_id = models.IntegerField(null=True, blank=True)
    # What: the object's kind ("evidence.EvidenceItem") and id, and one plain-English line.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500)
    # Where from: the request's address and path, when there was a request.
    ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation_id", "-at"], name="audit_org_at"),
            models.Index(fields=["actor_id", "-at"], name="audit_actor_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["-at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditTrailIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("audit events cannot be deleted")
