"""Who may see and change which evidence. Every evidence view fetches its objects through these.

- Members of the owning organisation read everything in its library (viewers too); leads and
  contributors also upload, edit, add revisions, delete and restore. Viewers get a 403 on those.
- CQC assessors see only what was sent to CQC: items, and within them the revisions, that an
  assessment cited when it was submitted (it has at least one Submission row). Any other item is
  a 404 for them, as if it did not exist, because it is the organisation's private working
  material. They never change evidence: a write on an item they can see is a 403.
- Everyone else (other organisations, people with no organisation) gets a 404 for all of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404

from evidence.models import Citation, EvidenceFile, EvidenceItem
from organisations.access import get_organisation_for_user, membership_for
from organisations.models import Membership, Organisation
from organisations.roles import is_assessor


@dataclass(frozen=True)
class Library:
    """One organisation's evidence library as one person sees it."""

    organisation: Organisation
    membership: Membership | None

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def can_edit(self) -> bool:
        return self.membership is not None and self.membership.can_edit


def submitted_citations() -> QuerySet[Citation]:
    """Citations made by assessments that have been submitted to CQC (at least once), of files
    that belong to the citing organisation."""
    return Citation.objects.filter(
        response__assessment__submissions__isnull=False,
        response__assessment__organisation=F("file__item__organisation"),
    )


def get_library_for_user(user, code: str) -> Library:
    """404 for anyone who cannot see the organisation at all."""
    organisation = get_organisation_for_user(user, code)
    return Library(organisation, membership_for(user, organisation))


def get_library_for_editor(user, code: str) -> Library:
    """An organisation whose evidence the person may change: 404 if they cannot see it, 403 if
    they can see it but only read (viewers, CQC assessors)."""
    library = get_library_for_user(user, code)
    if not library.can_edit:
        raise PermissionDenied("Only the organisation's leads and contributors can change its evidence")
    return library


def items_for(user, library: Library) -> QuerySet[EvidenceItem]:
    """The live (not deleted) items this person may see in this library."""
    items = EvidenceItem.objects.filter(organisation=library.organisation, deleted_at__isnull=True)
    if library.is_member:
        return items
    if is_assessor(user):
        return items.filter(pk__in=submitted_citations().values("file__item_id"))
    return items.none()


def files_for(user, library: Library, item: EvidenceItem) -> QuerySet[EvidenceFile]:
    """The revisions of an item this person may see and download: all of them for members, the
    ones a submitted assessment cited for CQC assessors."""
    files = item.files.select_related("uploaded_by")
    if library.is_member:
        return files
    if is_assessor(user):
        return files.filter(pk__in=submitted_citations().values("file_id"))
    return files.none()


def get_item_for_user(user, code: str, item_id: int) -> tuple[Library, EvidenceItem]:
    library = get_library_for_user(user, code)
    try:
        item = items_for(user, library).select_related("created_by").get(pk=item_id)
    except EvidenceItem.DoesNotExist:
        raise Http404("No such evidence") from None
    return library, item


def get_item_for_editor(user, code: str, item_id: int) -> tuple[Library, EvidenceItem]:
    """404 if the person cannot see the item, 403 if they can see it but not change it."""
    library, item = get_item_for_user(user, code, item_id)
    if not library.can_edit:
        raise PermissionDenied("Only the organisation's leads and contributors can change its evidence")
    return library, item


def get_file_for_download(user, code: str, item_id: int, revision: int) -> tuple[Library, EvidenceFile]:
    library, item = get_item_for_user(user, code, item_id)
    try:
        file = files_for(user, library, item).get(revision=revision)
    except EvidenceFile.DoesNotExist:
        raise Http404("No such revision") from None
    file.item = item
    return library, file


def get_deleted_item_for_editor(user, code: str, item_id: int) -> tuple[Library, EvidenceItem]:
    """A soft-deleted item, for restoring: only the organisation's editors know it exists."""
    library = get_library_for_user(user, code)
    if not library.is_member:
        raise Http404("No such evidence")
    if not library.can_edit:
        raise PermissionDenied("Only the organisation's leads and contributors can restore evidence")
    try:
        item = EvidenceItem.objects.get(
            pk=item_id, organisation=library.organisation, deleted_at__isnull=False
        )
    except EvidenceItem.DoesNotExist:
        raise Http404("No such deleted evidence") from None
    return library, item
