"""A snapshot of the database's rows, and whose organisation each row belongs to.

`take()` reads every row of every model (through tables of many-to-many fields included) except
the bookkeeping listed in IGNORED: sessions, the audit trail, sign-in attempts and the like,
which any request may write. `diff()` says which rows were added, changed or deleted between
two snapshots. `owners()` walks every foreign key from a row, as far as it goes, and returns
the organisations it reaches: an evidence citation reaches one through its answer's assessment
and another through its file's item, and both must be the poster's. Rows that reach no
organisation (the rubric, cycles, people) are organisation-neutral.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from organisations.models import Organisation

# Written by any request, or by machinery rather than forms: never compared.
IGNORED = {
    "sessions.session",
    "audit.auditevent",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accesslog",
    "axes.accessfailurelog",
    "admin.logentry",
    "contenttypes.contenttype",
    "auth.permission",
    # Background tasks queued by a write (a virus scan after an upload): a row per task, no data.
    "django_tasks_database.dbtaskresult",
}

Row = dict[str, object]
Snapshot = dict[str, dict[object, Row]]


def tracked_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in IGNORED
    ]


def _values(model: type[models.Model]) -> dict[object, Row]:
    names = [field.attname for field in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.order_by().values(*names)}


def take() -> Snapshot:
    return {model._meta.label_lower: _values(model) for model in tracked_models()}


@dataclass(frozen=True)
class Change:
    label: str
    pk: object
    kind: str  # "added", "changed" or "deleted"
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        extra = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.kind} {self.label} #{self.pk}{extra}"


def diff(before: Snapshot, after: Snapshot) -> list[Change]:
    changes: list[Change] = []
    for label in sorted(set(before) | set(after)):
        old, new = before.get(label, {}), after.get(label, {})
        for pk in new.keys() - old.keys():
            changes.append(Change(label, pk, "added"))
        for pk in old.keys() - new.keys():
            changes.append(Change(label, pk, "deleted"))
        for pk in old.keys() & new.keys():
            if old[pk] != new[pk]:
                fields = tuple(sorted(k for k in new[pk] if old[pk].get(k) != new[pk][k]))
                changes.append(Change(label, pk, "changed", fields))
    return changes


def _foreign_keys(model: type[models.Model]) -> Iterable[models.ForeignKey]:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            yield field


def owners(label: str, pk: object, *snapshots: Snapshot) -> set[int]:
    """The organisations a row reaches through its foreign keys, read from the snapshots (the
    later first), so a deleted row is judged by what it pointed at before it went."""
    organisation_label = Organisation._meta.label_lower
    found: set[int] = set()
    seen: set[tuple[str, object]] = set()
    todo = [(label, pk)]
    while todo:
        label, pk = todo.pop()
        if (label, pk) in seen or pk is None:
            continue
        seen.add((label, pk))
        if label == organisation_label:
            found.add(pk)
            continue
        row = next((s[label][pk] for s in snapshots if pk in s.get(label, {})), None)
        if row is None:
            continue
        model = apps.get_model(label)
        for field in _foreign_keys(model):
            target = field.related_model._meta.label_lower
            if target in IGNORED:
                continue
            todo.append((target, row.get(field.attname)))
    return found


def owned_by(snapshot: Snapshot, organisation_id: int) -> dict[str, list[object]]:
    """Every row of the snapshot that belongs to the organisation: label -> primary keys."""
    result: dict[str, list[object]] = {}
    for label, rows in snapshot.items():
        for pk in rows:
            if organisation_id in owners(label, pk, snapshot):
                result.setdefault(label, []).append(pk)
    return result
