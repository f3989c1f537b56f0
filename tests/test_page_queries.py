"""The busiest pages read in a fixed number of queries (issue 9): at most 15, and the same for a
small dataset as for one several times larger. bench/pages.py times the same six pages against
national-scale data (bench/seed.py); this runs in CI, on SQLite and on PostgreSQL.

Each page is requested once before it is counted, as a gunicorn worker that has served it
before would answer: what is cached for good (published rubric wording, digests of submitted
snapshots) is then in the cache, for both datasets alike.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, CriterionResponse
from evidence.models import Citation, EvidenceItem
from organisations.models import Membership
from reviews import services as review_services
from tests.assessments.helpers import (
    answer_all,
    cite_everywhere,
    earlier_cycle,
    evidence_file,
    open_cycle,
    start,
    start_in_past_cycle,
    submit,
)
from tests.assessments.review_helpers import codes, in_review
from tests.clients import PortalClient
from tests.factories import MembershipFactory, OrganisationFactory

LIMIT = 15
SEARCH = "minutes"


def _organisation_with_lead(n: int):
    organisation = OrganisationFactory(name=f"Organisation {n:02d}", code=f"QQ{n:02d}")
    lead = MembershipFactory(organisation=organisation, role=Membership.Role.LEAD).user
    return organisation, lead


def _score(assessment: Assessment, assessor, criterion_codes: list[str]) -> None:
    for code in criterion_codes:
        review_services.score_save(
            assessment=assessment,
            criterion_code=code,
            by=assessor,
            expected_version=0,
            score=3,
            not_evidenced=False,
            rationale=f"Assessor's view of {code}.",
        )


class Dataset:
    """Organisation A's draft (with an earlier cycle's assessment to compare with), its evidence
    library, and other organisations' submitted assessments in the queue, one of them in review
    (the workspace) and some scored (the calibration table). `grow` adds more of everything."""

    def __init__(self, cast):
        self.cast = cast
        self.cycle = open_cycle()
        start_in_past_cycle(cast, earlier_cycle())
        self.draft = start(cast, self.cycle)
        self.files: list = []
        self.others = 0
        self.add_evidence(10)
        self.answer(10, citations=1)
        self.add_submitted(2, scored=1)
        organisation, lead = _organisation_with_lead(99)
        self.reviewed = self._submitted(organisation, lead)
        in_review(self.reviewed, cast.assessor)
        _score(self.reviewed, cast.assessor, codes(self.reviewed)[:5])
        self.ask("1.1")

    def ask(self, code: str) -> None:
        review_services.question_ask(
            assessment=self.reviewed, by=self.cast.assessor, criterion_code=code, body="Which minutes?"
        )

    def add_evidence(self, n: int) -> None:
        start_at = len(self.files)
        for i in range(start_at, start_at + n):
            category = EvidenceItem.Category.values[i % len(EvidenceItem.Category.values)]
            self.files.append(
                evidence_file(
                    self.cast.org_a,
                    self.cast.contributor_a,
                    title=f"Evidence {i}",
                    category=category,
                    content=f"Evidence {i}: the board minutes of meeting {i}.".encode(),
                )
            )

    def answer(self, n: int, *, citations: int) -> None:
        responses = list(
            CriterionResponse.objects.filter(assessment=self.draft).order_by(
                "criterion__principle__number", "criterion__position"
            )[:n]
        )
        CriterionResponse.objects.filter(pk__in=[r.pk for r in responses]).update(
            score=3, narrative="Our evidence shows this.", version=1
        )
        Citation.objects.filter(response__assessment=self.draft).delete()
        Citation.objects.bulk_create(
            Citation(response=r, file=f, location="Page 1", note="Shows it.", created_by=self.cast.lead_a)
            for i, r in enumerate(responses)
            for f in (self.files[(i + k) % len(self.files)] for k in range(citations))
        )

    def _submitted(self, organisation, lead) -> Assessment:
        assessment = services.assessment_start(organisation=organisation, cycle=self.cycle, by=lead)
        answer_all(assessment)
        cite_everywhere(assessment, lead)
        submit(assessment, lead)
        assessment.refresh_from_db()
        return assessment

    def add_submitted(self, n: int, *, scored: int) -> None:
        for i in range(n):
            self.others += 1
            assessment = self._submitted(*_organisation_with_lead(self.others))
            if i < scored:
                in_review(assessment, self.cast.assessor)
                _score(assessment, self.cast.assessor, codes(assessment))

    def grow(self) -> None:
        """Twice the answers, three times the evidence and citations, three times the queue, a
        fully scored review with three times the questions."""
        self.add_evidence(20)
        self.answer(20, citations=3)
        self.add_submitted(4, scored=2)
        _score(self.reviewed, self.cast.assessor, codes(self.reviewed)[5:])
        for code in ("2.1", "3.1"):
            self.ask(code)

    def pages(self) -> dict[str, tuple[str, object]]:
        cast, org = self.cast, self.cast.org_a
        own = {"code": org.code, "cycle": self.cycle.slug}
        reviewed = {"code": self.reviewed.organisation.code, "cycle": self.cycle.slug}
        return {
            "overview": (reverse("assessment_overview", kwargs=own), cast.lead_a),
            "criterion": (reverse("assessment_criterion", kwargs={**own, "criterion": "1.2"}), cast.lead_a),
            "evidence_search": (
                reverse("evidence_library", kwargs={"code": org.code}) + f"?q={SEARCH}",
                cast.lead_a,
            ),
            "queue": (reverse("review_queue"), cast.assessor),
            "workspace": (reverse("review_workspace", kwargs=reviewed), cast.assessor),
            "calibration": (reverse("review_calibration", kwargs={"cycle": self.cycle.slug}), cast.assessor),
        }


def count(path: str, user) -> tuple[int, bytes]:
    client = PortalClient()
    client.force_login(user)  # verified with the second factor, for the assessor
    assert client.get(path).status_code == 200  # the first request fills what is cached for good
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content


@pytest.mark.django_db
def test_busy_pages_read_in_a_fixed_number_of_queries(cast):
    data = Dataset(cast)
    small = {name: count(path, user) for name, (path, user) in data.pages().items()}
    data.grow()
    large = {name: count(path, user) for name, (path, user) in data.pages().items()}

    # The larger dataset really is larger on every page (so the comparison means something).
    assert b"10 of 33 criteria answered" in small["overview"][1]
    assert b"20 of 33 criteria answered" in large["overview"][1]
    assert large["evidence_search"][1].count(b"<mark>") > small["evidence_search"][1].count(b"<mark>")
    assert large["queue"][1].count(b"Organisation ") > small["queue"][1].count(b"Organisation ")
    assert large["calibration"][1].count(b"Organisation ") > small["calibration"][1].count(b"Organisation ")
    assert large["workspace"][1].count(b"Which minutes?") > small["workspace"][1].count(b"Which minutes?")
    assert large["criterion"][1].count(b"Evidence ") > small["criterion"][1].count(b"Evidence ")

    small_counts = {name: n for name, (n, _) in small.items()}
    large_counts = {name: n for name, (n, _) in large.items()}
    assert large_counts == small_counts
    assert max(small_counts.values()) <= LIMIT, small_counts
