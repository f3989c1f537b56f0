"""An assessment's answers, read in a fixed number of queries, and what follows from them.

The overview, the criterion pages, the check-your-answers page and the submission all need the
same picture: every criterion of the pinned rubric with its answer, how much evidence it cites
and from which evidence categories, the self-assessed scores from the pinned version's scoring
rule, the pre-submission checks, and the organisation's answers in its previous cycle. Reading
it here, in one place and in a number of queries that does not grow with the number of criteria,
citations or evidence items, keeps every page fast and every page consistent with the others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from assessments.models import Assessment, CriterionResponse
from evidence.models import Citation, EvidenceItem
from organisations.people import partner_of
from principles import cache as rubric_cache
from principles.models import Criterion, LevelDescriptor, Principle, RubricVersion
from principles.scoring import (
    OverallResult,
    PrincipleResult,
    ScoringRule,
    format_percentage,
    indicative_note,
    overall_result,
    principle_results,
)

LEVEL_NAMES = dict(LevelDescriptor.Level.choices)
CATEGORY_NAMES = dict(EvidenceItem.Category.choices)


def score_label(score: int | None, not_evidenced: bool = False) -> str:
    """How an answer reads on every page: the score and its level's name, "Not evidenced" or
    "Not answered"."""
    if score is not None:
        return f"{score} – {LEVEL_NAMES[score]}"
    return "Not evidenced" if not_evidenced else "Not answered"


def and_list(words: list[str]) -> str:
    """Words as people list them: "2", "2 and 4", "1, 2 and 4"."""
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class Progress(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


@dataclass
class PreviousAnswer:
    """The organisation's answer to the criterion with the same code in its previous cycle."""

    score: int | None
    not_evidenced: bool
    # The criterion's text or level descriptors differ between the two pinned versions.
    reworded: bool

    @property
    def label(self) -> str:
        return score_label(self.score, self.not_evidenced)


@dataclass(frozen=True)
class CitedDocument:
    """A document an answer cites, as check your answers lists it."""

    item_id: int
    title: str
    category: str
    revision: int
    location: str

    @property
    def category_name(self) -> str:
        return CATEGORY_NAMES.get(self.category, self.category)


@dataclass
class CriterionAnswer:
    criterion: Criterion
    response: CriterionResponse
    citations: int = 0
    categories: set[str] = field(default_factory=set)
    # The documents cited, in the order they were cited.
    cited: list[CitedDocument] = field(default_factory=list)
    previous: PreviousAnswer | None = None
    # True when there is a previous assessment but it had no criterion with this code.
    new_since_previous: bool = False

    @property
    def is_answered(self) -> bool:
        return self.response.is_answered

    @property
    def label(self) -> str:
        return score_label(self.response.score, self.response.not_evidenced)

    @property
    def needs_reasoning(self) -> bool:
        """A level with no narrative: a score needs its reasoning ("not evidenced" needs none)."""
        return self.response.score is not None and not self.response.narrative.strip()

    @property
    def is_ready(self) -> bool:
        return self.response.is_ready

    @property
    def assignee(self):
        return self.response.assigned_to


@dataclass
class PrincipleAnswers:
    principle: Principle
    criteria: list[CriterionAnswer]
    result: PrincipleResult
    previous_score: int | None = None

    @property
    def answered(self) -> int:
        return sum(1 for c in self.criteria if c.is_answered)

    @property
    def citations(self) -> int:
        return sum(c.citations for c in self.criteria)

    @property
    def categories(self) -> set[str]:
        return set().union(*(c.categories for c in self.criteria))

    @property
    def ready(self) -> int:
        return sum(1 for c in self.criteria if c.is_ready)

    @property
    def assignees(self) -> list:
        """The people this principle's criteria are given to, in the order of the criteria."""
        people = {}
        for c in self.criteria:
            if c.assignee is not None:
                people.setdefault(c.assignee.pk, c.assignee)
        return list(people.values())

    @property
    def shares(self) -> list[tuple[object, list[str], bool]]:
        """(person, codes of the criteria given to them, whether that is all of them), in the
        order of the criteria."""
        codes: dict[int, list[str]] = {}
        for c in self.criteria:
            if c.assignee is not None:
                codes.setdefault(c.assignee.pk, []).append(c.criterion.code)
        return [(p, codes[p.pk], len(codes[p.pk]) == len(self.criteria)) for p in self.assignees]

    @property
    def progress(self) -> Progress:
        if self.answered == 0:
            return Progress.NOT_STARTED
        return Progress.COMPLETED if self.answered == len(self.criteria) else Progress.IN_PROGRESS

    @property
    def next_to_answer(self) -> CriterionAnswer:
        """Where to carry on: the first unanswered criterion, or the first one when all are done."""
        return next((c for c in self.criteria if not c.is_answered), self.criteria[0])

    @property
    def reworded(self) -> list[CriterionAnswer]:
        return [c for c in self.criteria if c.previous is not None and c.previous.reworded]


