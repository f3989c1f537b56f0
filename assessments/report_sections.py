"""Sections of the self-assessment report that apps above this one add, asked of the floor above.

The PDF report (report.py) is built here, on floor 4, but some of what it shows lives higher up:
the improvement plan (improvement/, floor 5), for one. So that assessments/ need not import the
floor above, an app registers a builder here when it starts (its AppConfig.ready), as
evidence/citing.py does for the item page, and the report asks every builder for its section.

A section's `fingerprint` says what it shows: a submission's stored report is keyed by it too
(report.content_fingerprint), so a stored report is rendered again once a section changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ReportSection:
    anchor: str  # the section's id, for the contents
    title: str  # its heading, and its line in the contents
    template: str  # rendered with `section` (this object) and `report`
    data: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""


# assessment -> its section, or None when it has nothing to show.
Builder = Callable[[Any], ReportSection | None]
_builders: list[Builder] = []


def register(builder: Builder) -> Builder:
    if builder not in _builders:
        _builders.append(builder)
    return builder


def sections_for(assessment) -> list[ReportSection]:
    return [section for builder in _builders if (section := builder(assessment)) is not None]
