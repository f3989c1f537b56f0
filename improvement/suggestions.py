"""CQC's areas for improvement as suggested actions (issue 18, part 1).

A finalised outcome's frozen JSON (reviews.Outcome.final) may name areas for improvement per
principle. Each is a suggestion until a lead decides: accept it as an action in CQC's words,
rewrite it in the organisation's own, or decline it with a reason (`SuggestionDecision`). The
areas are read only from the frozen JSON, never from the review's live rows, so nothing
CQC-only can reach the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessments.models import Assessment
from improvement.models import SuggestionDecision
from organisations.models import Organisation
from reviews.models import Outcome


@dataclass(frozen=True)
class Suggestion:
    assessment: Assessment
    principle_number: int
    principle_title: str
    position: int
    words: str
    decision: SuggestionDecision | None = None

    @property
    def key(self) -> str:
        return f"{self.assessment.cycle.slug}-{self.principle_number}-{self.position}"


def all_for(organisation: Organisation) -> list[Suggestion]:
    """Every area for improvement in the organisation's finalised outcomes, newest cycle first,
    each with the decision made on it (if any). Two queries."""
    outcomes = list(
        Outcome.objects.filter(review__assessment__organisation=organisation, final__isnull=False)
        .select_related("review__assessment__cycle")
        .order_by("-review__assessment__cycle__opens_on")
    )
    decisions = {
        (d.assessment_id, d.principle_number, d.position): d
        for d in SuggestionDecision.objects.filter(organisation=organisation).select_related("by")
    }
    found = []
    for outcome in outcomes:
        assessment = outcome.review.assessment
        for principle in outcome.final.get("principles", []):
            number = principle.get("number")
            for position, words in enumerate(principle.get("areas_for_improvement") or [], start=1):
                found.append(
                    Suggestion(
                        assessment=assessment,
                        principle_number=number,
                        principle_title=principle.get("title", ""),
                        position=position,
                        words=words,
                        decision=decisions.get((assessment.pk, number, position)),
                    )
                )
    return found


def waiting(organisation: Organisation) -> list[Suggestion]:
    return [s for s in all_for(organisation) if s.decision is None]


def find(organisation: Organisation, cycle: str, principle_number: int, position: int) -> Suggestion | None:
    return next(
        (
            s
            for s in all_for(organisation)
            if s.assessment.cycle.slug == cycle
            and s.principle_number == principle_number
            and s.position == position
        ),
        None,
    )