@dataclass
class CheckWarning:
    """Something the lead must acknowledge before submitting; `criterion` links to the fix."""

    text: str
    criterion: Criterion


@dataclass
class Assignment:
    """One person's share of the work: the criteria given to them (`person` None: to nobody)."""

    person: object
    criteria: list[CriterionAnswer]

    @property
    def ready(self) -> int:
        return sum(1 for c in self.criteria if c.is_ready)

    @property
    def answered(self) -> int:
        return sum(1 for c in self.criteria if c.is_answered)


@dataclass
class AssessmentAnswers:
    assessment: Assessment
    rule: ScoringRule
    principles: list[PrincipleAnswers]
    overall: OverallResult
    previous: Assessment | None = None
    previous_overall: OverallResult | None = None

    @property
    def criteria(self) -> list[CriterionAnswer]:
        return [c for p in self.principles for c in p.criteria]

    @property
    def answered(self) -> int:
        return sum(p.answered for p in self.principles)

    @property
    def total(self) -> int:
        return sum(len(p.criteria) for p in self.principles)

    @property
    def ready(self) -> int:
        """Criteria marked "ready for the lead" since their answer last changed."""
        return sum(p.ready for p in self.principles)

    @property
    def cited(self) -> int:
        """Criteria citing at least one document."""
        return sum(1 for c in self.criteria if c.citations)

    @property
    def partners(self) -> dict[int, str]:
        """Person id -> the partner they speak for, for everyone the answers name (who changed,
        was given or marked each criterion), read with the answers: no query of its own."""
        names: dict[int, str] = {}
        for c in self.criteria:
            r = c.response
            for person_id, partner in (
                (r.updated_by_id, getattr(r, "updated_by_partner", None)),
                (r.assigned_to_id, getattr(r, "assigned_to_partner", None)),
                (r.ready_by_id, getattr(r, "ready_by_partner", None)),
            ):
                if person_id is not None and partner:
                    names[person_id] = partner
        return names

    @property
    def is_shared_out(self) -> bool:
        """Whether the lead shares out the work: any criterion given to someone or marked ready."""
        return any(c.assignee is not None or c.is_ready for c in self.criteria)

    def assignments(self) -> list[Assignment]:
        """Who has what: each person given criteria, by name, then the criteria given to nobody
        (when the work is shared out at all)."""
        by_person: dict[int, Assignment] = {}
        nobody = Assignment(None, [])
        for c in self.criteria:
            if c.assignee is None:
                nobody.criteria.append(c)
            else:
                by_person.setdefault(c.assignee.pk, Assignment(c.assignee, [])).criteria.append(c)
        people = sorted(
            by_person.values(),
            key=lambda a: ((a.person.get_full_name() or a.person.get_username()).lower(), a.person.pk),
        )
        return people + ([nobody] if nobody.criteria and people else [])

    def not_ready(self) -> list[CriterionAnswer]:
        """Not blocking: answered criteria not marked "ready for the lead", for the lead to look
        at (unanswered ones are listed, and block, as unanswered)."""
        return [c for c in self.criteria if c.is_answered and not c.is_ready]

    @property
    def unscored_principles(self) -> list[int]:
        """The principles with no score by the scoring rule, by number."""
        return [p.principle.number for p in self.principles if p.result.score is None]

    @property
    def overall_note(self) -> str | None:
        """Why the overall rating is indicative, or None when it is a full rating."""
        if not self.overall.indicative:
            return None
        return indicative_note(self.unscored_principles, len(self.principles))

    @property
    def completed_principles(self) -> int:
        return sum(1 for p in self.principles if p.progress == Progress.COMPLETED)

    def find(self, code: str) -> CriterionAnswer | None:
        return next((c for c in self.criteria if c.criterion.code == code), None)

    def after(self, answer: CriterionAnswer) -> CriterionAnswer | None:
        criteria = self.criteria
        index = next(i for i, c in enumerate(criteria) if c.criterion.pk == answer.criterion.pk)
        return criteria[index + 1] if index + 1 < len(criteria) else None

    def before(self, answer: CriterionAnswer) -> CriterionAnswer | None:
        criteria = self.criteria
        index = next(i for i, c in enumerate(criteria) if c.criterion.pk == answer.criterion.pk)
        return criteria[index - 1] if index > 0 else None

    # Pre-submission checks.

    def unanswered(self) -> list[CriterionAnswer]:
        """Blocking: every criterion needs a score or "not evidenced" before submitting."""
        return [c for c in self.criteria if not c.is_answered]

    def unreasoned(self) -> list[CriterionAnswer]:
        """Blocking: every score needs its reasoning (a narrative) before submitting."""
        return [c for c in self.criteria if c.needs_reasoning]

    def uncited(self) -> list[CriterionAnswer]:
        """Not blocking: criteria that cite no evidence, listed for the lead to see."""
        return [c for c in self.criteria if not c.citations]

    def warnings(self) -> list[CheckWarning]:
        """Not blocking, but the lead must acknowledge them: claims CQC will look hard at."""
        warnings = []
        for principle in self.principles:
            for c in principle.criteria:
                if c.response.score is not None and c.response.score >= 3 and c.citations == 0:
                    warnings.append(
                        CheckWarning(
                            f"Criterion {c.criterion.code} is scored {c.label} but cites no evidence.",
                            c.criterion,
                        )
                    )
            categories = principle.categories
            needed = self.rule.min_evidence_categories
            first = principle.criteria[0].criterion
            if not categories:
                warnings.append(
                    CheckWarning(f"Principle {principle.principle.number} cites no evidence.", first)
                )
            elif len(categories) < needed:
                names = and_list([CATEGORY_NAMES.get(code, code) for code in sorted(categories)])
                kind = "category" if len(categories) == 1 else "categories"
                warnings.append(
                    CheckWarning(
                        f"Principle {principle.principle.number}'s evidence comes from one evidence {kind} "
                        f"only ({names}). A principle's score needs evidence from at least {needed}."
                        if len(categories) == 1
                        else f"Principle {principle.principle.number}'s evidence comes from "
                        f"{len(categories)} evidence {kind} ({names}). A principle's score needs "
                        f"evidence from at least {needed}.",
                        first,
                    )
                )
        return warnings


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The organisation's assessment in the latest cycle that opened before this one's."""
    return (
        Assessment.objects.filter(
            organisation_id=assessment.organisation_id, cycle__opens_on__lt=assessment.cycle.opens_on
        )
        .select_related("cycle", "rubric_version")
        .order_by("-cycle__opens_on")
        .first()
    )


def _wording(version: RubricVersion) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each criterion's text and level descriptors by code, for spotting rewording."""
    wording = rubric_cache.wording(version)
    return {
        c.code: (c.text, tuple(wording.levels.get(c.pk, {}).get(n, "") for n in (1, 2, 3, 4)))
        for c in wording.criteria
    }


