"""A partner's person's work is named with the partner everywhere it shows (issue 14): "Priya
Shah, Healthwatch Alderley" on the evidence library and item pages, the criterion page, check
your answers, the overview, the submission, and the PDF report (read back with pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape

import pytest
from django.urls import reverse

from assessments import services
from organisations.models import Membership, Organisation
from tests.assessments.helpers import (
    answer_all,
    cite,
    cite_everywhere,
    evidence_file,
    response,
    start,
    submit,
)
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LABEL = "Priya Shah, Healthwatch Alderley"


def url(name: str, assessment, **extra) -> str:
    return reverse(
        name, kwargs={"code": assessment.organisation.code, "cycle": assessment.cycle.slug, **extra}
    )


def text_of(page) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", page.content.decode(), flags=re.S)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
    return re.sub(r" ([,.:;])", r"\1", text)


def pdftotext(pdf: bytes) -> str:
    program = shutil.which("pdftotext")
    assert program, "the PDF tests need poppler-utils: apt-get install poppler-utils"
    out = subprocess.run([program, "-", "-"], input=pdf, capture_output=True, check=True).stdout  # noqa: S603
    return " ".join(out.decode("utf-8").split())


def pdf_of(reply) -> bytes:
    assert reply.status_code == 200, reply.status_code
    return b"".join(reply.streaming_content) if reply.streaming else reply.content


@pytest.fixture
def priya(cast):
    partner = OrganisationFactory(name="Healthwatch Alderley", code="HWA", type=Organisation.Type.PARTNER)
    person = UserFactory(username="priya", first_name="Priya", last_name="Shah")
    Membership.objects.create(
        user=person, organisation=cast.org_a, role=Membership.Role.CONTRIBUTOR, partner=partner
    )
    return person


@pytest.fixture
def worked(cast, priya):
    """A's assessment: every criterion answered; Priya answered 1.1, uploaded a file and cited it,
    and was given 1.1 and 1.2."""
    assessment = start(cast)
    answer_all(assessment)
    cite_everywhere(assessment, cast.lead_a)
    first = response(assessment, "1.1")
    services.response_save(
        response=first,
        by=priya,
        expected_version=first.version,
        score=4,
        not_evidenced=False,
        narrative="Healthwatch's reports changed the plan.",
    )
    other = response(assessment, "2.1")
    services.response_save(
        response=other,
        by=cast.lead_a,
        expected_version=other.version,
        score=2,
        not_evidenced=False,
        narrative="Some.",
    )
    file = evidence_file(cast.org_a, priya, title="Healthwatch Alderley report, 2026")
    cite(assessment, "1.1", file, priya, location="Section 3")
    services.criteria_assign(
        assessment=assessment,
        by=cast.lead_a,
        criterion_ids=[first.criterion_id, response(assessment, "1.2").criterion_id],
        assignee=priya,
    )
    return assessment, file


def test_the_evidence_library_and_item_pages_name_the_partner(client, cast, worked):
    _, file = worked
    client.force_login(cast.lead_a)
    library = text_of(client.get(reverse("evidence_library", kwargs={"code": cast.org_a.code})))
    assert f"by {LABEL}." in library
    item = text_of(
        client.get(reverse("evidence_item", kwargs={"code": cast.org_a.code, "item_id": file.item_id}))
    )
    assert LABEL in item


@pytest.mark.usefixtures("worked")
def test_the_library_reads_uploaders_partners_with_its_items(client, cast):
    """Naming partners costs the library page no query of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.lead_a)
    target = reverse("evidence_library", kwargs={"code": cast.org_a.code})
    client.get(target)
    with CaptureQueriesContext(connection) as before:
        client.get(target)
    for n in range(5):
        evidence_file(cast.org_a, cast.viewer_a if n % 2 else cast.lead_a, title=f"More {n}")
    with CaptureQueriesContext(connection) as after:
        client.get(target)
    assert len(after) == len(before)


def test_the_criterion_overview_and_check_pages_name_the_partner(client, cast, worked):
    assessment, _ = worked
    client.force_login(cast.lead_a)
    criterion = text_of(client.get(url("assessment_criterion", assessment, criterion="1.1")))
    assert "Last changed" in criterion and f"by {LABEL}." in criterion  # the answer
    assert f"Given to {LABEL}" in criterion
    assert criterion.count(LABEL) >= 3  # and the citation card's "Cited by"
    overview = text_of(client.get(url("assessment_overview", assessment)))
    assert f"1.1, 1.2 with {LABEL}." in overview and f"{LABEL} 1.1" in overview
    check = text_of(client.get(url("assessment_check", assessment)))
    assert f"Given to {LABEL}. Last changed by {LABEL}." in check
    assert f"Criterion 1.2: with {LABEL}" in check


def test_the_submission_and_its_pdf_report_name_the_partner(client, cast, worked):
    assessment, _ = worked
    submit(assessment, cast.lead_a)
    client.force_login(cast.lead_a)
    submission = text_of(client.get(url("submission_detail", assessment, number=1)))
    assert f"Answered by {LABEL}" in submission
    assert f"Uploaded by {LABEL}" in submission

    text = pdftotext(pdf_of(client.get(url("submission_report", assessment, number=1))))
    assert f"Answered by {LABEL}" in text
    assert f"uploaded by {LABEL}" in text
    # Everyone else's work is named without a partner.
    lead = cast.lead_a.get_full_name() or cast.lead_a.username
    assert re.search(rf"Answered by {re.escape(lead)}(?!,)", text)
    assert text.count("Healthwatch Alderley report, 2026") >= 2  # cited, and in the index


def test_the_draft_pdf_report_names_the_partner(client, cast, worked):
    assessment, _ = worked
    client.force_login(cast.contributor_a)
    text = pdftotext(pdf_of(client.get(url("assessment_report", assessment))))
    assert f"Answered by {LABEL}" in text
    assert f"uploaded by {LABEL}" in text
