"""The register, or a filtered part of it, filed in the evidence library (issue 17, part 6).

A frozen snapshot (canonical JSON, with its SHA-256) of the activities as the filing organisation
sees them: its own with what changed and whether participants were told, its system partners'
with their shared part only; never internal notes, who took part or what was heard. The snapshot
is rendered as a tagged PDF (engagement_portal/lib/pdf.py's render_pdf) that prints the SHA-256,
and the PDF is stored as a new evidence item through evidence/services.py, to be cited against
criteria like any other evidence.
"""

from __future__ import annotations

import datetime
import hashlib

from django.template.loader import render_to_string
from django.utils import timezone

from engagement_portal.lib.pdf import render_pdf
from evidence.uploads import HashedUpload, incoming_directory

FORMAT = "engagement-register/1"


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def snapshot(*, organisation, activities, filters: dict[str, str], taken_at: datetime.datetime) -> dict:
    rows = []
    for a in activities:
        row = {
            "id": a.pk,
            "lead_organisation": a.organisation.name,
            "lead_organisation_code": a.organisation.code,
            "title": a.title,
            "start": _day(a.period_start),
            "end": _day(a.period_end),
            "status": a.get_status_display(),
            "topics": sorted(t.name for t in a.topics.all()),
            "communities": sorted(c.name for c in a.communities.all()),
            "places": sorted(p.name for p in a.places.all()),
            "method": a.get_method_display(),
            "level_of_influence": a.get_influence_display(),
        }
        if a.organisation_id == organisation.pk:
            row.update(
                {
                    "question_or_purpose": a.purpose,
                    "number_who_took_part": a.participants,
                    "what_changed": a.what_changed,
                    "participants_told": a.participants_told,
                    "told_on": _day(a.told_on),
                    "closed_on": _day(a.closed_on),
                }
            )
        rows.append(row)
    return {
        "format": FORMAT,
        "organisation": {"name": organisation.name, "code": organisation.code},
        "filters": filters,
        "taken_at": taken_at.isoformat(),
        "activities": rows,
    }


def render(data: dict, sha256: str) -> bytes:
    html = render_to_string("pdf/activities_register.html", {"data": data, "sha256": sha256})
    return render_pdf(html).pdf


def as_upload(name: str, content: bytes) -> HashedUpload:
    upload = HashedUpload(name, "application/pdf", None, incoming_directory())
    upload.file.write(content)
    upload.file.flush()
    upload.file.seek(0)
    upload.size = len(content)
    upload.sha256 = hashlib.sha256(content).hexdigest()
    return upload


def ordered(activities):
    return (
        activities.select_related("organisation")
        .prefetch_related("topics", "communities", "places")
        .order_by("period_start", "organisation__name", "pk")
    )


def now() -> datetime.datetime:
    return timezone.localtime()