def load(assessment: Assessment, *, with_previous: bool = True) -> AssessmentAnswers:
    """Everything about an assessment's answers, in a fixed number of queries.

    `assessment` should come with its cycle and rubric version (select_related)."""
    version = assessment.rubric_version
    rule = ScoringRule.from_dict(version.scoring_rule)
    wording = rubric_cache.wording(version)
    principles, criteria = wording.principles, wording.criteria
    responses = {
        r.criterion_id: r
        for r in CriterionResponse.objects.filter(assessment=assessment)
        .select_related("updated_by", "assigned_to", "ready_by")
        # No ORDER BY: the rows go into a dict. The model's ordering would join the assessment's
        # cycle and organisation and the criterion's principle only to sort them.
        .order_by()
        # The partner each person speaks for, if any ("Kiran Shah, Healthwatch Northmoor").
        .annotate(
            updated_by_partner=partner_of("updated_by", assessment.organisation_id),
            assigned_to_partner=partner_of("assigned_to", assessment.organisation_id),
            ready_by_partner=partner_of("ready_by", assessment.organisation_id),
        )
    }
    counts: dict[int, int] = defaultdict(int)
    categories: dict[int, set[str]] = defaultdict(set)
    cited: dict[int, list[CitedDocument]] = defaultdict(list)
    for response_id, category, item_id, title, revision, location in (
        Citation.objects.filter(response__assessment=assessment)
        .values_list(
            "response_id",
            "file__item__category",
            "file__item_id",
            "file__item__title",
            "file__revision",
            "location",
        )
        .order_by("response_id", "pk")
    ):
        counts[response_id] += 1
        categories[response_id].add(category)
        cited[response_id].append(CitedDocument(item_id, title, category, revision, location))

    previous = previous_assessment(assessment) if with_previous else None
    previous_answers: dict[str, tuple[int | None, bool, int]] = {}
    previous_categories: dict[int, set[str]] = defaultdict(set)
    reworded: set[str] = set()
    if previous is not None:
        for code, number, score, not_evidenced in (
            CriterionResponse.objects.filter(assessment=previous)
            .values_list("criterion__code", "criterion__principle__number", "score", "not_evidenced")
            .order_by()  # into a dict: no sort, and none of the joins the model's ordering needs
        ):
            previous_answers[code] = (score, not_evidenced, number)
        for number, category in (
            Citation.objects.filter(response__assessment=previous)
            .values_list("response__criterion__principle__number", "file__item__category")
            # Without the model's ordering, whose columns DISTINCT would otherwise include.
            .order_by()
            .distinct()
        ):
            previous_categories[number].add(category)
        if previous.rubric_version_id != version.pk:
            now, then = _wording(version), _wording(previous.rubric_version)
            reworded = {code for code in now if code in then and now[code] != then[code]}

    by_principle: dict[int, list[CriterionAnswer]] = defaultdict(list)
    for criterion in criteria:
        response = responses.get(criterion.pk) or CriterionResponse(
            assessment=assessment, criterion=criterion
        )
        answer = CriterionAnswer(
            criterion=criterion,
            response=response,
            citations=counts.get(response.pk, 0),
            categories=categories.get(response.pk, set()),
            cited=cited.get(response.pk, []),
        )
        if previous is not None:
            if criterion.code in previous_answers:
                score, not_evidenced, _ = previous_answers[criterion.code]
                answer.previous = PreviousAnswer(score, not_evidenced, criterion.code in reworded)
            else:
                answer.new_since_previous = True
        by_principle[criterion.principle_id].append(answer)

    grouped = [(p, by_principle[p.pk]) for p in principles if by_principle.get(p.pk)]
    results, overall = principle_results(
        [
            ([a.response.score for a in answers], set().union(*(a.categories for a in answers)))
            for _, answers in grouped
        ],
        rule=rule,
    )
    rows = [
        PrincipleAnswers(principle=principle, criteria=answers, result=result)
        for (principle, answers), result in zip(grouped, results, strict=True)
    ]
    if overall is None:
        overall = overall_result([None], rule=rule)

    previous_overall = None
    if previous is not None and previous_answers:
        # The previous cycle's scores by the same rule (its own version's thresholds), evidence
        # categories included, so they compare with this cycle's.
        previous_rule = ScoringRule.from_dict(previous.rubric_version.scoring_rule)
        scores_by_number: dict[int, list[int | None]] = defaultdict(list)
        for score, _, number in previous_answers.values():
            scores_by_number[number].append(score)
        numbers = sorted(scores_by_number)
        previous_results, previous_overall = principle_results(
            [(scores_by_number[n], previous_categories.get(n, set())) for n in numbers], rule=previous_rule
        )
        previous_scores = {n: r.score for n, r in zip(numbers, previous_results, strict=True)}
        for row in rows:
            row.previous_score = previous_scores.get(row.principle.number)
    return AssessmentAnswers(
        assessment=assessment,
        rule=rule,
        principles=rows,
        overall=overall,
        previous=previous,
        previous_overall=previous_overall,
    )


