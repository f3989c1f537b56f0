"""Where an evidence item can be cited, asked of the floor above.

Self-assessments (assessments/, a floor above evidence/) cite evidence; the evidence item page
offers "Cite this in the 2026/27 self-assessment". So that evidence/ need not import the floor
above, assessments/ registers a function here when it starts (its AppConfig.ready), and the item
page asks every registered function for its offers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from evidence.models import EvidenceFile, EvidenceItem


@dataclass(frozen=True)
class CiteOffer:
    """A link on the item page: its words and where it goes."""

    text: str  # "Cite this in the 2026/27 self-assessment"
    url: str


# (organisation, item, file) -> offers; `file` is the revision a citation would point at.
OfferFinder = Callable[[object, EvidenceItem, EvidenceFile], list[CiteOffer]]
_finders: list[OfferFinder] = []


def register(finder: OfferFinder) -> OfferFinder:
    if finder not in _finders:
        _finders.append(finder)
    return finder


def offers_for(organisation, item: EvidenceItem) -> list[CiteOffer]:
    """What the item can be cited in now, for someone who may change the organisation's
    evidence. Nothing while no revision has passed the virus scan: only clean files are cited."""
    file = item.files.filter(scan_status=EvidenceFile.ScanStatus.CLEAN).order_by("-revision").first()
    if file is None:
        return []
    return [offer for finder in _finders for offer in finder(organisation, item, file)]