# ---------------------------------------------------------------------------------------------
# Scores of a submission, from its frozen snapshot


@dataclass
class SnapshotScores:
    """A submission's self-assessed scores, worked out again from its snapshot's criterion
    scores and cited evidence categories by the pinned version's scoring rule.

    A snapshot also stores the scores as they were calculated when it was submitted, but those
    are never shown: submissions made before the sufficiency rule was kept gave a score to
    principles the rule leaves without one. The criteria and citations are what CQC received,
    and the rule is the rubric version's, so this is the score that submission earns."""

    principles: dict[int, PrincipleResult]
    overall: OverallResult | None

    def principle(self, number: int) -> PrincipleResult | None:
        return self.principles.get(number)

    @property
    def percentage(self) -> str | None:
        if self.overall is None or self.overall.percentage is None:
            return None
        return format_percentage(self.overall.percentage)

    @property
    def unscored(self) -> list[int]:
        """The principles with no score, by number."""
        return [n for n, r in self.principles.items() if r.score is None]

    @property
    def overall_note(self) -> str | None:
        """Why the overall rating is indicative, or None when it is a full rating."""
        if self.overall is None or not self.overall.indicative:
            return None
        return indicative_note(self.unscored, len(self.principles))


def snapshot_scores(snapshot: dict, rule: ScoringRule) -> SnapshotScores:
    numbers, inputs = [], []
    for p in snapshot.get("principles", []):
        criteria = p.get("criteria", [])
        if not criteria:
            continue
        numbers.append(p["number"])
        inputs.append(
            (
                [None if c.get("not_evidenced") else c.get("score") for c in criteria],
                {x.get("category") for c in criteria for x in c.get("citations", []) if x.get("category")},
            )
        )
    results, overall = principle_results(inputs, rule=rule)
    return SnapshotScores(dict(zip(numbers, results, strict=True)), overall)
